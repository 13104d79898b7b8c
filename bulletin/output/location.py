"""Where a build may write: an output folder that replaces no source, and page paths that stay inside it."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ..load.files import SOURCE_DIRS
from ..messages import Message, _, os_reason


class UnsafeOutputPath(ValueError):
    """A page path that would land outside the output folder."""


def refuse_output_location(root: Path, output: Path) -> Message | None:
    """Why ``output`` must not be written to, or None when it is safe."""
    root, output = root.resolve(), output.resolve()
    guarded = [root] + [(root / name).resolve() for name in SOURCE_DIRS]  # a source folder may be a link
    for folder in guarded:
        if output == folder or output in folder.parents:
            return _("the output folder {output} would replace the source folder {folder}; choose another --output",
                     output=str(output), folder=str(folder))
    for folder in guarded[1:]:
        if folder in output.parents:
            return _("the output folder {output} is inside the source folder {folder}; choose another --output",
                     output=str(output), folder=str(folder))
    if output.exists() and not output.is_dir():
        return _("the output {output} is a file, not a folder; choose another --output", output=str(output))
    try:
        foreign = output.is_dir() and not _built_by_bulletin(output)
    except OSError as exc:
        return _("cannot read the output folder {output}: {why}; choose another --output", output=str(output),
                 why=os_reason(exc))
    if foreign:
        return _("the output folder {output} holds files that bulletin did not build (it has no stats.json), "
                 "and a build replaces everything in it; empty it or choose another --output", output=str(output))
    return None


def _built_by_bulletin(folder: Path) -> bool:
    """True for an empty folder, one with only dot-entries, or a previous output (every build writes stats.json)."""
    return (folder / "stats.json").is_file() or all(entry.name.startswith(".") for entry in folder.iterdir())


def relative_parts(rel: str) -> tuple[str, ...]:
    """``safe_relative(rel).parts``, without making a path object for a plain path (asked for every page)."""
    parts = rel.split("/")
    if rel and "\\" not in rel and "\0" not in rel and all(p not in ("", ".", "..") for p in parts):
        return tuple(parts)
    return safe_relative(rel).parts


def safe_relative(rel: str) -> PurePosixPath:
    """Check that a page path stays inside the output folder."""
    path = PurePosixPath(rel)
    if not rel or "\\" in rel or "\0" in rel or path.is_absolute() or any(p in ("", ".", "..") for p in path.parts):
        raise UnsafeOutputPath(rel)
    return path
