"""The manifest of the last build into an output folder: for each file, the fingerprint of what it was
made of and the size and modification time it was written with, so that a page whose inputs did not
change is taken over from the previous output instead of rendered again; for most pages, also their
quick fingerprint (``Reuse.quick_fingerprint``), by which they are taken over without being fingerprinted."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..digest import digest
from .files import CACHE_DIR, write_json


@dataclass(slots=True)
class Manifest:
    """What each output file of the last build was made of: path -> [fingerprint, size, mtime_ns(, quick)]."""

    path: Path | None
    entries: dict[str, list] = field(default_factory=dict)

    @classmethod
    def load(cls, source: Path, output: Path) -> Manifest:
        """The manifest of the last build from ``source`` into ``output`` (empty if none or unreadable)."""
        path = source / CACHE_DIR / f"manifest-{digest(str(output.resolve()))}.json"
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {}
        if not isinstance(entries, dict):
            return cls(path, {})
        return cls(path, {rel: entry for rel, entry in entries.items()  # the shape ``record`` writes, or nothing
                          if isinstance(entry, list) and len(entry) in (3, 4) and isinstance(entry[0], str)})

    def unchanged(self, rel: str, fingerprint: str, output: Path, status: os.stat_result | None = None) -> bool:
        """True when ``output/rel`` is still the file the last build made from the same inputs (``status``: its
        status, when known)."""
        entry = self.entries.get(rel)
        if not entry or entry[0] != fingerprint:
            return False
        try:
            stat = status or os.stat(os.path.join(output, rel))  # not pathlib: asked for every page of every build
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == entry[1:3]

    def made_with(self, rel: str, quick: str) -> str | None:
        """The fingerprint recorded for ``rel`` when the last build recorded this quick fingerprint with it."""
        entry = self.entries.get(rel)
        return entry[0] if entry and len(entry) == 4 and entry[3] == quick else None

    def record(self, rel: str, fingerprint: str, stat: os.stat_result, quick: str | None = None) -> None:
        """``rel`` was made of what ``fingerprint`` names, and is the file whose status is ``stat``."""
        self.entries[rel] = [fingerprint, stat.st_size, stat.st_mtime_ns] + ([quick] if quick else [])

    def save(self, keep: set[str]) -> None:
        """Write the manifest, keeping only the files of this build."""
        if self.path is None:
            return
        self.entries = {k: v for k, v in self.entries.items() if k in keep}
        write_json(self.path, dict(sorted(self.entries.items())))  # if it cannot be, the next build renders all
