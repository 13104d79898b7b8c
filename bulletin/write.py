"""Writing the output: build into a staging folder, then swap it in whole."""

from __future__ import annotations

import functools
import json
import os
import shutil
import stat
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from .files import SOURCE_DIRS

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

CHUNK = 1024 * 1024


class UnsafeOutputPath(ValueError):
    """A page path that would land outside the output folder."""


def refuse_output_location(root: Path, output: Path) -> str | None:
    """Why ``output`` must not be written to, or None when it is safe."""
    root, output = root.resolve(), output.resolve()
    guarded = [root] + [(root / name).resolve() for name in SOURCE_DIRS]  # a source folder may be a link
    for folder in guarded:
        if output == folder or output in folder.parents:
            return f"the output folder {output} would replace the source folder {folder}; choose another --output"
    for folder in guarded[1:]:
        if folder in output.parents:
            return f"the output folder {output} is inside the source folder {folder}; choose another --output"
    if output.exists() and not output.is_dir():
        return f"the output {output} is a file, not a folder; choose another --output"
    try:
        foreign = output.is_dir() and not _built_by_bulletin(output)
    except OSError as exc:
        return f"cannot read the output folder {output}: {exc.strerror}; choose another --output"
    if foreign:
        return (f"the output folder {output} holds files that bulletin did not build (it has no stats.json), "
                "and a build replaces everything in it; empty it or choose another --output")
    return None


def _built_by_bulletin(folder: Path) -> bool:
    """True for an empty folder, one with only dot-entries, or a previous output (every build writes stats.json)."""
    return (folder / "stats.json").is_file() or all(entry.name.startswith(".") for entry in folder.iterdir())


def safe_relative(rel: str) -> PurePosixPath:
    """Check that a page path stays inside the output folder."""
    path = PurePosixPath(rel)
    if not rel or "\\" in rel or "\0" in rel or path.is_absolute() or any(p in ("", ".", "..") for p in path.parts):
        raise UnsafeOutputPath(rel)
    return path


class Staging:
    """A sibling folder that becomes the output only when the whole build succeeded.

    Files whose bytes equal the previous output's are hard-linked from it, so they keep
    their modification times and a sync to the web server moves only what changed.
    """

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()  # through a link to the output folder, to the folder it names
        self.dir = self._sibling("staging", os.getpid())
        self.old = self._sibling("old", os.getpid())

    def _sibling(self, kind: str, pid: int | str) -> Path:
        return self.output.parent / f".{self.output.name}.{kind}-{pid}"

    def prepare(self) -> None:
        """Create an empty staging folder, after putting right what builds that died left behind."""
        _real_folder.cache_clear()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.output.parent):
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
            if old == self.old or not _process_alive(old.name.rsplit("-", 1)[-1]):
                if (old / JOURNAL).is_file():
                    undo_patch(self.output, old)  # killed while applying a patch
                elif not self.output.exists() and not self.output.is_symlink():
                    os.rename(old, self.output)  # killed between its two renames
                else:
                    _remove(old)  # killed after the swap, before the clean-up
        for stale in sorted(self.output.parent.glob(self._sibling("staging", "*").name)):
            if stale == self.dir or not _process_alive(stale.name.rsplit("-", 1)[-1]):
                _return_dot_entries(stale, self.output)  # moved there by a swap that never came
                _remove(stale)

    def write(self, rel: str, data: bytes) -> bool:
        """Stage one file; True when its bytes differ from the previous output's."""
        target, previous = self._paths(rel)
        if _same_bytes(previous, data) and _link(previous, target):
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
        return _is_plain_file(previous) and _link(previous, target)

    def copy(self, rel: str, source: Path) -> bool:
        """Stage a static file, read in chunks whatever its size; True when it differs from the previous output's."""
        target, previous = self._paths(rel)
        if _same_file_bytes(previous, source) and _link(previous, target):
            return False
        shutil.copyfile(source, target)
        return True

    def _paths(self, rel: str) -> tuple[Path, Path]:
        """The staged file (its folder created) and the previous output's file for a page path."""
        parts = safe_relative(rel).parts
        target = self.dir.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target, self.output.joinpath(*parts)

    def commit(self) -> None:
        """Keep the old output's dot-entries, then swap the staged folder in; on any failure, undo."""
        moved: list[str] = []
        with _locked(self.output.parent):
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
        _remove(self.old)

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


class InPlace:
    """Writes straight into the output folder, touching only files whose bytes change (for ``serve``).

    The preview validates everything before writing, so a failed rebuild writes nothing; files of the
    last build that this one did not produce are removed at the end.
    """

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.produced: set[str] = set()
        self.previous: set[str] | None = None  # what the last build produced; None: not known yet

    def prepare(self) -> None:
        _real_folder.cache_clear()
        self.output.mkdir(parents=True, exist_ok=True)
        self.produced = set()

    def write(self, rel: str, data: bytes) -> bool:
        """Write one file if its bytes changed; True when they did."""
        target = self.output.joinpath(*safe_relative(rel).parts)
        self.produced.add(rel)
        if _same_bytes(target, data):
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        return True

    def keep(self, rel: str) -> bool:
        target = self.output.joinpath(*safe_relative(rel).parts)
        self.produced.add(rel)
        return _is_plain_file(target)

    def copy(self, rel: str, source: Path) -> bool:
        if _same_file_bytes(self.output.joinpath(*safe_relative(rel).parts), source):
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

    def commit(self, keep_folders: tuple[str, ...] = ("pagefind",)) -> None:
        """Remove what the last build wrote and this one did not (dot-entries and ``keep_folders`` stay)."""
        if self.previous is None:  # first build: anything in the folder may be stale
            gone = [p.relative_to(self.output).as_posix() for p in self.output.rglob("*") if not p.is_dir()]
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


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so that two builds of one output never swap at once."""
    if fcntl is None:  # pragma: no cover - not on POSIX
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _return_dot_entries(stale: Path, output: Path) -> None:
    if not output.is_dir():
        return
    for entry in sorted(stale.iterdir()):
        if entry.name.startswith(".") and not (output / entry.name).exists():
            os.rename(entry, output / entry.name)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(FileNotFoundError):
            path.unlink()


def _is_plain_file(path: Path) -> bool:
    """A regular file reached without following any link (the output folder itself is already resolved)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
    except OSError:
        return False
    return _real_folder(str(path.parent))


@functools.lru_cache(maxsize=65536)
def _real_folder(folder: str) -> bool:
    """Whether ``folder`` is reached without following a link (asked once per folder and build process).

    A folder is when its parent is and it is not a link itself: one system call per folder.
    """
    parent = os.path.dirname(folder)
    if parent == folder or not os.path.isabs(folder) or os.path.normpath(folder) != folder:
        return os.path.realpath(folder) == folder
    return not os.path.islink(folder) and _real_folder(parent)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return _is_plain_file(path) and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _same_file_bytes(path: Path, source: Path) -> bool:
    try:
        if not _is_plain_file(path) or path.stat().st_size != source.stat().st_size:
            return False
        with path.open("rb") as a, source.open("rb") as b:
            while True:
                chunk = a.read(CHUNK)
                if chunk != b.read(CHUNK):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False


def _link(previous: Path, target: Path) -> bool:
    try:
        os.link(previous, target)
        return True
    except OSError:
        return False


def _process_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


# -- patches (see patch.py): what their commit set aside, and how it goes back -----------

JOURNAL = ".bulletin-patch.json"  # in the old-folder: the files the patch adds (the others it moved aside)


def files_below(folder: Path, top_dot_entries: bool = True) -> list[str]:
    """Every file and link below ``folder`` (links not followed), by relative path."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        top = dirpath == str(folder)
        if top and not top_dot_entries:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            filenames = [f for f in filenames if not f.startswith(".")]
        prefix = os.path.relpath(dirpath, folder).replace(os.sep, "/")
        names = filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        found += [name if prefix == "." else f"{prefix}/{name}" for name in names]
    return sorted(found)


def remove_empty_folders(root: Path, removed: Iterable[str]) -> None:
    """The folders of ``removed`` files that are left empty, deepest first, up to ``root``."""
    folders = {parent for rel in removed for parent in Path(rel).parents if parent != Path(".")}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        try:
            (root / folder).rmdir()
        except OSError:  # not empty, or gone
            pass


def undo_patch(output: Path, old: Path) -> None:
    """Put the previous output back from ``old``: remove what the patch added, move back what it set aside."""
    try:
        added = json.loads((old / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        added = []
    for rel in added if isinstance(added, list) else []:
        if isinstance(rel, str) and os.path.lexists(output / rel) and not os.path.lexists(old / rel):
            (output / rel).unlink()
    remove_empty_folders(output, [rel for rel in added if isinstance(rel, str)])
    for rel in files_below(old):
        if rel != JOURNAL:
            _move(old / rel, output / rel)
    _remove(old)


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
