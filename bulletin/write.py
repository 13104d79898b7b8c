"""Writing the output: build into a staging folder, then swap it in whole."""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath

from .sources import SOURCE_DIRS


class UnsafeOutputPath(ValueError):
    """A page path that would land outside the output folder."""


def refuse_output_location(root: Path, output: Path) -> str | None:
    """Why ``output`` must not be written to, or None when it is safe."""
    root, output = root.resolve(), output.resolve()
    guarded = [root] + [root / name for name in SOURCE_DIRS]
    for folder in guarded:
        if output == folder or output in folder.parents:
            return f"the output folder {output} would replace the source folder {folder}; choose another --output"
    for folder in guarded[1:]:
        if folder in output.parents:
            return f"the output folder {output} is inside the source folder {folder}; choose another --output"
    return None


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
        self.output = output.absolute()
        self.dir = self.output.parent / f".{self.output.name}.staging-{os.getpid()}"

    def prepare(self) -> None:
        """Create an empty staging folder, removing those of builds that died."""
        self.output.parent.mkdir(parents=True, exist_ok=True)
        for stale in self.output.parent.glob(f".{self.output.name}.staging-*"):
            if stale == self.dir or not _process_alive(stale.name.rsplit("-", 1)[-1]):
                shutil.rmtree(stale, ignore_errors=True)
        self.dir.mkdir()

    def write(self, rel: str, data: bytes) -> bool:
        """Stage one file; True when its bytes differ from the previous output's."""
        path = safe_relative(rel)
        target = self.dir.joinpath(*path.parts)
        previous = self.output.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if _same_bytes(previous, data) and _link(previous, target):
            return False
        target.write_bytes(data)
        return True

    def copy(self, rel: str, source: Path) -> bool:
        """Stage a static file; True when it differs from the previous output's."""
        return self.write(rel, source.read_bytes())

    def commit(self) -> None:
        """Keep the old output's dot-entries, then swap the staged folder in."""
        if self.output.is_dir():
            for entry in sorted(self.output.iterdir()):
                if entry.name.startswith(".") and not (self.dir / entry.name).exists():
                    os.rename(entry, self.dir / entry.name)
        old = self.output.parent / f".{self.output.name}.old-{os.getpid()}"
        if self.output.exists():
            os.rename(self.output, old)
        os.rename(self.dir, self.output)
        shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        """Throw the staged files away; the previous output stays as it was."""
        shutil.rmtree(self.dir, ignore_errors=True)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and path.stat().st_size == len(data) and path.read_bytes() == data
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
