"""The build, top to bottom: read -> validate -> model -> statistics -> render -> write."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2

from .errors import Problems
from .markup import make_markdown
from .model import Bulletin, Site
from .render import THEME, Renderer, TemplateProblem, make_environment
from .sources import Sources, read_sources
from .stats import compute_stats, stats_csv_bytes, stats_json_bytes
from .validate import load_site
from .write import Staging

PARALLEL_THRESHOLD = 64  # below this, starting workers costs more than it saves


@dataclass(frozen=True, slots=True)
class BuildOptions:
    source: Path
    output: Path
    base_url: str | None = None
    drafts: bool = False
    jobs: int = 1


@dataclass(slots=True)
class BuildResult:
    problems: Problems
    pages: int = 0
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


def load(options: BuildOptions) -> Loaded:
    """Read and validate every source file, templates included; writes nothing."""
    problems = Problems()
    sources = read_sources(options.source, problems)
    site = load_site(sources, problems, drafts=options.drafts)
    env = make_environment(sources.templates, problems)
    if site is not None and options.base_url:
        base_url = options.base_url if options.base_url.endswith("/") else options.base_url + "/"
        site = dataclasses.replace(site, config=dataclasses.replace(site.config, base_url=base_url))
    if problems.has_errors:
        site = None
    return Loaded(sources, site, env, problems)


def build(options: BuildOptions, progress: Callable[[int, int], None] | None = None) -> BuildResult:
    """Build the site into ``options.output``; on any error the previous output stays as it was."""
    started = time.perf_counter()
    loaded = load(options)
    result = BuildResult(loaded.problems)
    if loaded.site is None:
        return result
    stats = compute_stats(loaded.site)
    renderer = Renderer(loaded.site, stats, loaded.env, frozenset(f.path.removeprefix("templates/")
                                                                  for f in loaded.sources.templates))
    staging = Staging(options.output)
    staging.prepare()
    try:
        write_site(renderer, loaded.sources, staging, result, options.jobs, progress)
        if result.ok:
            staging.commit()
    finally:
        staging.abort()  # nothing left to remove after a commit
    result.seconds = time.perf_counter() - started
    return result


def write_site(renderer: Renderer, sources: Sources, staging: Staging, result: BuildResult, jobs: int,
               progress: Callable[[int, int], None] | None) -> None:
    """Render and stage every output file, recording counts and problems in ``result``."""
    written: set[str] = set()

    def put(path: str, data: bytes) -> None:
        written.add(path)
        result.pages += 1
        result.changed += staging.write(path, data)

    try:
        summaries = render_bulletins(renderer, staging, jobs, result, written, progress)
        for path, data in renderer.other_pages(summaries):
            put(path, data)
    except TemplateProblem as exc:
        result.problems.error(exc.path, exc.line, 1, exc.message)
        return
    put("stats.json", stats_json_bytes(renderer.stats))
    put("stats.csv", stats_csv_bytes(renderer.site))
    copy_static(sources, staging, result, written)


def render_bulletins(renderer: Renderer, staging: Staging, jobs: int, result: BuildResult, written: set[str],
                     progress: Callable[[int, int], None] | None) -> dict[str, str]:
    """Render every bulletin page (over ``jobs`` processes when worth it); returns their summaries."""
    bulletins = renderer.site.bulletins
    summaries: dict[str, str] = {}
    chunks = [bulletins[i : i + 200] for i in range(0, len(bulletins), 200)]
    if jobs > 1 and len(bulletins) >= PARALLEL_THRESHOLD and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        with context.Pool(min(jobs, len(chunks)), _start_worker, (renderer, staging, True)) as pool:
            outcomes = pool.imap(_render_chunk, chunks)
            _collect(outcomes, summaries, result, written, len(bulletins), progress)
    else:
        _start_worker(renderer, staging)
        _collect(map(_render_chunk, chunks), summaries, result, written, len(bulletins), progress)
    return summaries


def _collect(outcomes, summaries, result, written, total, progress) -> None:
    for chunk in outcomes:
        for path, source_path, summary, changed in chunk:
            summaries[source_path] = summary
            written.add(path)
            result.pages += 1
            result.changed += changed
        if progress:
            progress(len(summaries), total)


_WORKER: dict[str, object] = {}  # per-process state of a render worker (set once, before any chunk)


def _start_worker(renderer: Renderer, staging: Staging, in_pool: bool = False) -> None:
    if in_pool:  # Ctrl-C is the parent's to handle: it aborts the staging folder
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(renderer=renderer, staging=staging, converter=make_markdown())


def _render_chunk(chunk: tuple[Bulletin, ...]) -> list[tuple[str, str, str, bool]]:
    renderer: Renderer = _WORKER["renderer"]  # type: ignore[assignment]
    staging: Staging = _WORKER["staging"]  # type: ignore[assignment]
    out = []
    for bulletin in chunk:
        path, data, summary = renderer.bulletin_page(bulletin, _WORKER["converter"])
        out.append((path, bulletin.source_path, summary, staging.write(path, data)))
    return out


def copy_static(sources: Sources, staging: Staging, result: BuildResult, written: set[str]) -> None:
    """The theme's assets under assets/, then the site's static/ at the root (overriding the theme's)."""
    site_static = dict(sources.static)
    theme_static = THEME / "static"
    for file in sorted(theme_static.rglob("*")):
        rel = "assets/" + file.relative_to(theme_static).as_posix()
        if file.is_file() and rel not in site_static:
            result.pages += 1
            result.changed += staging.copy(rel, file)
    for rel, file in sorted(site_static.items()):
        if rel in written:
            result.problems.error(f"static/{rel}", 1, 1, f"static file would replace the generated page {rel}; rename it")
            continue
        result.pages += 1
        result.changed += staging.copy(rel, file)


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1
