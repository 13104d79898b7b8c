"""Converted bodies in ``<source>/.cache/bulletin/bodies/``: safe to delete at any time, never published.

- the sanitised HTML of each Markdown body, keyed by the digest of its source file (else of its text) and
  of the generator (see ``digest.generator_digest``), so a warm build converts no Markdown that did not
  change (the renderer uses it only if the sanitiser leaves it as it is);
- what lists and fingerprints need of each body (its summary and the URLs it links to), so that a
  page whose inputs did not change needs neither its body's HTML nor its Markdown.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..digest import digest, generator_digest
from ..model import Bulletin, Page
from ..render.renderer import BodyFacts
from .files import CACHE_DIR, write_json


@dataclass(slots=True)
class BodyCache:
    """HTML of Markdown bodies, one small file each (every process may read and write them), and their facts.

    The facts are one file, written by the building process only, at the end of a good build.
    """

    folder: Path | None  # None: caching switched off
    facts: dict[str, BodyFacts] = field(default_factory=dict)
    learned: bool = False  # facts were added since they were read

    @classmethod
    def for_site(cls, source: Path) -> BodyCache:
        cache = cls(source / CACHE_DIR / "bodies")
        cache.facts = _read_facts(cache.folder / "facts.json")  # type: ignore[operator]
        return cache

    @staticmethod
    def key(item: Bulletin | Page) -> str:
        """The key of an item's body: the digest of the file it was read from (which holds the body) when it is
        known, else of the body itself. Hashing 10,000 bodies' text took a quarter of a second of every build,
        in every process that asked; a file's digest is known from reading it."""
        if item.source_digest:
            return _file_key(item.source_digest)
        return _text_key(item.body)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.html"  # type: ignore[operator]

    def get(self, key: str) -> str | None:
        """The cached HTML for ``key``, or None."""
        if self.folder is None:
            return None
        try:
            return self._path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, key: str, html: str) -> None:
        """Store HTML under ``key``; a cache that cannot be written is simply not used."""
        if self.folder is None:
            return
        path = self._path(key)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(html, encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)

    def learn(self, key: str, facts: BodyFacts) -> None:
        self.facts[key] = facts
        self.learned = True

    def save_facts(self, keys: set[str]) -> None:
        """Keep the facts of the bodies in ``keys`` (this build's) for the next build."""
        kept = {k: v for k, v in self.facts.items() if k in keys}
        if len(kept) == len(self.facts) and not self.learned:
            return
        self.facts, self.learned = kept, False
        if self.folder is not None:
            write_json(self.folder / "facts.json",
                        {k: [v.summary, list(v.urls)] for k, v in sorted(self.facts.items())})


def _read_facts(path: Path) -> dict[str, BodyFacts]:
    """The facts file, without any entry that is not as written by ``save_facts``."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(entries, dict):
        return {}
    return {key: BodyFacts(entry[0], tuple(entry[1])) for key, entry in entries.items()
            if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
            and isinstance(entry[1], list) and all(isinstance(url, str) for url in entry[1])}


@functools.lru_cache(maxsize=32768)  # asked for every bulletin by the emission, and again when the build ends
def _file_key(source_digest: str) -> str:
    return digest(generator_digest(), "file", source_digest)


@functools.lru_cache(maxsize=32768)  # a preview asks again for every unchanged body of every rebuild
def _text_key(markdown_text: str) -> str:
    return digest(generator_digest(), markdown_text)
