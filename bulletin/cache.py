"""The content cache in ``<source>/.cache/bulletin/``: safe to delete at any time, never published.

- rendered bulletin bodies, keyed by a hash of the Markdown source, the Markdown settings and
  the package version, so a warm build parses no Markdown that did not change;
- what lists and fingerprints need of each body (its summary and the URLs it links to), so that a
  page whose inputs did not change needs neither its body's HTML nor its Markdown;
- the manifest of the last build into an output folder: for each file, the fingerprint of what
  it was made of and the size and modification time it was written with, so a page whose
  inputs did not change is taken over from the previous output instead of rendered again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import nh3

from . import __version__, markup

CACHE_DIR = Path(".cache") / "bulletin"


def digest(*parts: str | bytes) -> str:
    """A short, stable hash of ``parts``."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def _markup_settings() -> str:
    """What decides how Markdown becomes safe HTML: the converter, the sanitiser and their settings."""
    return digest(Path(markup.__file__).read_bytes(), markdown.__version__, getattr(nh3, "__version__", ""))


MARKUP_SETTINGS = _markup_settings()


@dataclass(frozen=True, slots=True)
class BodyFacts:
    """What is known of a rendered body without its HTML: the summary lists show, the URLs it links to."""

    summary: str
    urls: tuple[str, ...]  # href and src values of the sanitised HTML, before links are rewritten


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
    @functools.lru_cache(maxsize=32768)  # a preview asks again for every unchanged body of every rebuild
    def key(markdown_text: str) -> str:
        return digest(__version__, MARKUP_SETTINGS, markdown_text)

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


def write_json(path: Path, data: object) -> None:
    """Replace ``path`` whole with ``data``; a cache that cannot be written is simply not used next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


@dataclass(slots=True)
class Manifest:
    """What each output file of the last build was made of: path -> [fingerprint, size, mtime_ns]."""

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
        return cls(path, entries if isinstance(entries, dict) else {})

    def unchanged(self, rel: str, fingerprint: str, output: Path) -> bool:
        """True when ``output/rel`` is still the file the last build made from the same inputs."""
        entry = self.entries.get(rel)
        if not entry or entry[0] != fingerprint:
            return False
        try:
            stat = (output / rel).stat()
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == entry[1:]

    def record(self, rel: str, fingerprint: str, file: Path) -> None:
        stat = file.stat()
        self.entries[rel] = [fingerprint, stat.st_size, stat.st_mtime_ns]

    def save(self, keep: set[str]) -> None:
        """Write the manifest, keeping only the files of this build."""
        if self.path is None:
            return
        self.entries = {k: v for k, v in self.entries.items() if k in keep}
        write_json(self.path, dict(sorted(self.entries.items())))  # if it cannot be, the next build renders all
