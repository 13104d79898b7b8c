"""The cache folder ``<source>/.cache/bulletin/`` and how its files are written: whole, or not at all."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

CACHE_DIR = Path(".cache") / "bulletin"


def write_json(path: Path, data: object) -> None:
    """Replace ``path`` whole with ``data``; a cache that cannot be written is simply not used next time."""
    write_whole(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def write_whole(path: Path, data: bytes) -> None:
    """Replace ``path`` whole with ``data`` (written beside it, then moved over it); a cache that cannot be written
    is simply not used next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def remove_file(path: Path) -> None:
    """Remove ``path`` if it is there; a cache file that cannot be removed is left."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
