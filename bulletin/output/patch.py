"""A rebuild written as a patch: only files whose bytes change are staged, then moved into the output.

A whole new output folder (``Staging``) costs a link and a folder per page: seconds at 10,000
bulletins when one changed. A patch stages what changes; its commit moves every file it replaces
or removes into the old-folder, then the staged files in, and throws the old-folder away at the
end. Whatever fails, even a killed process, the old-folder's journal lets ``undo_patch`` (here, or
in the next build's ``prepare``) put the previous output back as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from contextlib import suppress
from pathlib import Path
from typing import Iterable

from .disk import (
    files_below,
    is_plain_file,
    locked,
    move,
    remove,
    remove_empty_folders,
    same_bytes,
    same_file_bytes,
)
from .journal import JOURNAL, undo_patch
from .location import relative_parts, safe_relative
from .staging import Staging
from .survey import Survey


class Patch(Staging):
    """Stages only changed files; files taken over unchanged are not touched at all."""

    def __init__(self, output: Path) -> None:
        super().__init__(output)
        self.produced: set[str] = set()
        self.surveyed: dict[str, os.stat_result] | None = None  # the output's files, links not followed (``survey``)
        self.looking: Survey | None = None  # the listing of them under way, from ``prepare``

    def prepare(self) -> None:
        """As ``Staging.prepare``; then the output, put right and not changed again before ``commit``, is listed."""
        super().prepare()
        self.looking = Survey(self.output)

    def write(self, rel: str, data: bytes) -> bool:
        self.produced.add(rel)
        if same_bytes(self._previous(rel), data):
            return False
        self._staged(rel).write_bytes(data)
        return True

    def keep(self, rel: str) -> bool:
        self.produced.add(rel)
        if self.surveyed is not None:
            return self.surveyed_file(rel) is not None
        return is_plain_file(os.path.join(self.output, *relative_parts(rel)))  # not pathlib: asked for every page

    def surveyed_file(self, rel: str) -> os.stat_result | None:
        """The status of the output's plain file ``rel`` as ``survey`` found it (None: not surveyed, or not a plain
        file: a link, say)."""
        status = self.surveyed.get(rel) if self.surveyed is not None else None
        return status if status is not None and stat.S_ISREG(status.st_mode) else None

    def copy(self, rel: str, source: Path) -> bool:
        self.produced.add(rel)
        if same_file_bytes(self._previous(rel), source):
            return False
        shutil.copyfile(source, self._staged(rel))
        return True

    def adopt(self, paths: Iterable[str]) -> None:
        """Files kept or written by worker processes (their own copies of this object)."""
        self.produced.update(paths)

    def _previous(self, rel: str) -> Path:
        return self.output.joinpath(*safe_relative(rel).parts)

    def _staged(self, rel: str) -> Path:
        target = self.dir.joinpath(*safe_relative(rel).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def survey(self) -> None:
        """The output's files and their statuses, as listed since ``prepare`` (or now, if that failed): the pages
        kept, the commit and the stamp need not look at them again, only at the files the commit moves. (``files_below``
        does not enter a linked folder: a plain file listed is reached without following a link.)"""
        looking, self.looking = self.looking, None
        self.surveyed = looking.result() if looking is not None else None
        if self.surveyed is not None:
            return
        surveyed = {}
        for rel in files_below(self.output, top_dot_entries=False):
            with suppress(OSError):  # gone since listed: not surveyed
                surveyed[rel] = os.lstat(os.path.join(self.output, rel))
        self.surveyed = surveyed

    def abort(self) -> None:
        super().abort()
        self._stop_looking()

    def _stop_looking(self) -> None:
        if self.looking is not None:
            self.looking.stop()
            self.looking = None

    def commit(self) -> None:
        """Move stale files aside, then each staged file in (its predecessor aside); on any failure, undo."""
        self._stop_looking()  # not surveyed: the output is looked at here
        staged = files_below(self.dir)
        surveyed = self.surveyed
        present = list(surveyed) if surveyed is not None else files_below(self.output, top_dot_entries=False)
        stale = [rel for rel in present if rel not in self.produced]
        with locked(self.output.parent):
            self.old.mkdir()
            added = [rel for rel in staged if not os.path.lexists(self.output / rel)]
            (self.old / JOURNAL).write_text(json.dumps(added), encoding="utf-8")
            try:
                for rel in stale:
                    move(self.output / rel, self.old / rel)
                remove_empty_folders(self.output, stale)
                for rel in staged:
                    if os.path.lexists(self.output / rel):
                        move(self.output / rel, self.old / rel)
                    move(self.dir / rel, self.output / rel)
            except BaseException:  # Ctrl-C too: the previous output goes back as it was
                undo_patch(self.output, self.old)
                raise
        remove(self.old)
        kept = {rel for rel in present if rel in self.produced}
        self.listed = sorted(kept.union(rel for rel in staged if not rel.startswith(".")))  # as a walk would find
        if surveyed is not None:  # the plain files it did not move are as they were surveyed
            moved = set(staged)
            self.statuses = {rel: status for rel in kept
                             if rel not in moved and (status := self.surveyed_file(rel)) is not None}
