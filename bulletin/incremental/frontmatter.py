"""Bulletins' front matter as earlier builds read it, in ``<source>/.cache/bulletin/front-matter.json``.

Parsing 10,000 front matters (YAML, every value checked) is most of what loading costs; a build
after one edit finds all but one file's text as the last build read it. Each file is known by the
digest of its path and text (``load.validate.file_digest``), and the whole cache by the generator's
digest, so an upgrade of bulletin or of PyYAML reads every file again. Only files read without any
problem are kept (a warning is reported on every build, so its file is parsed on every build).

The cache is plain JSON, never code: an entry of the wrong shape, planted or damaged, is ignored
and its file parsed, and what an entry holds is the text the file gave, escaped like any other
on every page. Safe to delete at any time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..digest import generator_digest
from ..model import Bulletin
from .files import CACHE_DIR, write_json

TEXTS = ("title", "summary", "source", "author", "title_note", "date_note")  # str, or None but the title


@dataclass(slots=True)
class FrontMatterCache:
    """Front-matter fields by file digest: those of the last build's files, and those learned since."""

    path: Path | None
    entries: dict[str, list] = field(default_factory=dict)  # key -> [title, date, summary, source, author, ...]
    used: dict[str, list] = field(default_factory=dict)  # what this build asked for or learned

    @classmethod
    def for_site(cls, source: Path) -> FrontMatterCache:
        """The cache of the site at ``source`` (empty when missing, unreadable or of another generator)."""
        path = source / CACHE_DIR / "front-matter.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        fine = isinstance(data, dict) and data.get("generator") == generator_digest() and isinstance(
            data.get("bulletins"), dict)
        return cls(path, data["bulletins"] if fine else {})  # type: ignore[index]

    def front_matter(self, key: str) -> dict[str, object] | None:
        """The fields the file with digest ``key`` gave, if it was read without a problem and the entry is sound."""
        entry = self.entries.get(key)
        fields = _fields(entry)
        if fields is not None:
            self.used[key] = entry  # type: ignore[assignment]
        return fields

    def learn(self, bulletin: Bulletin) -> None:
        self.used[bulletin.source_digest] = [bulletin.title, bulletin.date.isoformat(), bulletin.summary,
                                             bulletin.source, bulletin.author, list(bulletin.tags), bulletin.draft,
                                             bulletin.title_note, bulletin.date_note]

    def save(self) -> None:
        """Keep what this build used and learned, when it differs from what was read (none of another site's files)."""
        if self.path is None or self.used == self.entries:
            return
        try:
            write_json(self.path, {"generator": generator_digest(), "bulletins": dict(sorted(self.used.items()))})
        except ValueError:  # text JSON cannot carry (a lone surrogate): the file is parsed again next time
            pass
        self.entries = dict(self.used)


def _fields(entry: object) -> dict[str, object] | None:
    """An entry as ``Bulletin``'s fields, or None when it is not of the shape ``learn`` writes."""
    if not isinstance(entry, list) or len(entry) != 9:
        return None
    title, day, summary, source, author, tags, draft, title_note, date_note = entry
    texts = dict(zip(TEXTS, (title, summary, source, author, title_note, date_note)))
    if not isinstance(title, str) or not all(value is None or isinstance(value, str) for value in texts.values()):
        return None
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags) or not isinstance(draft, bool):
        return None
    try:
        date = dt.date.fromisoformat(day) if isinstance(day, str) else None
    except ValueError:
        return None
    if date is None:
        return None
    return dict(texts, date=date, tags=tuple(tags), draft=draft)
