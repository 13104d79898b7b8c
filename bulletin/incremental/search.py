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

import functools
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..digest import digest, generator_digest
from ..output.disk import files_below, remove
from ..messages import _
from ..output.search import HeldIndex, Indexed, Record, SearchIndexError, index_shards, pagefind_version
from .files import CACHE_DIR

Work = tuple[str, str, dict[str, list[str]], list[Record]]  # a shard to index: name, key, pages, their records
SHARD_FILE = "shard.json"
RECORDS_FILE = "records.json"
BUNDLE = "bundle"
FORMAT = 2


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
    files: dict[str, dict[str, str]] = field(default_factory=dict)  # each shard's files: path in the bundle -> digest
    records: int = 0  # records given to Pagefind
    peak_kb: int = 0  # the peak memory of Pagefind's process, when it ran

    def joined(self, other: SearchBundles | None) -> SearchBundles:
        """These bundles and ``other``'s (made for other shards of the same build)."""
        if other is None:
            return self
        return SearchBundles({**self.folders, **other.folders}, [*self.indexed, *other.indexed],
                             {**self.files, **other.files}, self.records + other.records,
                             max(self.peak_kb, other.peak_kb))


@dataclass(frozen=True, slots=True)
class Shard:
    """A shard in the cache, checked byte for byte against its ``shard.json``: its key, and for each page the
    fingerprint of its inputs and the digest of its record."""

    key: str
    pages: dict[str, list[str]]  # path -> [fingerprint, record digest]
    folder: Path
    files: dict[str, list]  # path in the folder -> [size, digest, modification time]

    def bundle_files(self) -> dict[str, str]:
        """The files of its bundle (path in the bundle -> digest)."""
        return {rel.removeprefix(BUNDLE + "/"): str(entry[1]) for rel, entry in self.files.items()
                if rel.startswith(BUNDLE + "/")}

    def digest_of(self, path: str, fingerprint: str) -> str | None:
        """The digest of the record of the page at ``path`` made of these inputs, if kept here."""
        kept = self.pages.get(path)
        return kept[1] if kept is not None and kept[0] == fingerprint else None


def shard_key(digests: dict[str, str], version: str) -> str:
    """A shard's key: its pages' paths and records, the generator and the indexer's version.

    Records, not pages: a unit's page is rendered again when its list of bulletins changes, its record not."""
    return digest("search-shard", str(FORMAT), generator_digest(), version,
                  *(f"{path}\0{d}" for path, d in sorted(digests.items())))


def record_digest(record: Record) -> str:
    return digest(json.dumps(record, ensure_ascii=False, sort_keys=True))


class SearchCache:
    """The shards kept in the cache, and the records of pages rendered since they were indexed."""

    def __init__(self, source: Path, prune: bool = True) -> None:
        self.folder = source / CACHE_DIR / "search"
        # Shards no longer in a build leave the cache (the command line's); the preview keeps them, as the next
        # build may already have found a page's record there while this one indexed.
        self.prune = prune
        self.lock = threading.Lock()  # the preview indexes in a thread while the next build learns records
        self._shards: dict[str, Shard] | None = None
        self.fresh: dict[str, tuple[str, Record]] = {}  # path -> (fingerprint, record) of pages rendered now
        self._given: dict[Path, tuple[Shard, dict[str, Record]]] = {}  # the records read for held indexes, by folder

    @functools.cached_property
    def version(self) -> str:
        return pagefind_version()

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

    def known(self, path: str, fingerprint: str, home: str | None = None) -> bool:
        """Whether the record of the page at ``path``, made of these inputs, is kept (so it need not be rendered);
        ``home``: the page's shard, where it is looked for first.

        Takes no lock: render workers ask it, and a lock a thread held when they forked would never be let go."""
        fresh = self.fresh.get(path)
        if fresh is not None and fresh[0] == fingerprint:
            return True
        return self._keeper(path, fingerprint, home) is not None

    def _keeper(self, path: str, fingerprint: str, home: str | None) -> Shard | None:
        """The kept shard that holds the record of the page at ``path`` made of these inputs: its own shard
        ``home``, at one look, or another (its date's year was edited), or none."""
        shards = self.shards
        first = shards.get(home) if home is not None else None
        if first is not None and first.digest_of(path, fingerprint) is not None:
            return first
        return next((shard for shard in list(shards.values()) if shard.digest_of(path, fingerprint) is not None), None)

    def learn(self, path: str, fingerprint: str, record: Record) -> None:
        """The record of a page rendered now."""
        with self.lock:
            self.fresh[path] = (fingerprint, record)

    def stale(self, plan: SearchPlan, names: Iterable[str]) -> list[str]:
        """Those of these shards of ``plan`` whose bundle in the cache was not indexed from their pages' records as
        they are now (or that have none): they are indexed again. Whether a kept bundle is whole is not looked at."""
        found = []
        with self.lock:
            for name in names:
                kept = self.shards.get(name)
                if kept is None or kept.key != self._keyed(name, plan.shards.get(name, {}), self.fresh)[1]:
                    found.append(name)
        return found

    def hold(self, names: Iterable[str]) -> dict[str, HeldIndex]:
        """An index of each of these shards held open, given their kept records ahead (``output.search.HeldIndex``):
        shards whose pages are about to change. A shard not kept has none."""
        held = {}
        for name in names:
            kept = self.shards.get(name)
            if kept is not None:
                given = {path: entry[1] for path, entry in sorted(kept.pages.items())}
                held[name] = HeldIndex(given, functools.partial(self._kept_records, kept, list(given)))
        return held

    def bundles(self, plan: SearchPlan, processes: int = 1, ahead: SearchBundles | None = None,
                part: bool = False, stop: threading.Event | None = None,
                held: dict[str, HeldIndex] | None = None) -> SearchBundles:
        """Each shard's bundle of ``plan``: taken over when its key is unchanged, else indexed again into the cache.

        ``ahead``: the bundles of some of the plan's shards, made earlier in this build (by ``part``), taken as
        they are. ``part``: the plan is only part of the build's, so no shard leaves the cache; else shards that
        are no longer in ``plan`` do (see ``prune``). One thread at a time may ask; ``stop`` ends its indexing
        (see ``index_shards``). ``held``: indexes held open (``hold``), each taken from it for its shard, if indexed
        again. Raises ``SearchIndexError`` when Pagefind fails or the cache cannot be written."""
        try:
            return self._bundles(plan, processes, ahead, part, stop, held if held is not None else {})
        except OSError as exc:
            raise SearchIndexError(_("the search index could not be kept in {folder}: {why}",
                                     folder=str(self.folder), why=exc.strerror or str(exc))) from None

    def _bundles(self, plan: SearchPlan, processes: int, ahead: SearchBundles | None, part: bool,
                 stop: threading.Event | None, held: dict[str, HeldIndex]) -> SearchBundles:
        folders: dict[str, Path] = dict(ahead.folders) if ahead is not None else {}
        work: list[Work] = []  # shards whose pages changed: indexed first, as they are the build's wait
        same: list[tuple[Work, Shard]] = []  # shards whose pages did not: their bundles checked after
        with self.lock:
            fresh = dict(self.fresh)
        shards = self.shards
        for name, pages in sorted(plan.shards.items()):
            if name in folders:
                continue
            entries, key = self._keyed(name, pages, fresh)
            kept = shards.get(name)
            if kept is not None and kept.key == key:
                same.append(((name, key, entries, []), kept))
            else:
                work.append((name, key, entries, self._records(name, entries, fresh)))
        done = SearchBundles(folders, [])
        if ahead is not None:
            done.indexed, done.records, done.peak_kb = list(ahead.indexed), ahead.records, ahead.peak_kb
        self._index(work, processes, stop, done, held)
        broken = []
        for (name, key, entries, _records), kept in same:
            if bundle_whole(kept):
                if kept.pages != entries:  # the same records of pages rendered again: their fingerprints
                    shards[name] = retag(kept, entries)
                folders[name] = kept.folder / BUNDLE
            else:
                broken.append((name, key, entries, self._records(name, entries, fresh)))
        self._index(broken, processes, stop, done, held)
        with self.lock:  # what is kept now need not be remembered (unless the page changed again meanwhile)
            for pages in plan.shards.values():
                for path, fingerprint in pages.items():
                    if self.fresh.get(path, ("",))[0] == fingerprint:
                        del self.fresh[path]
        if not part:  # the build's last indexing: what was read for held indexes is not asked for again
            with self.lock:
                self._given.clear()
        for name in sorted(set(shards) - set(plan.shards) if self.prune and not part else ()):
            del shards[name]
            remove(self.folder / name)
        listed = ahead.files if ahead is not None else {}  # the bundles made ahead were listed when they were made
        done.files = {name: listed[name] if name in listed else shards[name].bundle_files() for name in folders}
        return done

    def _index(self, work: list[Work], processes: int, stop: threading.Event | None, done: SearchBundles,
               held: dict[str, HeldIndex]) -> None:
        """Index these shards into the cache, their bundles added to ``done``: each by the index ``held`` for it
        when that can write it (meanwhile the others are indexed afresh), else afresh."""
        if not work:
            return
        records = {name: shard_records for name, _key, _pages, shard_records in work}
        staged = {name: self._staging(name) / BUNDLE for name in records}
        writing: dict[str, HeldIndex] = {}
        try:
            for name, _key, pages, shard_records in work:
                holder = held.pop(name, None)
                if holder is not None and holder.finish({path: entry[1] for path, entry in pages.items()},
                                                        shard_records, staged[name]):
                    writing[name] = holder
            afresh = [name for name in records if name not in writing]
            if afresh:  # while the held indexes write their bundles
                _count(done, index_shards([(records[name], staged[name]) for name in afresh], processes, stop))
            failed = []
            for name, holder in writing.items():
                made = holder.result(stop)
                if made is None:
                    remove(staged[name])
                    failed.append(name)
                else:
                    _count(done, made)
            if failed:
                _count(done, index_shards([(records[name], staged[name]) for name in failed], processes, stop))
        except BaseException:
            for holder in writing.values():
                holder.drop()
            for bundle in staged.values():
                remove(bundle.parent)
            raise
        for name, key, entries, shard_records in work:
            self.shards[name] = store(staged[name].parent, self.folder / name, key, entries, shard_records)
            done.folders[name] = self.folder / name / BUNDLE
            done.indexed.append(name)

    def _keyed(self, name: str, pages: dict[str, str],
               fresh: dict[str, tuple[str, Record]]) -> tuple[dict[str, list[str]], str]:
        """The pages (path -> fingerprint) of the shard ``name`` as its ``shard.json`` keeps them (path ->
        [fingerprint, record digest]), and the shard's key."""
        entries = {path: [fp, self._digest(name, path, fp, fresh)] for path, fp in pages.items()}
        return entries, shard_key({path: entry[1] for path, entry in entries.items()}, self.version)

    def _digest(self, home: str, path: str, fingerprint: str, fresh: dict[str, tuple[str, Record]]) -> str:
        made = fresh.get(path)
        if made is not None and made[0] == fingerprint:
            return record_digest(made[1])
        return self._holder(home, path, fingerprint).digest_of(path, fingerprint)  # type: ignore[return-value]

    def _holder(self, home: str, path: str, fingerprint: str) -> Shard:
        """The kept shard with the record of this page (``_keeper``); there is one, as emission renders every page
        whose record is not kept."""
        keeper = self._keeper(path, fingerprint, home)
        if keeper is None:
            raise LookupError(f"no search record of {path}")
        return keeper

    def _records(self, home: str, pages: dict[str, list[str]], fresh: dict[str, tuple[str, Record]]) -> list[Record]:
        """The records of the pages of the shard ``home``, in the order of their paths: made now, or kept."""
        stored: dict[Path, dict[str, Record]] = {}
        records = []
        for path, (fingerprint, _digest) in sorted(pages.items()):
            made = fresh.get(path)
            if made is not None and made[0] == fingerprint:
                records.append(made[1])
                continue
            keeper = self._holder(home, path, fingerprint)
            if keeper.folder not in stored:
                stored[keeper.folder] = self._read_again(keeper)
            records.append(stored[keeper.folder][path])
        return records

    def _kept_records(self, shard: Shard, paths: list[str]) -> list[Record]:
        """The kept records of these pages of the shard (KeyError if one is not kept), for an index held open: read
        once, they are kept for the shard's indexing."""
        records = read_records(shard)
        with self.lock:
            self._given[shard.folder] = (shard, records)
        return [records[path] for path in paths]

    def _read_again(self, shard: Shard) -> dict[str, Record]:
        """The kept records of the shard: as read for its held index, if they were (0.07 s saved at 460 pages),
        else from its file."""
        with self.lock:
            given = self._given.pop(shard.folder, None)
        return given[1] if given is not None and given[0] is shard else read_records(shard)

    def _staging(self, name: str) -> Path:
        folder = self.folder / f".{name}.{os.getpid()}.{threading.get_ident()}"
        remove(folder)
        folder.mkdir(parents=True)
        return folder


def _count(done: SearchBundles, indexed: Indexed) -> None:
    done.records, done.peak_kb = done.records + indexed.records, max(done.peak_kb, indexed.peak_kb)


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
        if not all(isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry)
                   for entry in data["pages"].values()):
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return Shard(data["key"], data["pages"], folder, files)


def bundle_whole(shard: Shard) -> bool:
    """Whether every file of the shard's bundle is there with the bytes it was written with, and no other."""
    try:
        present = {f"{BUNDLE}/{rel}" for rel in files_below(shard.folder / BUNDLE)}
        wanted = {rel for rel in shard.files if rel.startswith(BUNDLE + "/")}
        return present == wanted and all(_same_file(shard.folder / rel, shard.files[rel]) for rel in wanted)
    except OSError:
        return False


def read_records(shard: Shard) -> dict[str, Record]:
    try:
        records = json.loads((shard.folder / RECORDS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return records if isinstance(records, dict) else {}


def store(staged: Path, folder: Path, key: str, pages: dict[str, list[str]], records: list[Record]) -> Shard:
    """Keep a shard indexed into ``staged`` as ``folder`` (replaced whole); ``records`` in the order of the paths."""
    (staged / RECORDS_FILE).write_text(json.dumps(dict(zip(sorted(pages), records)), ensure_ascii=False,
                                                  separators=(",", ":")), encoding="utf-8")
    files = {p.relative_to(staged).as_posix(): _file_digest(p) for p in sorted(staged.rglob("*")) if not p.is_dir()}
    _write_shard_file(staged, key, pages, files)
    old = folder.with_name(f".{folder.name}.{os.getpid()}.{threading.get_ident()}.old")
    if folder.exists():
        os.replace(folder, old)
    os.replace(staged, folder)
    remove(old)
    return Shard(key, pages, folder, files)


def retag(shard: Shard, pages: dict[str, list[str]]) -> Shard:
    """The shard with its pages' fingerprints as they are now (their records, and so its bundle, unchanged)."""
    _write_shard_file(shard.folder, shard.key, pages, shard.files)
    return Shard(shard.key, pages, shard.folder, shard.files)


def _write_shard_file(folder: Path, key: str, pages: dict[str, list[str]], files: dict[str, object]) -> None:
    temporary = folder / (SHARD_FILE + ".tmp")
    temporary.write_text(json.dumps({"format": FORMAT, "key": key, "pages": pages, "files": files},
                                    separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, folder / SHARD_FILE)


def _file_digest(path: Path) -> list[object]:
    """A kept file's size, digest and modification time."""
    data = path.read_bytes()
    return [len(data), digest(data), path.stat().st_mtime_ns]


def _same_file(path: Path, expected: object) -> bool:
    """Whether ``path`` is the file ``_file_digest`` described: its size and time the same, or else its bytes."""
    try:
        stat = os.stat(path)
        if not isinstance(expected, list) or len(expected) != 3 or stat.st_size != expected[0]:
            return False
        return stat.st_mtime_ns == expected[2] or _file_digest(path)[:2] == expected[:2]
    except OSError:
        return False
