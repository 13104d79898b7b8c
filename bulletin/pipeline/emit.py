"""Emitting pages: each is rendered and written, or taken over from the previous output when its
fingerprint says its inputs did not change; with the traditional mirror, its twin goes with it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

from ..digest import digest
from ..incremental.reuse import Reuse
from ..incremental.search import SearchPlan
from ..load.read import Sources
from ..model import Bulletin
from ..output.static import copy_static
from ..output.writer import Writer
from ..render.environment import TemplateProblem
from ..render.exports import stats_csv_bytes, stats_json_bytes
from ..render.mirror import MIRROR, is_page, mirror_page, mirror_script
from ..render.pages import site_pages, statistics_pages
from ..render.renderer import PageJob, Renderer
from ..render.searchrecord import Shards, mirror_shard, page_records, search_shard
from ..render.workbook import workbook_bytes, workbook_content
from .result import BuildResult, Emitted
from .workers import run_in_chunks

BULLETINS_PER_CHUNK = 100  # bulletin pages a worker renders at a time
PAGES_PER_CHUNK = 50  # other pages a worker renders at a time

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class Emitter:
    """Renders a page, or takes the previous output's over when its fingerprint is unchanged."""

    renderer: Renderer
    reuse: Reuse
    writer: Writer
    first: dict[str, tuple[str, list[Emitted]]] = field(default_factory=dict)  # pages written ahead, by path
    search: SearchPlan | None = None  # the searched pages, when the site has search (of ``collect``)
    shards: Shards | None = None  # how the search index is cut, when the site has search
    quick: dict[str, str] = field(default_factory=dict)  # the quick fingerprints of pages (of ``collect``)
    edited_shards: frozenset[str] = frozenset()  # the search shards of the bulletins edited, when known

    def __post_init__(self) -> None:
        if self.renderer.site.config.search and self.search is None:
            self.search, self.shards = SearchPlan(), Shards.of(self.renderer.site)

    @property
    def mirrored(self) -> bool:
        return "zh-Hant" in self.renderer.site.config.variants

    def emit(self, job: PageJob, quick: str | None = None) -> list[Emitted]:
        """One page, and its traditional twin if the site has a mirror (``quick``: the page's quick fingerprint,
        recorded with it)."""
        fingerprint = self.reuse.fingerprint(job, self.renderer)
        first = self.first.get(job.path)
        if first is not None and first[0] == fingerprint:
            return [dataclasses.replace(e, quick=quick) for e in first[1]]
        shard = search_shard(job, self.shards) if self.shards is not None else None
        kept = self._kept(job.path, shard, fingerprint, quick)
        if kept is not None:
            return kept
        paths, shards = self._files(job.path, shard)
        data = self.renderer.render(job)
        records = page_records(job, self.renderer, len(paths) > 1) if shards[0] is not None else [None, None]
        emitted = [Emitted(job.path, fingerprint, True, self.writer.write(job.path, data), shard=shards[0],
                           record=records[0], quick=quick)]
        if len(paths) > 1:
            mirrored = mirror_page(data, str(job.context.get("page_path", job.path)), self.renderer.site.config)
            emitted.append(Emitted(paths[1], fingerprint, True, self.writer.write(paths[1], mirrored), shard=shards[1],
                                   record=records[1], quick=quick))
        return emitted

    def take_over(self, path: str, quick: str | None, shard: str | None) -> list[Emitted] | None:
        """The page's files taken over from the previous output when the last build made them with this quick
        fingerprint (``shard``: the page's search shard): its fingerprint is not even worked out."""
        fingerprint = self.reuse.made_with(path, quick) if quick is not None else None
        if fingerprint is None or path in self.first:
            return None
        return self._kept(path, shard, fingerprint, quick)

    def _files(self, path: str, shard: str | None) -> tuple[list[str], list[str | None]]:
        """A page's output files (it, and its twin in the mirror) and the search shard of each (``shard``: the
        page's own)."""
        twin = MIRROR + path if self.mirrored and is_page(path) else None
        if twin is None:
            return [path], [shard]
        return [path, twin], [shard, mirror_shard(shard) if shard is not None else None]

    def _kept(self, path: str, shard: str | None, fingerprint: str, quick: str | None) -> list[Emitted] | None:
        """The page's files as the previous output has them, when they are what these inputs make (and their
        search records are kept); else None."""
        paths, shards = self._files(path, shard)
        writer = self.writer
        if all(self.reuse.unchanged(file, fingerprint, writer.surveyed_file(file)) and writer.keep(file) and
               (searched is None or self.reuse.search_known(file, fingerprint, searched))
               for file, searched in zip(paths, shards)):
            return [Emitted(file, fingerprint, False, False, shard=searched, quick=quick)
                    for file, searched in zip(paths, shards)]
        return None

    def emit_file(self, path: str, inputs: str, make: Callable[[], bytes]) -> Emitted:
        """A file that ``make`` makes of what ``inputs`` says (a workbook): taken over while that is unchanged."""
        fingerprint = digest(self.reuse.fingerprints.shared, inputs)  # type: ignore[union-attr]
        kept = self._kept(path, None, fingerprint, None)  # a data file: no twin, no search record
        return kept[0] if kept is not None else Emitted(path, fingerprint, True, self.writer.write(path, make()))

    def emit_first(self, jobs: Iterable[PageJob], result: BuildResult) -> list[str]:
        """Write these pages now (the ones an editor looks at); the whole site's emission then takes them as they are.
        Returns the output files whose bytes changed."""
        changed = []
        for job in jobs:
            emitted = self.emit(job)
            self.first[job.path] = (emitted[0].fingerprint, [dataclasses.replace(e, rendered=False, changed=False,
                                                                                     learned=None)
                                                            for e in emitted])
            result.count(emitted, files=False)  # the whole site's emission counts them as files of the output
            changed += [e.path for e in emitted if e.changed]
        return changed


def pages_of(renderer: Renderer, changed: Sequence[str]) -> list[PageJob]:
    """The pages to write before the others after ``changed`` was saved: a bulletin's own page (the one an editor
    looks at, or whose search shard waits for it); statistics after data."""
    edited = set(changed)
    jobs = []
    for bulletin in (b for b in renderer.site.bulletins if b.source_path in edited):
        body = renderer.body(bulletin)
        if body.learned:  # known to the workers, which take the page over as it is written now
            renderer.cache.learn(body.key, body.facts)  # type: ignore[arg-type]
        jobs.append(renderer.bulletin_job(bulletin, body))
    if any(path.startswith("data/") for path in edited):
        jobs += statistics_pages(renderer)
    return jobs


def write_ahead(renderer: Renderer, writer: Writer, jobs: Iterable[PageJob]) -> Iterator[list[str]]:
    """Render and write these pages (and their traditional twins) at once, without fingerprints: the build that
    follows renders them again and finds the same bytes. Yields, page after page, the output files that changed."""
    config = renderer.site.config
    for job in jobs:
        data = renderer.render(job)
        files = [(job.path, data)]
        if "zh-Hant" in config.variants and is_page(job.path):
            files.append((MIRROR + job.path, mirror_page(data, str(job.context.get("page_path", job.path)), config)))
        yield [path for path, content in files if writer.write(path, content)]


ShardsWhole = Callable[[Iterable[str]], None]  # told search shards whose pages are all emitted


@dataclass(slots=True)
class WholeShards:
    """Which search shards of bulletins have all their pages in the plan, told once each as they come."""

    emitter: Emitter
    told: ShardsWhole
    expected: dict[str, int] = field(default_factory=dict)  # shard -> its pages: one per bulletin of its dates

    def __post_init__(self) -> None:
        shards = self.emitter.shards
        for bulletin in self.emitter.renderer.site.bulletins:
            name = shards.of_date(bulletin.date)  # type: ignore[union-attr]
            self.expected[name] = self.expected.get(name, 0) + 1
        if self.emitter.mirrored:
            self.expected.update({mirror_shard(name): count for name, count in list(self.expected.items())})

    def look(self) -> None:
        """Tell the shards that are whole now."""
        plan = self.emitter.search.shards  # type: ignore[union-attr]
        whole = [name for name, count in self.expected.items() if len(plan.get(name, ())) == count]
        if whole:
            self.told(whole)
            for name in whole:
                del self.expected[name]

    def rest(self) -> None:
        """Tell the shards not told yet: every bulletin page is emitted."""
        if self.expected:
            self.told(list(self.expected))
            self.expected.clear()


def write_site(emitter: Emitter, sources: Sources, jobs: int, result: BuildResult,
               progress: Progress | None, shards_whole: ShardsWhole | None = None) -> dict[str, str]:
    """Render and write every output file; returns the fingerprints of the pages and the workbook (the other data
    files and static files aside).
    ``shards_whole`` is told each search shard of bulletins as soon as all its pages are emitted."""
    renderer = emitter.renderer
    produced: dict[str, str] = {}
    try:
        summaries = emit_bulletins(emitter, jobs, result, produced, progress, shards_whole)
        emitter.reuse.know_summaries(summaries)
        pages = site_pages(renderer, summaries)
        collect(run_in_chunks(_emit_pages, (emitter, pages), len(pages), PAGES_PER_CHUNK, jobs),
                emitter, result, produced, len(pages), progress)
    except TemplateProblem as exc:
        result.problems.error(exc.path, exc.line, 1, exc.message)
        return produced
    for path, data in (("stats.json", stats_json_bytes(renderer.stats)), ("stats.csv", stats_csv_bytes(renderer.site))):
        result.pages += 1
        result.changed += emitter.writer.write(path, data)
    workbook = workbook_content(renderer.site, renderer.stats)
    made = emitter.emit_file("stats.xlsx", repr(workbook), lambda: workbook_bytes(workbook))
    produced[made.path] = made.fingerprint
    result.pages += 1
    result.changed += made.changed
    config = renderer.site.config
    mirror = (lambda data: mirror_script(data, config)) if emitter.mirrored else None
    copied = copy_static(sources, emitter.writer, result.problems, {*produced, "stats.json", "stats.csv"}, mirror)
    result.pages += len(copied)
    result.changed += sum(copied)
    return produced


def emit_bulletins(emitter: Emitter, jobs: int, result: BuildResult, produced: dict[str, str],
                   progress: Progress | None, shards_whole: ShardsWhole | None = None) -> dict[str, str]:
    """Every bulletin page; returns their summaries, which the list pages show. ``shards_whole``: as
    ``write_site`` has it."""
    renderer = emitter.renderer
    bulletins = renderer.site.bulletins
    watch = WholeShards(emitter, shards_whole) if shards_whole is not None and emitter.search is not None else None
    first = to_index_first(emitter) if watch is not None else None
    chunks = run_in_chunks(_emit_bulletins, emitter, len(bulletins), BULLETINS_PER_CHUNK, jobs, first)
    collect(chunks, emitter, result, produced, len(bulletins), progress, watch)
    if watch is not None and result.ok:
        watch.rest()
    facts = renderer.cache.facts
    return {b.source_path: renderer.summary(b, facts[renderer.cache.key(b)]) for b in bulletins}


def to_index_first(emitter: Emitter) -> Callable[[range], bool]:
    """Whether a range of the bulletins holds one of a search shard that is indexed again (one of its bulletins'
    pages is not taken over as the last build made it): emitted first, such a shard is whole, and indexed, sooner.
    The shards of the bulletins edited, when known, are taken for them (working out whether each of 10,000
    pages is taken over took 0.07 s before the first page)."""
    shards, reuse, bulletins = emitter.shards, emitter.reuse, emitter.renderer.site.bulletins
    changed = emitter.edited_shards or {
        shards.of_date(b.date) for b in bulletins  # type: ignore[union-attr]
        if reuse.made_with(b.url_path + "index.html", reuse.quick_fingerprint(b)) is None}
    return lambda chunk: any(shards.of_date(b.date) in changed  # type: ignore[union-attr]
                             for b in bulletins[chunk.start:chunk.stop])


def collect(outcomes: Iterable[list[Emitted]], emitter: Emitter, result: BuildResult, produced: dict[str, str],
            total: int, progress: Progress | None, watch: WholeShards | None = None) -> None:
    """Count what the chunks emitted, keep their fingerprints, and learn the facts of the bodies they converted;
    ``watch`` looks at the search plan after each chunk."""
    done = 0
    for chunk in outcomes:
        for emitted in chunk:
            if emitted.learned is not None:
                emitter.renderer.cache.learn(*emitted.learned)
            if emitted.phrases:  # list pages show the title again: their workers need not break it again
                emitter.renderer.phrases.learn(emitted.phrases)
            produced[emitted.path] = emitted.fingerprint
            if emitted.quick is not None:
                emitter.quick[emitted.path] = emitted.quick
            if emitted.shard is not None and emitter.search is not None:
                emitter.search.add(emitted.shard, emitted.path, emitted.fingerprint)
                if emitted.record is not None:
                    emitter.reuse.search_learn(emitted.path, emitted.fingerprint, emitted.record)
        result.count(chunk)
        done += sum(not emitted.path.startswith(MIRROR) for emitted in chunk)  # pages, not their twins too
        if progress:
            progress(done, total)
        if watch is not None and result.ok:
            watch.look()


def _emit_bulletins(emitter: Emitter, chunk: range) -> list[Emitted]:
    out = []
    for bulletin in emitter.renderer.site.bulletins[chunk.start:chunk.stop]:
        out += _emitted_with_body(emitter, bulletin)
    return out


def _emitted_with_body(emitter: Emitter, bulletin: Bulletin) -> list[Emitted]:
    renderer = emitter.renderer
    quick = emitter.reuse.quick_fingerprint(bulletin)
    if renderer.body_facts(bulletin) is not None:  # the lists need its summary: else it is made now
        shard = emitter.shards.of_date(bulletin.date) if emitter.shards is not None else None
        taken = emitter.take_over(bulletin.url_path + "index.html", quick, shard)
        if taken is not None:
            return taken
    body = renderer.body(bulletin)
    emitted = emitter.emit(renderer.bulletin_job(bulletin, body), quick)
    if emitted[0].rendered:
        emitted[0] = dataclasses.replace(emitted[0], phrases=renderer.phrases.headline_breaks(bulletin.title))
    if not body.learned:
        return emitted
    return [dataclasses.replace(e, learned=(body.key, body.facts)) for e in emitted]  # type: ignore[arg-type]


def _emit_pages(state: tuple[Emitter, list[PageJob]], chunk: range) -> list[Emitted]:
    emitter, jobs = state
    out = []
    for job in jobs[chunk.start:chunk.stop]:
        quick = emitter.reuse.list_fingerprint(job)
        shard = search_shard(job, emitter.shards) if emitter.shards is not None else None
        taken = emitter.take_over(job.path, quick, shard)
        out += taken if taken is not None else emitter.emit(job, quick)
    return out
