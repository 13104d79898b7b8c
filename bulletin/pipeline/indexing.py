"""The search index of a command-line build: its bundles made while the pages are, and written with them.

The bulletins' shards are whole as soon as the bulletin pages are emitted (the list pages add only
the units' shard), so they are indexed in a thread (``IndexingAhead``) while the list pages render;
the units' shard follows when those are done. Pagefind runs in processes of its own: the thread
only feeds them records and waits.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..incremental.reuse import Reuse
from ..incremental.search import SearchBundles, SearchPlan
from ..output.search import SEARCH_FOLDER, SearchIndexError
from ..output.writer import Writer
from .result import BuildResult


@dataclass(slots=True)
class IndexingAhead:
    """The shards of a build's plan that are whole already, indexed in a thread while the build goes on."""

    reuse: Reuse
    jobs: int
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    bundles: SearchBundles | None = None
    failed: BaseException | None = None

    def start(self, plan: SearchPlan) -> None:
        """Index the shards ``plan`` holds now (later pages must not join them)."""
        whole = SearchPlan({name: dict(pages) for name, pages in plan.shards.items()})
        self.thread = threading.Thread(target=self._run, args=(whole,), name="bulletin-search", daemon=True)
        self.thread.start()

    def _run(self, plan: SearchPlan) -> None:
        try:
            self.bundles = self.reuse.search_bundles(plan, self.jobs, part=True, stop=self.stop)
        except BaseException as exc:  # noqa: BLE001 - raised again in the build's thread, by ``finish``
            self.failed = exc

    def finish(self) -> SearchBundles | None:
        """The bundles made ahead (None if none were started), once they are; raises what indexing raised."""
        if self.thread is None:
            return None
        self.thread.join()
        if self.failed is not None:
            raise self.failed
        return self.bundles

    def cancel(self) -> None:
        """Stop indexing (the build failed or was interrupted) and wait for the thread to clean up."""
        self.stop.set()
        if self.thread is not None:
            self.thread.join()


def index_search(reuse: Reuse, plan: SearchPlan, writer: Writer, result: BuildResult, produced: dict[str, str],
                 jobs: int, ahead: IndexingAhead | None = None) -> None:
    """The search index's bundles written with the pages, only shards whose pages changed indexed again (those
    ``ahead`` indexed are taken from it); a failure is an error of the build. A bundle file that the output holds
    already is taken over as a page is."""
    try:
        bundles = reuse.search_bundles(plan, jobs, ahead.finish() if ahead is not None else None)
    except SearchIndexError as exc:
        result.problems.error("data/site.yaml", 1, 1, exc.message)
        return
    count_search(bundles, result)
    for shard, folder in sorted(bundles.folders.items()):
        for name, made in sorted(bundles.files[shard].items()):
            rel = f"{SEARCH_FOLDER}/{shard}/{name}"
            produced[rel] = made  # the digest of its bytes
            result.pages += 1
            if not (reuse.unchanged(rel, made) and writer.keep(rel)):
                result.changed += writer.copy(rel, folder / name)


def count_search(bundles: SearchBundles, result: BuildResult) -> None:
    """What indexing did, in the build's result."""
    result.indexed, result.indexed_records, result.index_peak_kb = bundles.indexed, bundles.records, bundles.peak_kb
