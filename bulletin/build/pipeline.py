"""The build, top to bottom: read -> validate -> model -> statistics -> render -> write."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import jinja2

from ..digest import digest
from ..errors import Problems
from ..incremental.bodies import BodyCache
from ..incremental.fingerprint import Fingerprinter
from ..incremental.manifest import Manifest
from ..incremental.memo import ParseMemo
from ..incremental.prefetch import prefetching
from ..incremental.stamp import BuildStamp, source_state
from ..load.read import Sources, read_sources
from ..load.validate import load_site
from ..model import Bulletin, Site
from ..output.inplace import InPlace
from ..output.patch import Patch
from ..output.search import SearchIndexError, build_search_index
from ..output.staging import Staging
from ..render.environment import THEME, TemplateProblem, make_environment
from ..render.exports import stats_csv_bytes, stats_json_bytes
from ..render.mirror import MIRROR, is_page, mirror_page
from ..render.pages import site_pages, statistics_pages
from ..render.renderer import PageJob, Renderer
from ..stats import compute_stats

PARALLEL_THRESHOLD = 64  # below this, starting workers costs more than it saves
CHUNK = 100  # bulletins a worker renders per task
GROUP = 50  # other pages a worker renders per task


@dataclass(frozen=True, slots=True)
class BuildOptions:
    source: Path
    output: Path
    base_url: str | None = None
    drafts: bool = False
    jobs: int = 1
    search_index: bool = True  # run Pagefind when the site has search (serve does it in the background)


@dataclass(slots=True)
class BuildResult:
    problems: Problems
    pages: int = 0
    rendered: int = 0  # pages rendered; the others were taken over unchanged
    changed: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems.has_errors


@dataclass(slots=True)
class Loaded:
    """What ``check`` validates and ``build`` renders."""

    sources: Sources
    site: Site | None
    env: jinja2.Environment
    problems: Problems = field(default_factory=Problems)


def load(options: BuildOptions, memo: ParseMemo | None = None, changed: Sequence[str] | None = None) -> Loaded:
    """Read and validate every source file, templates included; writes nothing.

    With a memo (the preview's), files that did not change since the last load are not read again;
    with ``changed`` too (from file events), no other file is even looked at.
    """
    problems = Problems()
    sources = read_sources(options.source, problems, memo, changed)
    site = load_site(sources, problems, drafts=options.drafts, recall=memo)
    if memo is not None:
        memo.turn()
    env = make_environment(sources.templates, problems)
    if site is not None and options.base_url:
        base_url = options.base_url if options.base_url.endswith("/") else options.base_url + "/"
        site = dataclasses.replace(site, config=dataclasses.replace(site.config, base_url=base_url))
    if problems.has_errors:
        site = None
    return Loaded(sources, site, env, problems)


@dataclass(slots=True)
class Session:
    """What a long-running ``serve`` keeps between rebuilds: it writes in place, remembering its pages."""

    writer: InPlace
    manifest: Manifest
    memo: ParseMemo = field(default_factory=ParseMemo)
    cache: BodyCache | None = None  # the body cache's facts, read once


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector off: a build's objects live until it ends, so scanning them only costs time
    (a tenth of a preview's rebuild at 10,000 bulletins). Worker processes collect as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build(options: BuildOptions, progress: Callable[[int, int], None] | None = None,
          session: Session | None = None, changed: Sequence[str] = (), events: bool = False) -> BuildResult:
    """Build the site into ``options.output``; on any error the previous output stays as it was.

    Pages whose inputs did not change since the last build are taken over, not rendered again.
    In a preview, the pages of the ``changed`` source files are written first (see ``pages_of``);
    when file ``events`` say those are all that changed, no other source file is looked at.
    """
    with collection_paused():
        return _build(options, progress, session, changed, events)


def _build(options: BuildOptions, progress: Callable[[int, int], None] | None, session: Session | None,
           changed: Sequence[str], events: bool) -> BuildResult:
    started = time.perf_counter()
    stamp = BuildStamp.of(options.source, options.output) if session is None else None
    if stamp is not None:  # the command line: nothing to do if nothing changed since the last build
        state = source_state(options.source, (options.base_url, options.drafts, options.search_index))
        last = None if Staging(options.output).interrupted() else stamp.unchanged(state, options.output)
        if last is not None:
            return BuildResult(Problems(last[1]), pages=last[0], seconds=time.perf_counter() - started)
    with prefetching(options.source, enabled=session is None and options.jobs > 1):  # a core is free meanwhile
        loaded = load(options, session.memo if session else None, changed if session and events else None)
    result = BuildResult(loaded.problems)
    if loaded.site is None:
        return result
    stats = compute_stats(loaded.site)
    templates = frozenset(f.path.removeprefix("templates/") for f in loaded.sources.templates)
    cache = session.cache if session and session.cache else BodyCache.for_site(options.source)
    if session is not None:
        session.cache = cache
    renderer = Renderer(loaded.site, stats, loaded.env, templates, cache)
    fingerprints = Fingerprinter(loaded.env, digest(*(repr(v) for v in renderer.shared_context().values())))
    manifest = session.manifest if session else Manifest.load(options.source, options.output)
    indexed = loaded.site.config.search and options.search_index  # Pagefind reads the whole staged site
    writer = session.writer if session else Patch(options.output) if options.output.is_dir() and not indexed \
        else Staging(options.output)
    writer.prepare()
    emitter = Emitter(renderer, fingerprints, manifest, writer, writer.output)
    try:
        if session is not None and changed:
            emitter.emit_first(pages_of(renderer, changed), result)
        produced = write_site(emitter, loaded.sources, result, options.jobs, progress)
        if result.ok and indexed:
            index_search(writer.folder, result)
        if result.ok:
            writer.adopt(produced)
            writer.commit()
            for path, fingerprint in produced.items():
                manifest.record(path, fingerprint, writer.output / path)
            manifest.save(set(produced))
            renderer.cache.save_facts(body_keys(renderer))
            if stamp is not None:
                stamp.save(state, writer.output, result.pages, result.problems)
    finally:
        writer.abort()  # nothing left to remove after a commit
    result.seconds = time.perf_counter() - started
    return result


def pages_of(renderer: Renderer, changed: Sequence[str]) -> list[PageJob]:
    """The pages an editor looks at after saving ``changed``: a bulletin's own page; statistics after data."""
    edited = set(changed)
    jobs = [renderer.bulletin_job(b, renderer.body(b)) for b in renderer.site.bulletins if b.source_path in edited]
    if any(path.startswith("data/") for path in edited):
        jobs += statistics_pages(renderer)
    return jobs


def body_keys(renderer: Renderer) -> set[str]:
    """The body cache keys of this build's bulletins and pages."""
    return {renderer.cache.key(item.body) for item in (*renderer.site.bulletins, *renderer.site.pages)}


def index_search(folder: Path, result: BuildResult) -> None:
    """The Pagefind index of the pages in ``folder``; a failure is an error of the build."""
    try:
        build_search_index(folder)
    except SearchIndexError as exc:
        result.problems.error("data/site.yaml", 1, 1, str(exc))


@dataclass(slots=True)
class Emitter:
    """Renders a page, or takes the previous output's over when its fingerprint is unchanged."""

    renderer: Renderer
    fingerprints: Fingerprinter
    manifest: Manifest
    writer: Staging | InPlace
    output: Path
    first: dict[str, tuple[str, list[tuple[str, str, bool, bool]]]] = field(default_factory=dict)

    def emit_first(self, jobs: Iterable[PageJob], result: BuildResult) -> None:
        """Write these pages now; when the whole site is emitted, they are taken as they are."""
        for job in jobs:
            emitted = self.emit(job)
            self.first[job.path] = (emitted[0][1], [(path, fp, False, False) for path, fp, _, _ in emitted])
            result.rendered += sum(rendered for _, _, rendered, _ in emitted)
            result.changed += sum(changed for _, _, _, changed in emitted)

    @property
    def mirrored(self) -> bool:
        return "zh-Hant" in self.renderer.site.config.variants

    def emit(self, job: PageJob) -> list[tuple[str, str, bool, bool]]:
        """(path, fingerprint, rendered, changed) for one page, and for its traditional twin if the site has one."""
        inputs = self.renderer.body_inputs(job.body) if job.body else None
        fingerprint = self.fingerprints.page(job.template, job.context, inputs)
        first = self.first.get(job.path)
        if first is not None and first[0] == fingerprint:
            return first[1]
        twin = MIRROR + job.path if self.mirrored and is_page(job.path) else None
        if self.manifest.unchanged(job.path, fingerprint, self.output) and self.writer.keep(job.path) and (
                twin is None or self.manifest.unchanged(twin, fingerprint, self.output) and self.writer.keep(twin)):
            return [(job.path, fingerprint, False, False)] + ([(twin, fingerprint, False, False)] if twin else [])
        data = self.renderer.render(job)
        emitted = [(job.path, fingerprint, True, self.writer.write(job.path, data))]
        if twin is not None:
            config = self.renderer.site.config
            mirrored = mirror_page(data, str(job.context.get("page_path", job.path)), config.base_url,
                                   config.base_path, config.language)
            emitted.append((twin, fingerprint, True, self.writer.write(twin, mirrored)))
        return emitted


def write_site(emitter: Emitter, sources: Sources, result: BuildResult, jobs: int,
               progress: Callable[[int, int], None] | None) -> dict[str, str]:
    """Render and write every output file; returns their fingerprints (data and static files excluded)."""
    renderer = emitter.renderer
    produced: dict[str, str] = {}
    try:
        summaries = render_bulletins(emitter, jobs, result, produced, progress)
        run_in_workers(emitter, site_pages(renderer, summaries), GROUP, _emit_pages, jobs, result, produced,
                       progress)
    except TemplateProblem as exc:
        result.problems.error(exc.path, exc.line, 1, exc.message)
        return produced
    for path, data in (("stats.json", stats_json_bytes(renderer.stats)), ("stats.csv", stats_csv_bytes(renderer.site))):
        result.pages += 1
        result.changed += emitter.writer.write(path, data)
    copy_static(sources, emitter.writer, result, set(produced))
    return produced


def render_bulletins(emitter: Emitter, jobs: int, result: BuildResult, produced: dict[str, str],
                     progress: Callable[[int, int], None] | None) -> dict[str, str]:
    """Every bulletin page; returns their summaries (which the list pages show)."""
    renderer = emitter.renderer
    run_in_workers(emitter, renderer.site.bulletins, CHUNK, _emit_bulletins, jobs, result, produced, progress)
    facts = renderer.cache.facts
    return {b.source_path: renderer.summary(b, facts[renderer.cache.key(b.body)]) for b in renderer.site.bulletins}


def run_in_workers(emitter: Emitter, items: Sequence, size: int, work: Callable, jobs: int, result: BuildResult,
                   produced: dict[str, str], progress: Callable[[int, int], None] | None) -> None:
    """Run ``work`` over ``items``, ``size`` at a time, in ``jobs`` forked processes (in this one when few).

    Workers are sent only index ranges: the items themselves they inherit through fork, unpickled.
    What they learn of bodies they render goes into the body cache's facts.
    """
    _WORKER.clear()
    _WORKER.update(emitter=emitter, items=items)
    cache = emitter.renderer.cache
    total = len(items)
    chunks = [(i, min(i + size, total)) for i in range(0, total, size)]
    if jobs > 1 and total >= PARALLEL_THRESHOLD and "fork" in multiprocessing.get_all_start_methods():
        # the pool is made after _WORKER is set: forked workers inherit it instead of unpickling it;
        # unlike multiprocessing.Pool, a worker that dies (out of memory) fails the build instead of hanging it
        pool = ProcessPoolExecutor(min(jobs, len(chunks)), multiprocessing.get_context("fork"), _quiet_worker)
        try:
            _collect(pool.map(functools.partial(_in_worker, work), chunks), cache, result, produced, total, progress)
        except _Interrupted:
            raise KeyboardInterrupt from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    else:  # rendering in this process: its garbage is collected as a worker's would be
        paused = not gc.isenabled()
        gc.enable()
        try:
            _collect(map(work, chunks), cache, result, produced, total, progress)
        finally:
            if paused:
                gc.disable()


def _collect(outcomes: Iterable[list[tuple]], cache: BodyCache, result: BuildResult,
             produced: dict[str, str], total: int, progress: Callable[[int, int], None] | None) -> None:
    done = 0
    for chunk in outcomes:
        for path, fingerprint, rendered, changed, learned in chunk:
            if learned is not None:
                cache.learn(*learned)
            produced[path] = fingerprint
            result.pages += 1
            result.rendered += rendered
            result.changed += changed
        done += len(chunk)
        if progress:
            progress(done, total)


_WORKER: dict[str, object] = {}  # what forked workers inherit from the parent: set just before each pool


def _quiet_worker() -> None:
    """In a worker: Ctrl-C and the preview's signals are the parent's to handle."""
    gc.enable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)


class _Interrupted(Exception):
    """A KeyboardInterrupt inside a worker, carried to the parent (a pool loses BaseExceptions)."""


def _in_worker(work: Callable[[tuple[int, int]], list[tuple]], chunk: tuple[int, int]) -> list[tuple]:
    try:
        return work(chunk)
    except KeyboardInterrupt:
        raise _Interrupted() from None


def _emit_bulletins(chunk: tuple[int, int]) -> list[tuple]:
    emitter: Emitter = _WORKER["emitter"]  # type: ignore[assignment]
    bulletins: Sequence[Bulletin] = _WORKER["items"]  # type: ignore[assignment]
    out = []
    for bulletin in bulletins[chunk[0] : chunk[1]]:
        body = emitter.renderer.body(bulletin)
        learned = (body.key, body.facts) if body.learned else None
        out += [(*emitted, learned) for emitted in emitter.emit(emitter.renderer.bulletin_job(bulletin, body))]
    return out


def _emit_pages(chunk: tuple[int, int]) -> list[tuple]:
    emitter: Emitter = _WORKER["emitter"]  # type: ignore[assignment]
    jobs: Sequence[PageJob] = _WORKER["items"]  # type: ignore[assignment]
    return [(*emitted, None) for job in jobs[chunk[0] : chunk[1]] for emitted in emitter.emit(job)]


def copy_static(sources: Sources, staging: Staging | InPlace, result: BuildResult, written: set[str]) -> None:
    """The theme's assets under assets/, then the site's static/ at the root (overriding the theme's)."""
    site_static = dict(sources.static)
    theme_static = THEME / "static"
    generated = set(written)
    for file in sorted(theme_static.rglob("*")):
        rel = "assets/" + file.relative_to(theme_static).as_posix()
        if file.is_file() and rel not in site_static:
            generated.add(rel)
            result.pages += 1
            result.changed += staging.copy(rel, file)
    folders = {folder for path in generated for folder in _folders(path)}
    for rel, file in sorted(site_static.items()):
        clash = next((f for f in _folders(rel) if f in generated), None)  # a static folder where a page is
        if rel in generated or rel in folders or clash:
            what = f"file {clash}" if clash else f"folder {rel}/" if rel in folders else f"page {rel}"
            result.problems.error(f"static/{rel}", 1, 1, f"static file would replace the generated {what}; rename it")
            continue
        result.pages += 1
        result.changed += staging.copy(rel, file)


def _folders(path: str) -> list[str]:
    """The folders an output path lies in: "a/b/c.html" -> ["a", "a/b"]."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1
