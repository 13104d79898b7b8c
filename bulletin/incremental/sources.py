"""What earlier command-line builds found reading the sources, in ``<source>/.cache/bulletin/sources.json``.

Parsing 10,000 front matters (YAML, every value checked) is most of what loading costs, and checking
their links and figures much of the rest; a build after one edit finds all but one file's text as the
last build read it. So the cache keeps:

- each bulletin's front matter, by the digest of its file's path and text (``load.validate.file_digest``);
- each bulletin file's status (size, times, inode) when it was read, with that digest and where its body
  starts: a file with the same status is not even read (its body is read if a page needs it). Only a
  status older than the build that read it by more than a clock tick is kept, as the build stamp does;
- each unit's file as read (its reports, their figures and where each was written), by the digest of
  its file and of the metrics it was read against: parsing 500 units' YAML took 0.8 CPU-s of every build;
- the checks that found nothing to say (a body's links against the site's pages, its figures against its
  unit's reports), each by a digest of what it looked at;
- where the titles may break (BudouX's phrases, and the site's terms kept whole), by title, for the
  site's terms as they were: breaking 10,000 titles takes a second.

The whole cache is keyed by the generator's digest, so an upgrade of bulletin or of PyYAML reads and
checks everything again. Only what read and checked without any problem is kept: a file with a
warning is parsed, checked and warned about on every build.

A build after one edit changes a handful of the cache's 50,000 entries. Writing 7 MB of JSON for them
took 0.1 s of the build's own time, so a build writes only its changes (``sources-changes.json``) beside
the whole (``sources.json``), until they are an eighth of it; then the whole file is written again. The
changes name the whole file they change; with any other, or of another shape, they are not used.

The cache is plain JSON, never code: an entry of the wrong shape, planted or damaged, is ignored and
its file parsed, and what an entry holds is the text the file gave, escaped like any other on every
page. Safe to delete at any time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..digest import digest, generator_digest
from ..model import Bulletin, Location, Qualifier, Quantity, Report, Unit
from .files import CACHE_DIR, remove_file, write_json
from .memo import RACY_NS

QUALIFIERS = frozenset(q.value for q in Qualifier)
TEXTS = ("title", "summary", "source", "author", "title_note", "date_note")  # str, or None but the title
SECTIONS = ("bulletins", "checks", "breaks", "files", "units")  # the cache's parts of many entries
CHANGES = "sources-changes.json"  # beside sources.json: the changes to it, while they are few
CHANGES_MOST = 8  # the changes are written alone while they are at most 1/8 of the entries


@dataclass(slots=True)
class SourcesCache:
    """What the module's docstring lists (front matter, files' status, units, clean checks, titles' breaks): the
    last build's, and what this build used or learned (``used...``), which ``save`` keeps."""

    path: Path | None
    entries: dict[str, list] = field(default_factory=dict)  # key -> [title, date, summary, source, author, ...]
    checks: set[str] = field(default_factory=set)  # checks that found nothing, by what they looked at
    breaks: dict[str, list[int]] = field(default_factory=dict)  # title -> where it may break ...
    terms: str = ""  # ... for the site's terms of this digest
    used: dict[str, list] = field(default_factory=dict)  # what this build asked for or learned ...
    used_checks: set[str] = field(default_factory=set)  # ... of both
    used_breaks: dict[str, list[int]] | None = None  # ... and the titles' breaks it ends with (None: as read)
    files: dict[str, list] = field(default_factory=dict)  # path -> [size, mtime, ctime, inode, digest, body line]
    used_files: dict[str, list] = field(default_factory=dict)  # ... of this build
    units: dict[str, list] = field(default_factory=dict)  # key -> [slug, name, short name, region, category, reports]
    used_units: dict[str, list] = field(default_factory=dict)  # ... of this build
    started: int = field(default_factory=time.time_ns)  # before any file was looked at
    whole: Whole | None = None  # the whole file as read, which the changes file changes

    @classmethod
    def for_site(cls, source: Path) -> SourcesCache:
        """The cache of the site at ``source``, its changes applied (empty when missing, unreadable or of another
        generator)."""
        path = source / CACHE_DIR / "sources.json"
        whole = Whole.read(path)
        if whole is None:
            return cls(path)
        sections, terms = whole.changed(_read_json(path.with_name(CHANGES)))
        return cls(path, sections["bulletins"], set(sections["checks"]), sections["breaks"], terms,
                   files=sections["files"], units=sections["units"], whole=whole)

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

    def known_file(self, path: str, status: os.stat_result) -> tuple[str, int] | None:
        entry = self.files.get(path)
        if not (isinstance(entry, list) and len(entry) == 6 and entry[:4] == _status(status)
                and isinstance(entry[4], str) and type(entry[5]) is int and entry[5] > 0):
            return None
        self.used_files[path] = entry  # its front matter is looked up once, as any file's (else it is parsed)
        return entry[4], entry[5]

    def learn_file(self, path: str, status: os.stat_result, bulletin: Bulletin) -> None:
        if status.st_mtime_ns < self.started - RACY_NS:  # else it may change again within its time's tick
            self.used_files[path] = [*_status(status), bulletin.source_digest, bulletin.body_line]

    def unit(self, key: str, path: str) -> Unit | None:
        """The unit read from the file at ``path`` as ``key`` names it (its text and the metrics), if it read without
        a problem and the entry is sound."""
        entry = self.units.get(key)
        unit = _unit(entry, path)
        if unit is not None:
            self.used_units[key] = entry  # type: ignore[assignment]
        return unit

    def learn_unit(self, key: str, unit: Unit) -> None:
        self.used_units[key] = [unit.slug, unit.name, unit.short_name, unit.region, unit.category,
                                [[r.date.isoformat(), r.draft, _place(r.location),
                                  [[name, str(q.value), q.qualifier.value, *_place(r.value_locations.get(name))]
                                   for name, q in r.values.items()]] for r in unit.reports]]

    def checked(self, key: str) -> bool:
        """Whether the check that ``key`` names (what it looked at) found nothing last time."""
        if key in self.checks:
            self.used_checks.add(key)
            return True
        return False

    def learn_checked(self, key: str) -> None:
        self.used_checks.add(key)

    def title_breaks(self, terms: tuple[str, ...]) -> list[tuple[str, tuple[int, ...]]]:
        """Where the titles known may break, when the site's terms are those they were broken with; those of a
        sound shape only (breaks inside the title, in order)."""
        if self.terms != digest(*terms):
            return []
        return [(title, tuple(found)) for title, found in self.breaks.items() if isinstance(title, str)
                and isinstance(found, list) and all(type(at) is int and 0 < at < len(title) for at in found)
                and all(a < b for a, b in zip(found, found[1:]))]

    def keep_title_breaks(self, terms: tuple[str, ...], found: dict[str, tuple[int, ...]]) -> None:
        """The breaks of the site's titles as this build ends, for the site's terms."""
        self.terms, self.used_breaks = digest(*terms), {title: list(at) for title, at in sorted(found.items())}

    def save(self) -> None:
        """Keep what this build used and learned, when it differs from what was read (none of another site's files):
        its changes to the whole file, or the whole file again."""
        breaks = self.breaks if self.used_breaks is None else self.used_breaks
        if self.path is None or (self.used == self.entries and self.used_checks == self.checks and
                                 breaks == self.breaks and self.used_files == self.files and
                                 self.used_units == self.units):
            return
        sections = {"bulletins": self.used, "checks": dict.fromkeys(self.used_checks, 1), "breaks": breaks,
                    "files": self.used_files, "units": self.used_units}
        try:
            if not self._write_changes(sections):
                series = f"{self.started}-{os.getpid()}"
                self.whole = Whole(series, self.terms, {name: dict(entries) for name, entries in sections.items()})
                write_json(self.path, self.whole.to_json())
                remove_file(self.path.with_name(CHANGES))
        except ValueError:  # text JSON cannot carry (a lone surrogate): the file is parsed again next time
            pass
        self.entries, self.checks, self.breaks = dict(self.used), set(self.used_checks), breaks
        self.files, self.units = dict(self.used_files), dict(self.used_units)

    def _write_changes(self, sections: dict[str, dict[str, Any]]) -> bool:
        """Write the changes of ``sections`` to the whole file, if they are few enough; whether they were."""
        whole = self.whole
        if whole is None:
            return False
        changes = {name: _changes(whole.sections[name], sections[name]) for name in SECTIONS}
        count = sum(len(changed) + len(gone) for changed, gone in changes.values())
        if count * CHANGES_MOST > sum(len(entries) for entries in sections.values()):
            return False
        write_json(self.path.with_name(CHANGES),  # type: ignore[union-attr]
                   {"generator": generator_digest(), "series": whole.series, "terms": self.terms, **changes})
        return True


@dataclass(slots=True)
class Whole:
    """The whole cache file: its series (which its changes name), the terms its titles were broken with, and its
    sections, each a dict (``checks``: key -> 1)."""

    series: str
    terms: str
    sections: dict[str, dict[str, Any]]

    @classmethod
    def read(cls, path: Path) -> Whole | None:
        """The whole file at ``path``, its sections of a sound shape or empty; None when missing, unreadable or of
        another generator."""
        data = _read_json(path)
        if not isinstance(data, dict) or data.get("generator") != generator_digest():
            return None
        titles = data.get("titles")
        titles = titles if isinstance(titles, dict) and isinstance(titles.get("breaks"), dict) else {}
        checks = data.get("checks")
        sections = {"bulletins": data.get("bulletins"), "breaks": titles.get("breaks", {}), "files": data.get("files"),
                    "units": data.get("units"),
                    "checks": dict.fromkeys((key for key in checks if isinstance(key, str)), 1)
                    if isinstance(checks, list) else {}}
        return cls(str(data.get("series", "")), str(titles.get("terms", "")),
                   {name: entries if isinstance(entries, dict) else {} for name, entries in sections.items()})

    def changed(self, changes: object) -> tuple[dict[str, dict[str, Any]], str]:
        """The sections (copies) and terms with ``changes`` applied, when they are changes of this file of a sound
        shape; else as they are (their entries, keyed by what they were read from, are only older)."""
        sections = {name: dict(entries) for name, entries in self.sections.items()}
        if not (isinstance(changes, dict) and changes.get("generator") == generator_digest()
                and changes.get("series") == self.series and isinstance(changes.get("terms"), str)
                and all(_sound_changes(changes.get(name)) for name in SECTIONS)):
            return sections, self.terms
        for name in SECTIONS:
            changed, gone = changes[name]
            sections[name].update(changed)
            for key in gone:
                sections[name].pop(key, None)
        return sections, changes["terms"]

    def to_json(self) -> dict[str, object]:
        sections = {name: dict(sorted(entries.items())) for name, entries in self.sections.items()}
        return {"generator": generator_digest(), "series": self.series, "bulletins": sections["bulletins"],
                "checks": list(sections["checks"]), "titles": {"terms": self.terms, "breaks": sections["breaks"]},
                "files": sections["files"], "units": sections["units"]}


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The entries of ``after`` that are new or other than ``before``'s, sorted; the keys it no longer has, sorted."""
    missing = object()
    changed = {key: value for key, value in after.items() if before.get(key, missing) != value}
    return dict(sorted(changed.items())), sorted(key for key in before if key not in after)


def _sound_changes(changes: object) -> bool:
    return (isinstance(changes, list) and len(changes) == 2 and isinstance(changes[0], dict)
            and isinstance(changes[1], list) and all(isinstance(key, str) for key in changes[1]))


def _place(location: Location | None) -> list[int]:
    return [location.line, location.col] if location is not None else [0, 0]


def _unit(entry: object, path: str) -> Unit | None:
    """An entry as the ``Unit`` ``learn_unit`` kept, or None when it is not of that shape."""
    if not (isinstance(entry, list) and len(entry) == 6 and isinstance(entry[0], str) and isinstance(entry[1], str)
            and all(value is None or isinstance(value, str) for value in entry[2:5]) and isinstance(entry[5], list)):
        return None
    reports = [_report(item, path) for item in entry[5]]
    if not all(reports):
        return None
    return Unit(entry[0], entry[1], entry[2], entry[3], entry[4], tuple(reports),  # type: ignore[arg-type]
                Location(path, 1, 1))


def _report(entry: object, path: str) -> Report | None:
    if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], str) and type(entry[1]) is bool
            and _sound_place(entry[2]) and isinstance(entry[3], list)):
        return None
    values: dict[str, Quantity] = {}
    places: dict[str, Location] = {}
    for item in entry[3]:
        if not (isinstance(item, list) and len(item) == 5 and isinstance(item[0], str) and isinstance(item[1], str)
                and item[2] in QUALIFIERS and _sound_place(item[3:])):
            return None
        try:
            value = Decimal(item[1])
        except ArithmeticError:
            return None
        if not value.is_finite():
            return None
        values[item[0]] = Quantity(value, Qualifier(item[2]))
        places[item[0]] = Location(path, item[3], item[4])
    try:
        day = dt.date.fromisoformat(entry[0])
    except ValueError:
        return None
    return Report(day, values, Location(path, *entry[2]), places, entry[1])


def _sound_place(place: object) -> bool:
    return isinstance(place, list) and len(place) == 2 and all(type(n) is int and n > 0 for n in place)


def _status(status: os.stat_result) -> list[int]:
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


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
