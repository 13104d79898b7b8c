"""The cache folder ``<source>/.cache/bulletin/`` and how its files are written: whole, or not at all."""

from __future__ import annotations

import json
import os
from pathlib import Path

CACHE_DIR = Path(".cache") / "bulletin"


def write_json(path: Path, data: object) -> None:
    """Replace ``path`` whole with ``data``; a cache that cannot be written is simply not used next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass
