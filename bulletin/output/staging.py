"""Writing the output: build into a staging folder, then swap it in whole."""

from __future__ import annotations

import os
import shutil
from contextlib import suppress
from pathlib import Path
from typing import Iterable

from .disk import (
    hard_link,
    is_plain_file,
    locked,
    process_alive,
    real_folder,
    remove,
    same_bytes,
    same_file_bytes,
)
from .journal import JOURNAL, undo_patch
from .location import safe_relative


class Staging:
    """A sibling folder that becomes the output only when the whole build succeeded.

    Files whose bytes equal the previous output's are hard-linked from it, so they keep
    their modification times and a sync to the web server moves only what changed.
    """

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()  # through a link to the output folder, to the folder it names
        self.dir = self._sibling("staging", os.getpid())
        self.old = self._sibling("old", os.getpid())
        self.listed: list[str] | None = None
        self.statuses: dict[str, os.stat_result] = {}

    def _sibling(self, kind: str, pid: int | str) -> Path:
        return self.output.parent / f".{self.output.name}.{kind}-{pid}"

    def prepare(self) -> None:
        """Create an empty staging folder, after putting right what builds that died left behind."""
        real_folder.cache_clear()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        with locked(self.output.parent):
            self._recover()
        self.dir.mkdir()

    def interrupted(self) -> bool:
        """True when a build that died left a staging or old folder for ``prepare`` to put right."""
        prefixes = {self._sibling(kind, "").name for kind in ("staging", "old")}  # ".output.staging-", ...
        return any(path.name.rsplit("-", 1)[0] + "-" in prefixes
                   for path in self.output.parent.glob(f".{self.output.name}.*-*"))

    def _recover(self) -> None:
        """Bring back the previous output and its dot-entries if a build was killed while swapping."""
        for old in sorted(self.output.parent.glob(self._sibling("old", "*").name)):
            if old == self.old or not process_alive(old.name.rsplit("-", 1)[-1]):
                if (old / JOURNAL).is_file():
                    undo_patch(self.output, old)  # killed while applying a patch
                elif not self.output.exists() and not self.output.is_symlink():
                    os.rename(old, self.output)  # killed between its two renames
                else:
                    remove(old)  # killed after the swap, before the clean-up
        for stale in sorted(self.output.parent.glob(self._sibling("staging", "*").name)):
            if stale == self.dir or not process_alive(stale.name.rsplit("-", 1)[-1]):
                _return_dot_entries(stale, self.output)  # moved there by a swap that never came
                remove(stale)

    def write(self, rel: str, data: bytes) -> bool:
        """Stage one file; True when its bytes differ from the previous output's."""
        target, previous = self._paths(rel)
        if same_bytes(previous, data) and hard_link(previous, target):
            return False
        target.write_bytes(data)
        return True

    @property
    def folder(self) -> Path:
        """Where this build's files are written until the swap."""
        return self.dir

    def adopt(self, paths: Iterable[str]) -> None:
        """Files written by worker processes: the staging folder holds them already."""

    def keep(self, rel: str) -> bool:
        """Take the previous output's file over unchanged (its inputs did not change); False if it cannot be."""
        target, previous = self._paths(rel)
        return is_plain_file(previous) and hard_link(previous, target)

    def copy(self, rel: str, source: Path) -> bool:
        """Stage a static file, read in chunks whatever its size; True when it differs from the previous output's."""
        target, previous = self._paths(rel)
        if same_file_bytes(previous, source) and hard_link(previous, target):
            return False
        shutil.copyfile(source, target)
        return True

    def _paths(self, rel: str) -> tuple[Path, Path]:
        """The staged file (its folder created) and the previous output's file for a page path."""
        parts = safe_relative(rel).parts
        target = self.dir.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target, self.output.joinpath(*parts)

    def survey(self) -> None:
        """Nothing to look at: the whole output is replaced."""

    def surveyed_file(self, rel: str) -> os.stat_result | None:
        return None

    def commit(self) -> None:
        """Keep the old output's dot-entries, then swap the staged folder in; on any failure, undo."""
        moved: list[str] = []
        with locked(self.output.parent):
            try:
                if self.output.is_dir():
                    for entry in sorted(self.output.iterdir()):
                        if entry.name.startswith(".") and not (self.dir / entry.name).exists():
                            os.rename(entry, self.dir / entry.name)
                            moved.append(entry.name)
                if self.output.exists():
                    os.rename(self.output, self.old)
                os.rename(self.dir, self.output)
            except BaseException:  # Ctrl-C too: the previous output goes back as it was
                self._roll_back(moved)
                raise
        remove(self.old)

    def _roll_back(self, moved: list[str]) -> None:
        with suppress(OSError):
            if self.old.exists() and not self.output.exists():
                os.rename(self.old, self.output)
        for name in moved:
            with suppress(OSError):
                os.rename(self.dir / name, self.output / name)

    def abort(self) -> None:
        """Throw the staged files away; the previous output stays as it was."""
        shutil.rmtree(self.dir, ignore_errors=True)


def _return_dot_entries(stale: Path, output: Path) -> None:
    if not output.is_dir():
        return
    for entry in sorted(stale.iterdir()):
        if entry.name.startswith(".") and not (output / entry.name).exists():
            os.rename(entry, output / entry.name)
