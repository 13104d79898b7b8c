"""Writing the output in place, for the preview: only files whose bytes change are touched."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path
from typing import Iterable

from .disk import files_below, is_plain_file, real_folder, same_bytes, same_file_bytes
from .location import relative_parts, safe_relative


class InPlace:
    """Writes straight into the output folder, touching only files whose bytes change (for ``serve``).

    The preview validates everything before writing, so a failed rebuild writes nothing; files of the
    last build that this one did not produce are removed at the end.
    """

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.listed: list[str] | None = None
        self.statuses: dict[str, os.stat_result] = {}
        self.produced: set[str] = set()
        self.previous: set[str] | None = None  # what the last build produced; None: not known yet

    def prepare(self) -> None:
        real_folder.cache_clear()
        self.output.mkdir(parents=True, exist_ok=True)
        self.produced = set()

    def write(self, rel: str, data: bytes) -> bool:
        """Write one file if its bytes changed; True when they did."""
        target = self.output.joinpath(*safe_relative(rel).parts)
        self.produced.add(rel)
        if same_bytes(target, data):
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        return True

    def keep(self, rel: str) -> bool:
        self.produced.add(rel)
        return is_plain_file(os.path.join(self.output, *relative_parts(rel)))  # not pathlib: asked for every page

    def copy(self, rel: str, source: Path) -> bool:
        if same_file_bytes(self.output.joinpath(*safe_relative(rel).parts), source):
            self.produced.add(rel)
            return False
        return self.write(rel, source.read_bytes())

    @property
    def folder(self) -> Path:
        """Where this build's files are written."""
        return self.output

    def adopt(self, paths: Iterable[str]) -> None:
        """Count files written by worker processes (their own copies of this object) as produced."""
        self.produced.update(paths)

    def survey(self) -> None:
        """Nothing to look at: files are written in place as they come."""

    def surveyed_file(self, rel: str) -> os.stat_result | None:
        return None

    def commit(self, keep_folders: tuple[str, ...] = ("pagefind",)) -> None:
        """Remove what the last build wrote and this one did not (dot-entries and ``keep_folders`` stay)."""
        if self.previous is None:  # first build: anything in the folder may be stale
            gone = files_below(self.output, top_dot_entries=False, skip=keep_folders)
        else:
            gone = list(self.previous - self.produced)
        for rel in sorted(gone):
            top = rel.split("/", 1)[0]
            if top.startswith(".") or top in keep_folders or rel in self.produced:
                continue
            path = self.output / rel
            path.unlink(missing_ok=True)
            for folder in path.parents:  # remove folders left empty, up to the output
                if folder == self.output:
                    break
                with suppress(OSError):
                    folder.rmdir()
        self.previous = set(self.produced)

    def abort(self) -> None:
        """Nothing to undo: files are replaced whole, one at a time."""
