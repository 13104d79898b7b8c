"""Finding a site's source files: a walk of its folders, or, after file events, only the files they name."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator, Sequence

from ..errors import Problems
from ..messages import _, os_reason
from .copies import warn_about_backups

SOURCE_DIRS = ("content", "data", "templates", "static")
# What cannot be in a published file name: controls, a backslash, bytes that are not UTF-8 (surrogate escapes).
BAD_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\\\ud800-\udfff]")


def relpath(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes, for messages."""
    return path.relative_to(root).as_posix()


@dataclass(frozen=True, slots=True)
class Found:
    """A source file found by ``walk_files``."""

    rel: str  # relative to the site root, with forward slashes
    path: str  # what to open
    stat: os.stat_result | None = None  # of a regular file found as such (not through a link)


def walk_files(folder: Path, root: Path, problems: Problems) -> list[Found]:
    """Every regular file below ``folder``, sorted by path.

    Skips dot-files; reports names that cannot be published, links that leave the site root or
    loop, and folders that cannot be read.
    """
    found: list[Found] = []
    real_root = root.resolve()
    if not folder.is_dir() or not _inside_root(folder, real_root, root, problems):
        return found
    real_folder = folder.resolve()
    visited = {real_folder}  # real paths of the folders read, so that a link loop is read once

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else folder
        problems.error(shown_path(where, root), 1, 1, _("cannot read folder: {why}", why=os_reason(exc)))

    real_of = {str(folder): real_folder}  # real path of each folder walked (a link's is its target's)
    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable, followlinks=True):
        here, real_here = Path(dirpath), real_of[dirpath]
        prefix = here.relative_to(root).as_posix() + "/"
        kept = []
        for name in sorted(dirnames):
            path = here / name
            if name.startswith(".") or not _publishable(path, root, problems):
                continue
            link = os.path.islink(path)
            if link and not _inside_root(path, real_root, root, problems):
                continue
            real = path.resolve() if link else real_here / name
            # A link to a folder inside this one would read that folder twice, or forever if it is an ancestor.
            if real in visited or (link and real.is_relative_to(real_folder)):
                problems.warning(relpath(path, root), 1, 1,
                                 _("symbolic link leads to a folder that is read already (or a loop); it is ignored"))
                continue
            visited.add(real)
            real_of[os.path.join(dirpath, name)] = real
            kept.append(name)
        dirnames[:] = kept
        for name in filenames:
            if name.startswith("."):
                continue
            file = os.path.join(dirpath, name)
            if BAD_NAME.search(name):
                _publishable(Path(file), root, problems)  # reports it
                continue
            regular = _regular_file(file)
            if regular is not None:
                found.append(Found(prefix + name, file, regular))
            elif not _inside_root(Path(file), real_root, root, problems):
                continue
            elif os.path.isfile(file):
                found.append(Found(prefix + name, file))
            else:
                problems.warning(prefix + name, 1, 1,
                                 _("not a regular file (a broken link, a pipe or a device); it is ignored"))
    return sorted(found, key=lambda f: f.rel.split("/"))


def _regular_file(path: str) -> os.stat_result | None:
    """The status of a regular file that is not a link (one system call: the usual case, checked first)."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    return status if stat.S_ISREG(status.st_mode) else None


def _inside_root(path: Path, real_root: Path, root: Path, problems: Problems) -> bool:
    """False (with a warning) for a symbolic link whose target is outside the site root, missing or a loop."""
    if not path.is_symlink():
        return True
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a loop of links, before Python 3.13
        problems.warning(relpath(path, root), 1, 1, _("symbolic link is broken or loops; it is ignored"))
        return False
    if target == real_root or real_root in target.parents:
        return True
    problems.warning(relpath(path, root), 1, 1, _("symbolic link points outside the site folder; it is ignored"))
    return False


def _publishable(path: Path, root: Path, problems: Problems) -> bool:
    """False (with an error) for a name with a control character, a backslash or bytes that are not UTF-8."""
    if not BAD_NAME.search(path.name):
        return True
    problems.error(shown_path(path, root), 1, 1,
                   _("file name has a control character, a backslash or bytes that are not UTF-8; rename it"))
    return False


def shown_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` for a message, with unprintable characters written as escapes."""
    try:
        rel = relpath(path, root)
    except ValueError:
        rel = str(path)

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode keeps it
            return f"\\x{code - 0xDC00:02x}"
        return "\\\\" if match.group() == "\\" else f"\\u{code:04x}"

    return BAD_NAME.sub(escape, rel)


def walk_once(folder: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk`` following links, each real folder once: a link loop is not gone round. A folder is known by
    its device and inode (one ``stat``; resolving its path would ``lstat`` every part of it)."""
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        try:
            status = os.stat(dirpath)
        except OSError:  # gone since it was listed
            dirnames[:] = []
            continue
        if (status.st_dev, status.st_ino) in seen:
            dirnames[:] = []
            continue
        seen.add((status.st_dev, status.st_ino))
        yield dirpath, dirnames, filenames


def find_files(root: Path, problems: Problems) -> dict[str, Found]:
    """Every source file the build reads, by path relative to ``root``, in the order a build reads them."""
    files: dict[str, Found] = {}
    data = root / "data"
    real_root = root.resolve()
    for name in ("site", "metrics", "terms"):
        file = data / f"{name}.yaml"
        if file.is_file() and all(_inside_root(f, real_root, root, problems) for f in (data, file)):
            files[f"data/{name}.yaml"] = Found(f"data/{name}.yaml", str(file))
    others = []
    for folder in (data / "units", root / "content", root / "templates", root / "static"):
        for found in walk_files(folder, root, problems):
            if kind_of(found.rel):
                files[found.rel] = found
            else:
                others.append(found.rel)
    present = set(files)
    for rel in others:  # not read: only a backup of a source file is worth a word
        warn_about_backups(rel, present, problems)
    return files


def kind_of(rel: str) -> str | None:
    """Which of the site's sources a file is ("bulletins", "units", ...), by its path; None if none."""
    parts = rel.split("/")
    if rel in ("data/site.yaml", "data/metrics.yaml", "data/terms.yaml"):
        return PurePosixPath(rel).stem
    if parts[:2] == ["data", "units"] and len(parts) == 3 and rel.endswith((".yaml", ".yml")):
        return "units"
    if parts[0] == "content" and rel.endswith(".md"):
        return "pages" if len(parts) == 3 and parts[1] == "pages" else "bulletins"
    return parts[0] if parts[0] in ("templates", "static") and len(parts) > 1 else None


def updated_files(root: Path, files: dict[str, Found], changed: Sequence[str]) -> dict[str, Found] | None:
    """``files`` after the ``changed`` files were written, created or removed; None when a walk is needed.

    A walk is needed for what a walk would warn about or find more of: a folder created or removed,
    a link, a name that is hidden or cannot be published.
    """
    updated = dict(files)
    for rel in changed:
        parts = rel.split("/")
        if any(p.startswith(".") or not p for p in parts) or BAD_NAME.search(rel):
            return None
        if any(os.path.islink(os.path.join(root, *parts[:i])) for i in range(1, len(parts))):
            return None
        path = os.path.join(root, *parts)
        try:
            status = os.lstat(path)
        except FileNotFoundError:
            if updated.pop(rel, None) is None:
                return None  # not a file we knew: maybe a folder
            continue
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        if kind_of(rel):
            updated[rel] = Found(rel, path, status)
    if updated.keys() == files.keys():
        return updated
    return dict(sorted(updated.items(), key=lambda item: (_ORDER.index(kind_of(item[0]) or "static"),
                                                          item[0].split("/"))))


_ORDER = ("site", "metrics", "terms", "units", "pages", "bulletins", "templates", "static")
