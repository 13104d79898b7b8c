"""The search index, shard by shard: a shard whose pages did not change is taken over from the cache.

Each shard (a year of bulletins, or the units: ``render.searchrecord``) is kept in
``<source>/.cache/bulletin/search/<shard>/``: its Pagefind bundle (``bundle/``), the records of its
pages (``records.json``) and ``shard.json``, which names its key (the digest of its pages' paths and
fingerprints and of Pagefind's version), each page's fingerprint and each file's size and digest. A
shard whose key is unchanged is served from there; another is indexed again from its pages' records,
those of pages rendered now and those kept for the others. A shard folder that does not match its
``shard.json`` in every byte is not used at all: its pages are rendered and it is indexed again.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..digest import digest
from ..output.disk import remove
from ..output.search import Indexed, Record, index_shards, pagefind_version
from .files import CACHE_DIR

SHARD_FILE = "shard.json"
RECORDS_FILE = "records.json"
BUNDLE = "bundle"
FORMAT = 1


@dataclass(slots=True)
class SearchPlan:
    """A build's searched pages: each shard's pages and their fingerprints (output path -> fingerprint)."""

    shards: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, shard: str, path: str, fingerprint: str) -> None:
        self.shards.setdefault(shard, {})[path] = fingerprint


@dataclass(slots=True)
class SearchBundles:
    """Each shard's bundle folder, and what was indexed to make them (the shards taken over were not)."""

    folders: dict[str, Path]
    indexed: list[str]  # the shards indexed again
    records: int = 0  # records given to Pagefind
    peak_kb: int = 0  # the peak memory of Pagefind's process, when it ran


@dataclass(frozen=True, slots=True)
class Shard:
    """A shard in the cache, checked byte for byte against its ``shard.json``."""

    key: str
    pages: dict[str, str]
    folder: Path


def shard_key(pages: dict[str, str], version: str) -> str:
    """A shard's key: its pages' paths and fingerprints, and the indexer's version."""
    return digest("search-shard", str(FORMAT), version, *(f"{path}\0{fp}" for path, fp in sorted(pages.items())))


class SearchCache:
    """The shards kept in the cache, and the records of pages rendered since they were indexed."""

    def __init__(self, source: Path) -> None:
        self.folder = source / CACHE_DIR / "search"
        self.lock = threading.Lock()  # the preview indexes in a thread while the next build asks ``known``
        self._shards: dict[str, Shard] | None = None
        self.fresh: dict[str, tuple[str, Record]] = {}  # path -> (fingerprint, record) of pages rendered now

    @property
    def shards(self) -> dict[str, Shard]:
        if self._shards is None:
            self._shards = self._load()
        return self._shards

    def _load(self) -> dict[str, Shard]:
        found = {}
        try:
            folders = sorted(p for p in self.folder.iterdir() if p.is_dir() and not p.name.startswith("."))
        except OSError:
            return {}
        for folder in folders:
            shard = read_shard(folder)
            if shard is not None:
                found[folder.name] = shard
        return found

    def known(self, path: str, fingerprint: str) -> bool:
        """Whether the record of the page at ``path``, made of these inputs, is kept (so it need not be rendered).

        Takes no lock: render workers ask it, and a lock a thread held when they forked would never be let go."""
        fresh = self.fresh.get(path)
        if fresh is not None and fresh[0] == fingerprint:
            return True
        return any(shard.pages.get(path) == fingerprint for shard in list(self.shards.values()))

    def learn(self, path: str, fingerprint: str, record: Record) -> None:
        """The record of a page rendered now."""
        with self.lock:
            self.fresh[path] = (fingerprint, record)

    def bundles(self, plan: SearchPlan) -> SearchBundles:
        """Each shard's bundle of ``plan``: taken over when its key is unchanged, else indexed again into the cache.

        Shards that are no longer in ``plan`` leave the cache."""
        version = pagefind_version()
        folders: dict[str, Path] = {}
        work: list[tuple[str, str, dict[str, str], list[Record]]] = []
        with self.lock:
            fresh = dict(self.fresh)
        shards = self.shards  # changed by this method only, which one thread at a time runs
        for name, pages in sorted(plan.shards.items()):
            key = shard_key(pages, version)
            kept = shards.get(name)
            if kept is not None and kept.key == key and bundle_whole(kept):
                folders[name] = kept.folder / BUNDLE
            else:
                work.append((name, key, pages, self._records(name, pages, fresh)))
        done = SearchBundles(folders, [name for name, *_ in work])
        if work:
            staged = [(records, self._staging(name) / BUNDLE) for name, _key, _pages, records in work]
            try:
                indexed: Indexed = index_shards(staged)
            except BaseException:
                for _records, bundle in staged:
                    remove(bundle.parent)
                raise
            done.records, done.peak_kb = indexed.records, indexed.peak_kb
            for (name, key, pages, records), (_records, bundle) in zip(work, staged):
                shard = store(bundle.parent, self.folder / name, key, pages, records)
                with self.lock:
                    shards[name] = shard
                    for path, fingerprint in pages.items():
                        if self.fresh.get(path, ("",))[0] == fingerprint:
                            del self.fresh[path]
                folders[name] = shard.folder / BUNDLE
        for name in sorted(set(shards) - set(plan.shards)):
            with self.lock:
                del shards[name]
            remove(self.folder / name)
        return done

    def _records(self, name: str, pages: dict[str, str], fresh_records: dict[str, tuple[str, Record]]) -> list[Record]:
        """The records of a shard's pages, fresh or kept."""
        kept = self.shards.get(name)
        stored = read_records(kept) if kept is not None else {}
        records = []
        for path, fingerprint in sorted(pages.items()):
            fresh = fresh_records.get(path)
            if fresh is not None and fresh[0] == fingerprint:
                records.append(fresh[1])
                continue
            found = None if kept is None or kept.pages.get(path) != fingerprint else stored.get(path)
            if found is None:
                for other in self.shards.values():  # a page whose shard changed (its date's year was edited)
                    if other.pages.get(path) == fingerprint:
                        found = read_records(other).get(path)
                        break
            if found is None:
                raise LookupError(f"no search record of {path}")  # emission renders every page not ``known``
            records.append(found)
        return records

    def _staging(self, name: str) -> Path:
        folder = self.folder / f".{name}.{os.getpid()}.{threading.get_ident()}"
        remove(folder)
        folder.mkdir(parents=True)
        return folder


def read_shard(folder: Path) -> Shard | None:
    """The shard kept in ``folder``, or None when anything in it is not what its ``shard.json`` says."""
    try:
        data = json.loads((folder / SHARD_FILE).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or not isinstance(data["key"], str) or not isinstance(data["pages"], dict):
            return None
        files = data["files"]
        if not isinstance(files, dict) or RECORDS_FILE not in files or "bundle/pagefind.js" not in files:
            return None
        if not _same_file(folder / RECORDS_FILE, files[RECORDS_FILE]):
            return None
        if not all(isinstance(fp, str) for fp in data["pages"].values()):
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return Shard(data["key"], data["pages"], folder)


def bundle_whole(shard: Shard) -> bool:
    """Whether every file of the shard's bundle is there with the bytes it was written with, and no other."""
    try:
        files = json.loads((shard.folder / SHARD_FILE).read_text(encoding="utf-8"))["files"]
        bundle = shard.folder / BUNDLE
        present = {p.relative_to(shard.folder).as_posix() for p in bundle.rglob("*") if not p.is_dir()}
        wanted = {rel for rel in files if rel.startswith(BUNDLE + "/")}
        return present == wanted and all(_same_file(shard.folder / rel, files[rel]) for rel in wanted)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def read_records(shard: Shard) -> dict[str, Record]:
    try:
        records = json.loads((shard.folder / RECORDS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return records if isinstance(records, dict) else {}


def store(staged: Path, folder: Path, key: str, pages: dict[str, str], records: list[Record]) -> Shard:
    """Keep a shard indexed into ``staged`` as ``folder`` (replaced whole)."""
    (staged / RECORDS_FILE).write_text(json.dumps(_by_path(pages, records), ensure_ascii=False,
                                                  separators=(",", ":")), encoding="utf-8")
    files = {p.relative_to(staged).as_posix(): _file_digest(p) for p in sorted(staged.rglob("*")) if not p.is_dir()}
    (staged / SHARD_FILE).write_text(json.dumps({"format": FORMAT, "key": key, "pages": pages, "files": files},
                                                separators=(",", ":")), encoding="utf-8")
    old = folder.with_name(f".{folder.name}.{os.getpid()}.{threading.get_ident()}.old")
    if folder.exists():
        os.replace(folder, old)
    os.replace(staged, folder)
    remove(old)
    return Shard(key, pages, folder)


def _by_path(pages: dict[str, str], records: list[Record]) -> dict[str, Record]:
    """Records by their page's path (``records`` in the order of ``pages`` sorted by path)."""
    return dict(zip(sorted(pages), records))


def _file_digest(path: Path) -> list[object]:
    data = path.read_bytes()
    return [len(data), digest(data)]


def _same_file(path: Path, expected: object) -> bool:
    try:
        return isinstance(expected, list) and path.stat().st_size == expected[0] and _file_digest(path) == expected
    except OSError:
        return False
