"""The writers' common face, and the choice of writer for a command-line build."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Protocol

from .patch import Patch
from .staging import Staging


class Writer(Protocol):
    """Where a build's files go: each method returns whether the file's bytes changed (``keep``: whether it could)."""

    output: Path  # the output folder (resolved)
    listed: list[str] | None  # after ``commit``, its files as ``disk.files_below`` lists them, if known without a walk
    statuses: dict[str, os.stat_result]  # after ``commit``: of files ``listed``, those known without looking again

    @property
    def folder(self) -> Path:
        """Where this build's files are written until ``commit``."""

    def prepare(self) -> None: ...

    def write(self, rel: str, data: bytes) -> bool: ...

    def keep(self, rel: str) -> bool: ...

    def copy(self, rel: str, source: Path) -> bool: ...

    def adopt(self, paths: Iterable[str]) -> None: ...

    def survey(self) -> None:
        """Look at the output as it is before its pages are kept or written, so that keeping one, ``commit`` and the
        stamp need not look again."""

    def surveyed_file(self, rel: str) -> os.stat_result | None:
        """The status of the output's plain file ``rel`` as ``survey`` found it, if it did."""

    def commit(self) -> None: ...

    def abort(self) -> None: ...


def open_writer(output: Path) -> Writer:
    """A patch of the changed files into an existing output, or a whole new output folder swapped in."""
    return Patch(output) if output.is_dir() else Staging(output)


def interrupted(output: Path) -> bool:
    """Whether a build that died left a staging or old folder beside ``output`` for the next build to put right."""
    return Staging(output).interrupted()

