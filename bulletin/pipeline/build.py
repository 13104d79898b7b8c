"""The build, top to bottom: read and load the sources, compute the statistics, render and write the pages.

``check`` is ``load`` and what else a build would refuse (``check``). The preview runs ``build`` again after each save with a ``Session``:
its memory of earlier builds and its in-place writer are the only things that differ from a
command-line build, and they are passed in as values.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2

from ..errors import Problems, strictly
from ..incremental.bodies import BodyCache
from ..incremental.compiled import CompiledTemplates
from ..incremental.reuse import Reuse
from ..incremental.sources import SourcesCache
from ..incremental.stamp import Snapshot
from ..load.read import FILES_PER_CHUNK, Sources, read_sources
from ..load.recall import Forgetful, ReadBefore, Recall
from ..load.validate import edited_body, edited_reports, load_site
from ..model import Site
from ..output.inplace import InPlace
from ..output.writer import Writer, interrupted, open_writer
from ..render.environment import TemplateProblem, make_environment
from ..render.markup import MarkupError, convert_markdown, make_markdown
from ..render.pages import statistics_pages
from ..render.renderer import Renderer
from ..stats import compute_stats
from .emit import Emitter, Progress, pages_of, write_ahead, write_site
from .indexing import IndexingAhead, index_search
from .options import BuildOptions, Edit
from .result import BuildResult
from .workers import collection_paused, map_in_order

WrittenFirst = Callable[[tuple[str, ...]], None]  # told the output files (relative paths) written ahead of the rest


@dataclass(slots=True)
class Session:
    """What a series of builds in one process (the preview) keeps: its memory, and a writer working in place."""

    reuse: Reuse
    writer: Writer
    last: Renderer | None = None  # of the last build, if it succeeded: what its pages were rendered from

    @classmethod
    def for_preview(cls, options: BuildOptions) -> Session:
        return cls(Reuse.for_preview(options.source, options.output), InPlace(options.output))


@dataclass(slots=True)
class Loaded:
    """What ``check`` validates and ``build`` renders."""

    sources: Sources
    site: Site | None
    env: jinja2.Environment
    problems: Problems = field(default_factory=Problems)
    written_base_url: str = ""  # data/site.yaml's base_url (links may name it), when --base-url overrides it


def load(options: BuildOptions, recall: Recall | None = None, edit: Edit = Edit(),
         stored: ReadBefore | None = None, compiled: jinja2.BytecodeCache | None = None) -> Loaded:
    """Read and validate every source file, templates included; writes nothing but ``compiled`` templates. ``site``
    is None on any error. Without a recall, what ``stored`` knows of earlier builds is not read, parsed or checked
    again; templates are compiled unless ``compiled`` has their code."""
    problems = Problems()
    if isinstance(recall, Forgetful):
        recall = None  # nothing is remembered: files may be read and parsed many at a time
    each = functools.partial(map_in_order, size=FILES_PER_CHUNK, jobs=options.jobs) if recall is None else None
    sources = read_sources(options.source, problems, recall, edit.changed if edit.complete else None, each,
                           stored.known_file if stored is not None else None)
    site = load_site(sources, problems, drafts=options.drafts, recall=recall, each=each, stored=stored)
    recall = recall or Forgetful()
    env = recall.remember("templates", tuple(sources.templates), (),
                          functools.partial(make_environment, sources.templates, compiled=compiled), problems)
    env.shared_fragments.clear()  # type: ignore[attr-defined]  # what {% shared %} rendered is this build's own
    recall.turn()
    if options.strict:
        problems = strictly(problems)
    written = ""
    if site is not None and options.base_url:
        base_url = options.base_url if options.base_url.endswith("/") else options.base_url + "/"
        written = site.config.base_url
        site = dataclasses.replace(site, config=dataclasses.replace(site.config, base_url=base_url))
    return Loaded(sources, None if problems.has_errors else site, env, problems, written)


def check(options: BuildOptions) -> Loaded:
    """``load``, and whatever else a build would refuse though the sources read well: a Markdown body that cannot
    be converted (nested hundreds of levels deep). Front matter read before and bodies converted before (in the
    cache) are not read again; nothing is written."""
    loaded = load(options, stored=SourcesCache.for_site(options.source),
                  compiled=CompiledTemplates.for_site(options.source, writable=False))
    if loaded.site is None:
        return loaded
    cache, converter = BodyCache.for_site(options.source), None
    for item in (*loaded.site.bulletins, *loaded.site.pages):
        if cache.get(cache.key(item)) is not None:
            continue
        converter = converter or make_markdown()
        try:
            convert_markdown(converter, item.body)
        except MarkupError as exc:  # reported as the build reports it
            loaded.problems.error(item.source_path, 1, 1, exc.message)
    if loaded.problems.has_errors:
        loaded.site = None
    return loaded


def build(options: BuildOptions, session: Session | None = None, edit: Edit = Edit(),
          progress: Progress | None = None, written_first: WrittenFirst | None = None,
          known: Snapshot | None = None) -> BuildResult:
    """Build the site into ``options.output``; on any error the previous output stays as it was.

    Whatever did not change since the last build is taken over (see ``incremental.reuse``). In a
    preview the pages of the files in ``edit`` are written first, and ``written_first`` is told which
    of their files changed as soon as they are written (while the rest of the site is still being built).
    ``known``: the sources' state as ``incremental.stamp.last_build`` found it just before, with something to do.
    """
    try:
        return _build(options, session, edit, progress, written_first, known)
    finally:
        if session is not None:
            session.reuse.first = False  # its memory serves the builds that follow


def _build(options: BuildOptions, session: Session | None, edit: Edit, progress: Progress | None,
           written_first: WrittenFirst | None, known: Snapshot | None) -> BuildResult:
    started = time.perf_counter()
    if session is not None:
        with collection_paused():
            write_edited_ahead(session, options, edit, written_first)
        session.last = None  # set again when this build succeeds
    reuse = session.reuse if session else Reuse.for_command_line(options.source, options.output)
    last = reuse.last_build(options.key(), interrupted(options.output), known)
    if last is not None:
        return BuildResult.unchanged(last, options.strict).finished(started)
    # Collecting garbage is paused while a build makes objects that live until it ends (the model, the pages'
    # plan, their fingerprints): a collection would scan them again and again to free nothing (0.2 s of a
    # rebuild at 10,000 bulletins). Rendering itself collects, in the workers or in this process (see
    # workers.run_in_chunks).
    with collection_paused():
        return _build_anew(options, session, edit, progress, written_first, reuse, started)


def _build_anew(options: BuildOptions, session: Session | None, edit: Edit, progress: Progress | None,
                written_first: WrittenFirst | None, reuse: Reuse, started: float) -> BuildResult:
    loaded = load(options, reuse.recall, edit, reuse.read_before, CompiledTemplates.for_site(options.source))
    result = BuildResult(loaded.problems)
    if loaded.site is None:
        if reuse.read_before is not None:
            reuse.read_before.save()  # what read well is not parsed again while the rest is put right
        return result.finished(started)
    indexed = loaded.site.config.search and options.search_index
    writer = session.writer if session else open_writer(options.output)
    writer.prepare()
    ahead = IndexingAhead(reuse, options.jobs) if indexed else None
    try:
        if ahead is not None:
            ahead.hold(loaded.site, loaded.sources)
        stats = compute_stats(loaded.site)
        renderer = Renderer(loaded.site, stats, loaded.env, reuse.bodies, written_base_url=loaded.written_base_url)
        if reuse.read_before is not None:  # titles broken by an earlier build need not be broken again
            renderer.phrases.learn(reuse.read_before.title_breaks(renderer.phrases.terms))
        reuse.start(renderer)
        writer.survey()  # the output looked at once: the files kept, the commit and the stamp need no other look
        emitter = Emitter(renderer, reuse, writer)
        if ahead is not None:
            emitter.edited_shards = frozenset(ahead.held)  # the shards of the bulletins read anew, if few
        # The pages an editor looks at, or those of the bulletins whose shards are held: rendered here, before
        # the workers start (a worker's first page costs it the templates' loading), their shards are whole,
        # and indexed, as soon as the workers have taken their other pages over.
        edited = edit.changed or (ahead.edited if ahead is not None else ())
        first = emitter.emit_first(pages_of(renderer, edited), result)
        if first and written_first is not None:
            written_first(tuple(first))
        plan = emitter.search
        shards_whole = functools.partial(ahead.whole, plan) if ahead is not None and plan is not None else None
        produced = write_site(emitter, loaded.sources, options.jobs, result, progress, shards_whole)
        result.search = emitter.search
        if result.ok and indexed and emitter.search is not None:
            index_search(reuse, emitter.search, writer, result, produced, options.jobs, ahead)
        if result.ok:
            writer.adopt(produced)
            writer.commit()
            if session is not None:
                session.last = renderer
            reuse.remember(produced, writer.output, renderer, result.pages, result.problems, emitter.quick,
                           writer.listed, writer.statuses)
            if reuse.read_before is not None:
                titles = (item.title for item in (*loaded.site.bulletins, *loaded.site.pages))
                reuse.read_before.keep_title_breaks(renderer.phrases.terms, renderer.phrases.titles_found(titles))
    finally:
        if ahead is not None:
            ahead.cancel()  # done already, unless the build failed before its index was made
        writer.abort()  # nothing left to remove after a commit
        if reuse.read_before is not None:  # if the build failed, what read well is kept all the same
            reuse.read_before.save()
    return result.finished(started)


def write_edited_ahead(session: Session, options: BuildOptions, edit: Edit,
                       written_first: WrittenFirst | None) -> None:
    """In a preview, when file events say that only bulletins' bodies changed since the last build (which
    succeeded), their pages are written before the site is even read again: everything else on them is as
    that build left it. So are the statistics pages when only units' reports changed. ``written_first`` is
    told the output files that changed as each page is written."""
    renderer = session.last
    if renderer is None or not edit.complete or not edit.changed or renderer.links is None:
        return
    site, root = renderer.site, options.source
    try:
        if all(rel.startswith("content/") for rel in edit.changed):
            bulletins = [edited_body(site, renderer.links, root, rel) for rel in edit.changed]
            if not all(bulletins):
                return
            jobs = [renderer.bulletin_job(b, renderer.body(b)) for b in bulletins]  # type: ignore[arg-type]
        else:
            edited = {rel: edited_reports(site, root, rel, options.drafts) for rel in edit.changed}
            if not all(edited.values()):
                return
            units = tuple(edited.get(f"data/units/{u.slug}.yaml") or u for u in site.units)
            site = dataclasses.replace(site, units=units)  # type: ignore[arg-type]
            renderer = dataclasses.replace(renderer, site=site, stats=compute_stats(site))
            jobs = statistics_pages(renderer)  # type: ignore[assignment]  # each page's charts made as it comes
        session.writer.prepare()
        for changed in write_ahead(renderer, session.writer, jobs):
            if changed and written_first is not None:
                written_first(tuple(changed))
    except TemplateProblem:  # reported by the build that follows
        return
