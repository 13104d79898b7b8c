"""A patch's journal: what a patch's commit set aside, and how the previous output goes back (see patch.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .disk import files_below, move, remove, remove_empty_folders

JOURNAL = ".bulletin-patch.json"  # in the old-folder: the files the patch adds (the others it moved aside)



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
            move(old / rel, output / rel)
    remove(old)
