"""The search index of a command-line build: its bundles made while the pages are, and written with them.

As soon as the sources are loaded, the shards of the bulletins whose files changed (when they are few: an
editor's edit) are given their kept records in indexes held open (``hold``), while the pages render. A
bulletins' shard is whole as soon as the last of its bulletin pages is emitted, so if its pages changed it
is indexed then, in a thread (``IndexingAhead``), while the other pages render. When the list pages are
done, the build's own thread indexes the units' shard if it changed, and checks and writes the shards kept
in the cache, while the thread is still at work. Pagefind runs in processes of its own: the threads only
feed them records and wait.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..incremental.reuse import Reuse
from ..incremental.search import SearchBundles, SearchPlan
from ..load.read import Sources, TextFile
from ..model import Site
from ..output.search import SEARCH_FOLDER, HeldIndex, SearchIndexError
from ..output.writer import Writer
from ..render.searchrecord import Shards, mirror_shard
from .result import BuildResult

HOLD_MOST = 2  # the most shards held: an edit's shard and its twin in the mirror
EDITED_MOST = 8  # the most bulletins read anew whose pages are rendered before the others (an editor's commit)


@dataclass(slots=True)
class IndexingAhead:
    """The shards of a build's plan that are whole already, indexed in a thread while the build goes on."""

    reuse: Reuse
    jobs: int
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    parts: queue.SimpleQueue[SearchPlan | None] = field(default_factory=queue.SimpleQueue)
    given: dict[str, dict[str, str]] = field(default_factory=dict)  # each shard handed over: its pages
    bundles: SearchBundles | None = None
    failed: BaseException | None = None
    held: dict[str, HeldIndex] = field(default_factory=dict)  # indexes held open for shards about to change
    edited: tuple[str, ...] = ()  # the bulletins read anew (source paths), when their shards are held and few

    def hold(self, site: Site, sources: Sources) -> None:
        """Hold open an index of each shard of the bulletins whose files were read anew (changed since the last
        build), given its kept records, when they are at most ``HOLD_MOST`` shards."""
        read = {file.path for file in sources.bulletins if isinstance(file, TextFile)}
        if not read:
            return
        shards = Shards.of(site)
        names = {shards.of_date(bulletin.date) for bulletin in site.bulletins if bulletin.source_path in read}
        if "zh-Hant" in site.config.variants:
            names |= {mirror_shard(name) for name in names}
        if len(names) <= HOLD_MOST:
            self.held = self.reuse.search_hold(sorted(names))
            if self.held and len(read) <= EDITED_MOST:
                self.edited = tuple(sorted(read))

    def whole(self, plan: SearchPlan, names: Iterable[str]) -> None:
        """Index these shards of ``plan`` (all their pages are in it) unless they were handed over already or are
        kept in the cache as they are (the build's thread checks those while this one indexes)."""
        names = [name for name in names if name in plan.shards and name not in self.given]
        part = SearchPlan({name: dict(plan.shards[name]) for name in self.reuse.search_stale(plan, names)})
        if not part.shards:
            return
        self.given.update(part.shards)
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="bulletin-search", daemon=True)
            self.thread.start()
        self.parts.put(part)

    def _run(self) -> None:
        ended = False
        while not ended:
            part, ended = self._next_parts()
            if self.failed is not None or not part.shards:
                continue  # after a failure, parts are taken until the end is said; ``finish`` raises it again
            try:
                self.bundles = self.reuse.search_bundles(part, self.jobs, self.bundles, part=True, stop=self.stop,
                                                         held=self.held)
            except BaseException as exc:  # noqa: BLE001 - raised again in the build's thread, by ``finish``
                self.failed = exc

    def _next_parts(self) -> tuple[SearchPlan, bool]:
        """Every part handed over by now, as one (so that its shards share the Pagefind processes), waiting for
        one if there is none; and whether the end was said."""
        together = SearchPlan()
        part = self.parts.get()
        while part is not None:
            together.shards.update(part.shards)
            if self.parts.empty():
                return together, False
            part = self.parts.get()
        return together, True

    def finish(self, plan: SearchPlan) -> SearchBundles | None:
        """The bundles made ahead (None if none were), once they are; raises what indexing raised. A shard that
        gained pages after it was handed over is left out (the build's plan indexes it again)."""
        if self.thread is None:
            return None
        self.parts.put(None)
        self.thread.join()
        if self.failed is not None:
            raise self.failed
        bundles = self.bundles
        if bundles is not None:
            for name in [name for name in bundles.folders if plan.shards.get(name) != self.given.get(name)]:
                del bundles.folders[name]
                bundles.files.pop(name, None)
                bundles.indexed = [shard for shard in bundles.indexed if shard != name]
        return bundles

    def cancel(self) -> None:
        """Stop indexing (the build failed or was interrupted) and wait for the thread to clean up; drop the
        indexes held and not used (their shards' pages did not change after all)."""
        self.stop.set()
        if self.thread is not None:
            self.parts.put(None)
            self.thread.join()
        for held in list(self.held.values()):
            held.drop()
        self.held.clear()


def index_search(reuse: Reuse, plan: SearchPlan, writer: Writer, result: BuildResult, produced: dict[str, str],
                 jobs: int, ahead: IndexingAhead | None = None) -> None:
    """The search index's bundles written with the pages, only shards whose pages changed indexed again; a failure
    is an error of the build. The shards ``ahead`` indexes are taken from it, and while it does, the others are
    checked in the cache and written. A bundle file that the output holds
    already is taken over as a page is."""
    written: set[str] = set()
    try:
        made = None
        if ahead is not None and ahead.given:
            others = SearchPlan({name: pages for name, pages in plan.shards.items() if name not in ahead.given})
            made = reuse.search_bundles(others, jobs, part=True, held=ahead.held)
            write_bundles(made, reuse, writer, result, produced, written)
            made = made.joined(ahead.finish(plan))
        bundles = reuse.search_bundles(plan, jobs, made, held=ahead.held if ahead is not None else None)
    except SearchIndexError as exc:
        result.problems.error("data/site.yaml", 1, 1, exc.message)
        return
    count_search(bundles, result)
    write_bundles(bundles, reuse, writer, result, produced, written)


def write_bundles(bundles: SearchBundles, reuse: Reuse, writer: Writer, result: BuildResult,
                  produced: dict[str, str], written: set[str]) -> None:
    """The files of the bundles of shards not ``written`` yet, written to the output (and then ``written``)."""
    for shard, folder in sorted(bundles.folders.items()):
        if shard in written:
            continue
        written.add(shard)
        for name, made in sorted(bundles.files[shard].items()):
            rel = f"{SEARCH_FOLDER}/{shard}/{name}"
            produced[rel] = made  # the digest of its bytes
            result.pages += 1
            if not (reuse.unchanged(rel, made, writer.surveyed_file(rel)) and writer.keep(rel)):
                result.changed += writer.copy(rel, folder / name)


def count_search(bundles: SearchBundles, result: BuildResult) -> None:
    """What indexing did, in the build's result."""
    result.indexed, result.indexed_records, result.index_peak_kb = bundles.indexed, bundles.records, bundles.peak_kb
