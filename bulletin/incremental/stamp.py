"""The build stamp: proof that an output folder is what a build of the current sources would make.

After a good build, a stamp in ``<source>/.cache/bulletin/`` records what the build read (the
size, times and inode of every source and theme file, the options, the versions) and what it
left in the output folder (the same of every file there). A build that finds both unchanged has
nothing to do: it reports the last build's warnings again and stops, as ``make`` would.

Files modified less than a second before the stamp was made are not trusted (a second write in
the same clock tick would leave their time unchanged): the next build runs in full.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..digest import digest, generator_digest
from ..errors import Problems, Severity, SourceError
from ..load.files import SOURCE_DIRS, walk_once
from ..messages import Message
from ..output.disk import files_below
from .files import CACHE_DIR, write_json
from .memo import RACY_NS


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A digest of every file below some folders, when it was taken and the newest time it saw."""

    digest: str
    taken_ns: int
    newest_ns: int

    @property
    def trusted(self) -> bool:
        """False when a file may have been written again in the clock tick its time says."""
        return self.taken_ns - self.newest_ns > RACY_NS


def snapshot(folders: list[Path]) -> Snapshot:
    """Size, modification and change times and inode of every file below ``folders`` (links followed)."""
    paths: list[str] = []
    for folder in folders:
        for dirpath, dirnames, filenames in walk_once(folder):
            dirnames.sort()
            paths += [os.path.join(dirpath, name) for name in sorted(filenames)]
    return _snapshot_of(zip(paths, paths))


def _snapshot_of(files: Iterable[tuple[str, str]], seen: dict[str, os.stat_result] | None = None) -> Snapshot:
    """The snapshot of ``files``, each (how it is named, where it is); ``seen`` gets each file's status by name, and
    a status it holds already is taken as it is."""
    entries: list[str] = []
    newest, taken = 0, time.time_ns()
    for name, path in files:
        s = seen.get(name) if seen is not None else None
        try:
            s = s or os.stat(path)
        except OSError:
            entries.append(f"{name}\0gone")
            continue
        newest = max(newest, s.st_mtime_ns)
        if seen is not None:
            seen[name] = s
        entries.append(f"{name}\0{s.st_size}\0{s.st_mtime_ns}\0{s.st_ctime_ns}\0{s.st_ino}")
    return Snapshot(digest("\n".join(entries)), taken, newest)


def source_state(source: Path, options: tuple[object, ...]) -> Snapshot:
    """What a build of ``source`` reads: its sources, the generator (code, theme, library versions), the options."""
    files = snapshot([source / name for name in SOURCE_DIRS])
    return Snapshot(digest(files.digest, generator_digest(), repr(options)), files.taken_ns, files.newest_ns)


@dataclass(frozen=True, slots=True)
class LastBuild:
    """What the last build printed and wrote, when nothing has changed since."""

    files: int
    warnings: list[SourceError]


def last_build(source: Path, output: Path, options: tuple[object, ...],
               interrupted: bool) -> tuple[Snapshot, LastBuild | None]:
    """The sources' state now, and the last build of them into ``output`` if nothing changed since (neither the
    sources, the generator, ``options`` nor the output, and no build was ``interrupted`` in between)."""
    state = source_state(source, options)
    found = None if interrupted else BuildStamp.of(source, output).unchanged(state, output)
    return state, None if found is None else LastBuild(*found)


@dataclass(slots=True)
class BuildStamp:
    """The stamp file of one source folder's builds into one output folder."""

    path: Path

    @classmethod
    def of(cls, source: Path, output: Path) -> BuildStamp:
        return cls(source / CACHE_DIR / f"stamp-{digest(str(output.resolve()))}.json")

    def unchanged(self, sources: Snapshot, output: Path) -> tuple[int, list[SourceError]] | None:
        """(files, warnings) of the last build when neither the sources nor its output changed since; else None."""
        try:
            stamp = json.loads(self.path.read_text(encoding="utf-8"))
            if stamp["sources"] != sources.digest or not stamp["trusted"]:
                return None
            if stamp["output"] != output_state(output).digest:
                return None
            warnings = [SourceError(w[0], int(w[1]), int(w[2]), Message.from_json(w[3]), Severity.WARNING)
                        for w in stamp["warnings"]]
            return int(stamp["files"]), warnings
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def save(self, sources: Snapshot, output: Snapshot, files: int, problems: Problems) -> None:
        """Record a good build of ``sources`` that left ``output`` (``output_state``) in its output folder."""
        warnings = [[p.path, p.line, p.col, p.message.to_json() if isinstance(p.message, Message) else p.message]
                    for p in problems.sorted() if p.severity is Severity.WARNING]
        write_json(self.path, {"sources": sources.digest, "trusted": sources.trusted, "output": output.digest,
                               "files": files, "warnings": warnings})


def output_state(output: Path, listed: list[str] | None = None,
                 seen: dict[str, os.stat_result] | None = None) -> Snapshot:
    """The snapshot a stamp records of an output folder: of each file ``files_below`` lists there (its dot-entries
    at the top left out: not the build's), or of ``listed``, the same list when the caller knows it already.
    ``seen``, when given, gets each file's status by its relative path; the statuses it holds already (of files
    known not to have changed since they were looked at) are taken as they are."""
    root = os.fspath(output)
    files = files_below(output, top_dot_entries=False) if listed is None else listed
    return _snapshot_of(((rel, f"{root}/{rel}") for rel in files), seen)
