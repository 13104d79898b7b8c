"""Digests: short stable hashes of values, and of the generator itself.

Whatever a build reuses (a whole output, a page, a converted body) is keyed by a digest that
includes ``generator_digest()``: every Python, theme and message file of this package and the
versions of Python and of the libraries that shape the output. A change to any of them, an edited
filter as much as an upgraded Markdown, makes the next build redo what it may affect.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import platform
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# The distributions whose versions can change what a build writes (Python's own is added).
LIBRARIES = ("markdown", "jinja2", "markupsafe", "nh3", "opencc", "pyyaml", "pagefind", "pagefind-bin-extended",
             "python-slugify", "budoux", "pypinyin", "openpyxl")
GENERATOR_SUFFIXES = (".py", ".html", ".xml", ".css", ".js", ".svg", ".json", ".txt", ".woff2")  # not the messages


def digest(*parts: str | bytes) -> str:
    """A short, stable hash of ``parts``."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


@functools.cache
def generator_digest() -> str:
    """The digest of this generator: its own files (code, theme) and the versions of what it runs with."""
    return digest(package_digest(PACKAGE), *library_versions())


def package_digest(folder: Path) -> str:
    """The digest of every file of the package below ``folder`` that can change an output, by path and bytes."""
    parts: list[str | bytes] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__pycache__")))
        for name in sorted(filenames):
            if name.endswith(GENERATOR_SUFFIXES) and not name.startswith("."):
                path = Path(dirpath, name)
                parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


def library_versions() -> list[str]:
    """``name==version`` of Python and of each library in ``LIBRARIES`` (``name==`` when not installed)."""
    versions = [f"python=={platform.python_version()}"]
    for name in LIBRARIES:
        try:
            versions.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}==")
    return versions


MAX_SLUG = 80  # characters of an ASCII slug: a file name may have 255 bytes; a long one would be hard to share anyway


def capped_slug(slug: str) -> str:
    """``slug`` when it is short enough to be a file name, else its first part and a short digest of the whole
    (a tag of 63 Chinese characters gives 300 letters of pinyin: 'File name too long')."""
    if len(slug) <= MAX_SLUG:
        return slug
    return slug[:MAX_SLUG - 9].rstrip("-") + "-" + digest(slug)[:8]
