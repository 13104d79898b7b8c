"""The renderer: the context every page shares, Markdown bodies on their way to HTML, and the bulletin pages."""

from __future__ import annotations

import html
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Protocol

import jinja2
import markdown
from markupsafe import Markup

from .. import __version__
from ..load.links import (
    LinkIndex,
    link_attributes,
    make_link_index,
    resolve,
    rewrite_links,
)
from ..hant import PHRASES
from ..messages import _
from ..model import Bulletin, Page, Site, Unit
from ..stats import Stats
from .article import LONG_BODY, Order
from .environment import THEME, TemplateProblem
from .markup import MarkupError, convert_markdown, make_markdown
from .phrases import Phrases
from .tidy import scrolling_tables
from .sanitize import left_as_it_is, sanitize_html, summarize

BULLETIN_TEMPLATE = "bulletin.html"  # the template of every bulletin's page


@dataclass(frozen=True, slots=True)
class BodyFacts:
    """What is known of a rendered body without its HTML: the summary lists show, the URLs it links to."""

    summary: str
    urls: tuple[str, ...]  # href and src values of the sanitised HTML, before links are rewritten


class BodyStore(Protocol):
    """Where converted bodies are kept between builds (``incremental.BodyCache``), keyed by ``key(item)``.

    HTML read from a store is used only when the sanitiser would leave it as it is: the store is never trusted.
    """

    facts: dict[str, BodyFacts]

    def key(self, item: Bulletin | Page) -> str:
        """What the body of a bulletin or page is known by."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, html: str) -> None: ...

    def learn(self, key: str, facts: BodyFacts) -> None: ...


@dataclass(slots=True)
class NoStore:
    """A ``BodyStore`` that keeps nothing: every body is converted."""

    facts: dict[str, BodyFacts] = field(default_factory=dict)

    @staticmethod
    def key(item: Bulletin | Page) -> str:
        return item.body

    def get(self, key: str) -> str | None:
        return None

    def put(self, key: str, html: str) -> None:
        pass

    def learn(self, key: str, facts: BodyFacts) -> None:
        self.facts[key] = facts


@dataclass(slots=True)
class Body:
    """A Markdown body on its way to HTML: its cache key, what is known of it, and its HTML once made."""

    source_path: str
    markdown: str
    key: str
    facts: BodyFacts | None = None  # known from an earlier build, or once the HTML is made
    html: str | None = None  # sanitised, links not yet pointed at pages
    learned: bool = False  # the facts were learned in this build


@dataclass(frozen=True, slots=True)
class PageJob:
    """One output file to render: its path, its template, the context only it uses and its Markdown body.

    The body is made into HTML (the context's ``body``) only when the page is rendered.
    """

    path: str
    template: str
    context: Mapping[str, object]
    body: Body | None = None
    shows_bodies: bool = False  # its context holds bulletins' bodies (the site's feed): no quick fingerprint


@dataclass(frozen=True, slots=True)
class NavLink:
    url_path: str
    title: str
    slug: str


@dataclass(frozen=True, slots=True)
class UnitLabel:
    """What lists show of a unit: its names (so a new report does not change every list)."""

    slug: str
    name: str
    display_name: str


@dataclass(slots=True)
class Renderer:
    """Renders the pages of one site; holds nothing that changes while it renders."""

    site: Site
    stats: Stats
    env: jinja2.Environment
    cache: BodyStore = field(default_factory=NoStore)
    by_unit: dict[str, list[Bulletin]] = field(default_factory=dict)
    order: Order | None = None
    phrases: Phrases = Phrases()
    units_by_slug: dict[str, Unit] = field(default_factory=dict)
    unit_labels: dict[str, UnitLabel] = field(default_factory=dict)
    nav: tuple[NavLink, ...] = ()
    links: LinkIndex | None = None
    written_base_url: str = ""  # data/site.yaml's base_url, when --base-url overrides it: links may name it
    base_path: str = "/"  # the site's, worked out once: ``url`` is called for every link of every page
    _converter: markdown.Markdown | None = None

    def __post_init__(self) -> None:
        site = self.site
        self.links = make_link_index(list(site.bulletins), site.pages, [u.slug for u in site.units], site.static,
                                     site.config.base_path, addresses=(site.config.base_url, self.written_base_url),
                                     mirrored=bool(site.config.variants))
        self.order = Order(site)
        self.by_unit = self.order.by_unit
        self.phrases = site_phrases(site)
        self.units_by_slug = {u.slug: u for u in site.units}
        self.unit_labels = {u.slug: UnitLabel(u.slug, u.name, u.display_name) for u in site.units}
        self.nav = tuple(NavLink(p.url_path, p.title, p.slug) for p in site.pages)
        self.base_path = site.config.base_path

    # -- shared helpers -------------------------------------------------------------
    def url(self, path: str) -> str:
        """Root-relative URL of an output path ("" is the home page)."""
        return self.base_path + path

    def absolute_url(self, path: str) -> str:
        return self.site.config.base_url + path

    def shared_context(self) -> dict[str, object]:
        """What every template may use besides its own context (part of every page's fingerprint)."""
        return {"config": self.site.config, "nav_pages": self.nav, "version": __version__, "phrases": self.phrases}

    def render(self, job: PageJob) -> bytes:
        """Render one page."""
        context = dict(job.context, body=Markup(self.body_html(job.body))) if job.body else job.context
        try:
            text = self.env.get_template(job.template).render(
                url=self.url, absolute_url=self.absolute_url, **self.shared_context(), **context)
        except TemplateProblem:
            raise
        except Exception as exc:  # a site template can fail in any way; report where, not a traceback
            raise self._locate(exc) from None
        return text.encode("utf-8")

    def _locate(self, exc: Exception) -> TemplateProblem:
        """The innermost template line the error was raised in: a site template's code carries its path in the
        site (``templates/NAME``), a theme template's its path in the theme."""
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            filename = frame.filename or ""
            in_site = filename.startswith("templates/")
            if in_site or filename.startswith(str(THEME)):
                where = filename if in_site else f"(theme) {Path(filename).name}"
                return TemplateProblem(where, frame.lineno or 1, _("template error: {problem}", problem=str(exc)))
        return TemplateProblem("templates", 1, _("template error: {problem}", problem=str(exc)))

    # -- bodies ------------------------------------------------------------------------
    def body(self, item: Bulletin | Page) -> Body:
        """The body of a bulletin or page, its facts known (made into HTML now if they were not)."""
        key = self.cache.key(item)
        body = Body(item.source_path, item.body, key, self.cache.facts.get(key))
        if body.facts is None:
            self._make_html(body)
        return body

    def body_facts(self, item: Bulletin | Page) -> BodyFacts | None:
        """The facts of a body converted before (by this build or an earlier one), without making anything."""
        return self.cache.facts.get(self.cache.key(item))

    def _make_html(self, body: Body) -> None:
        kept = self.cache.get(body.key)
        # a cache file planted in the repository must not bypass the sanitiser: what it would change is made again
        if kept is not None and left_as_it_is(kept):
            body.html = kept
        else:
            try:
                raw = convert_markdown(self.converter(), body.markdown)
            except MarkupError as exc:  # reported like a template problem, at the source file
                raise TemplateProblem(body.source_path, 1, exc.message) from None
            body.html = sanitize_html(raw)
            self.cache.put(body.key, body.html)
        if body.facts is None:
            body.facts = BodyFacts(summarize(body.html), tuple(url for _, url in link_attributes(body.html)))
            body.learned = True
            self.cache.learn(body.key, body.facts)

    def body_html(self, body: Body, on_page: bool = True) -> str:
        """A body as safe HTML, links pointing at pages; ``on_page``, its headings broken between phrases and its
        tables scrolling sideways on their own (the feed's copy has neither)."""
        if body.html is None:
            self._make_html(body)
        linked = rewrite_links(body.html, self.links, body.source_path)  # type: ignore[arg-type]
        return scrolling_tables(self.phrases.in_html(linked)) if on_page else linked

    def body_inputs(self, body: Body) -> tuple[str | None, ...]:
        """What the body's HTML is made of: its cache key (Markdown, settings) and where its links point."""
        return (body.key, *(resolve(self.links, body.source_path, html.unescape(url))[0]  # type: ignore[arg-type]
                            for url in body.facts.urls))  # type: ignore[union-attr]

    def converter(self) -> markdown.Markdown:
        """This process's Markdown converter (made on first use: a worker gets its own copy)."""
        if self._converter is None:
            self._converter = make_markdown()
        return self._converter

    # -- bulletins -------------------------------------------------------------------
    def bulletin_job(self, bulletin: Bulletin, body: Body) -> PageJob:
        """One bulletin's page to render."""
        order: Order = self.order  # type: ignore[assignment]
        older, newer = order.around(bulletin, in_unit=True)
        site_older, site_newer = order.around(bulletin, in_unit=False)
        context = dict(page_path=bulletin.url_path, bulletin=bulletin, summary=self.summary(bulletin, body.facts),
                       unit=self.unit_labels[bulletin.unit], newer=newer, older=older, site_newer=site_newer,
                       site_older=site_older, related=order.related(bulletin),
                       long_page=len(bulletin.body) >= LONG_BODY, section="units")
        return PageJob(bulletin.url_path + "index.html", BULLETIN_TEMPLATE, context, body)

    @staticmethod
    def summary(bulletin: Bulletin, facts: BodyFacts | None) -> str:
        """The summary lists show: the front matter's, else the first sentences of the body (``facts``)."""
        return bulletin.summary or facts.summary  # type: ignore[union-attr]

    def page_job(self, page: Page) -> PageJob:
        """A free-standing page from content/pages/."""
        return PageJob(page.url_path + "index.html", "page.html", dict(page_path=page.url_path, page=page,
                                                                      section=page.slug), self.body(page))


def site_phrases(site: Site) -> Phrases:
    """Phrase breaking for headings, with the site's own words kept whole: unit names, labels, categories, and
    the words the traditional mirror writes in a way of their own (terms.yaml, the phrase table), which a
    ``<wbr>`` inside would hide from it."""
    terms = {name for u in site.units for name in (u.name, u.short_name, u.category) if name}
    terms |= {m.label for m in site.metrics} | set(site.config.categories)
    terms |= {term for term, _ in site.config.terms} | set(PHRASES)
    return Phrases(tuple(sorted(terms)))
