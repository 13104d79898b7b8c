"""Jinja environment and page contexts: the model and statistics -> {output path: bytes}."""

from __future__ import annotations

import datetime as dt
import traceback
from decimal import Decimal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import jinja2
from markupsafe import Markup

from . import __version__
from .charts import completion_bar, line_chart, percent
from .errors import Problems
from .links import LinkIndex, make_link_index, rewrite_links
from .lists import by_tag, by_year_and_month, paginate, tag_slug
from .markup import make_markdown, render_markdown, summarize
from .model import Bulletin, Metric, Site, Unit
from .quantities import format_number, format_quantity
from .sources import TextFile
from .stats import MetricStats, Stats, unit_series, value_as_of

THEME = Path(__file__).parent / "theme"
FEED_SIZE = 20
TOP_UNITS = 20  # units shown per metric on the statistics page; all of them on stats/<metric>/


class TemplateProblem(Exception):
    """A site template failed while rendering; carries its location."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(path, line, message)
        self.path, self.line, self.message = path, line, message


def make_environment(templates: list[TextFile], problems: Problems) -> jinja2.Environment:
    """The theme's templates, overridden file by file by the site's; every site template compiled."""
    site_templates = {f.path.removeprefix("templates/"): f.text for f in templates}
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.DictLoader(site_templates),
            jinja2.FileSystemLoader(THEME / "templates"),
        ]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(date_zh=date_zh, quantity=format_quantity, number=format_number, percent_of=percent_of, tag_slug=tag_slug)
    for name in sorted(site_templates):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            problems.error(f"templates/{name}", exc.lineno or 1, 1, f"template syntax: {exc.message}")
    return env


def percent_of(done: Decimal, whole: Decimal) -> str:
    """38, 50 -> "76%"; "—" when there is no whole."""
    share = percent(done, whole)
    return "—" if share is None else f"{format_number(share)}%"


def date_zh(day: dt.date) -> str:
    """2021-09-30 -> 2021年9月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(slots=True)
class Renderer:
    """Renders every page of one site; holds nothing that changes while it renders."""

    site: Site
    stats: Stats
    env: jinja2.Environment
    site_template_names: frozenset[str] = frozenset()
    by_unit: dict[str, list[Bulletin]] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)
    units_by_slug: dict[str, Unit] = field(default_factory=dict)

    links: LinkIndex | None = None

    def __post_init__(self) -> None:
        site = self.site
        self.links = make_link_index(list(site.bulletins), site.pages, [u.slug for u in site.units], site.static,
                                     site.config.base_path)
        for bulletin in self.site.bulletins:  # newest first
            siblings = self.by_unit.setdefault(bulletin.unit, [])
            self.position[bulletin.source_path] = len(siblings)
            siblings.append(bulletin)
        self.units_by_slug = {u.slug: u for u in self.site.units}

    # -- shared helpers -------------------------------------------------------------
    def url(self, path: str) -> str:
        """Root-relative URL of an output path ("" is the home page)."""
        return self.site.config.base_path + path

    def absolute_url(self, path: str) -> str:
        return self.site.config.base_url + path

    def render(self, template: str, **context: object) -> bytes:
        """Render one template with the context every page shares."""
        try:
            html = self.env.get_template(template).render(
                site=self.site, config=self.site.config, stats=self.stats, url=self.url,
                absolute_url=self.absolute_url, version=__version__, units_by_slug=self.units_by_slug, **context,
            )
        except jinja2.TemplateError as exc:
            raise self._locate(exc) from None
        return html.encode("utf-8")

    def _locate(self, exc: Exception) -> TemplateProblem:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            name = Path(frame.filename).name if frame.filename else ""
            if frame.filename and (frame.filename.startswith(str(THEME)) or name in self.site_template_names):
                where = "templates/" + name if name in self.site_template_names else f"(theme) {name}"
                return TemplateProblem(where, frame.lineno or 1, f"template error: {exc}")
        return TemplateProblem("templates", 1, f"template error: {exc}")

    def body_html(self, converter: object, markdown_text: str, source_path: str) -> str:
        """A Markdown body as safe HTML whose links to source files point at their pages."""
        html = render_markdown(converter, markdown_text)  # type: ignore[arg-type]
        return rewrite_links(html, self.links, source_path)  # type: ignore[arg-type]

    # -- bulletins -------------------------------------------------------------------
    def bulletin_page(self, bulletin: Bulletin, converter: object) -> tuple[str, bytes, str]:
        """One bulletin's page; returns (output path, bytes, summary)."""
        body = self.body_html(converter, bulletin.body, bulletin.source_path)
        summary = bulletin.summary or summarize(body)
        siblings = self.by_unit[bulletin.unit]
        index = self.position[bulletin.source_path]
        newer = siblings[index - 1] if index > 0 else None
        older = siblings[index + 1] if index + 1 < len(siblings) else None
        data = self.render(
            "bulletin.html", page_path=bulletin.url_path, bulletin=bulletin, body=Markup(body), summary=summary,
            unit=self.units_by_slug[bulletin.unit], newer=newer, older=older, section="units",
        )
        return bulletin.url_path + "index.html", data, summary

    # -- everything else -----------------------------------------------------------
    def other_pages(self, summaries: dict[str, str]) -> Iterator[tuple[str, bytes]]:
        """Every page but the bulletins' (rendered first, for their summaries); the sitemap last."""
        html_paths: list[str] = []
        for path, data in self._listed_pages(summaries):
            if path.endswith("index.html"):
                html_paths.append(path.removesuffix("index.html"))
            yield path, data
        yield "sitemap.xml", self.render("sitemap.xml", paths=self.sitemap_paths(html_paths))

    def _listed_pages(self, summaries: dict[str, str]) -> Iterator[tuple[str, bytes]]:
        site = self.site
        for pager in paginate(site.bulletins, ""):
            yield pager.path + "index.html", self.render(
                "home.html", page_path=pager.path, pager=pager, summaries=summaries, section="home",
                headline=self.headline() if pager.number == 1 else [])
        yield "units/index.html", self.render("units.html", page_path="units/", section="units",
                                              counts={u: len(b) for u, b in self.by_unit.items()})
        for unit in site.units:
            yield from self.unit_pages(unit, summaries)
        yield from self.archive_pages(summaries)
        yield from self.tag_pages(summaries)
        yield "stats/index.html", self.render("stats.html", page_path="stats/", section="stats",
                                              charts={m.metric.key: self.metric_charts(m) for m in self.stats.metrics},
                                              top_units=TOP_UNITS)
        for ms in self.stats.metrics:
            if len(ms.by_unit) > TOP_UNITS:
                path = f"stats/{ms.metric.key}/"
                yield path + "index.html", self.render("metric.html", page_path=path, section="stats", ms=ms)
        for page in site.pages:
            converter = make_markdown()
            yield page.url_path + "index.html", self.render(
                "page.html", page_path=page.url_path, page=page, section=page.slug,
                body=Markup(self.body_html(converter, page.body, page.source_path)),
            )
        yield "404.html", self.render("404.html", page_path="404.html", section="")
        yield "feed.xml", self.feed(site.bulletins, summaries, "feed.xml", site.config.title)

    def unit_pages(self, unit: Unit, summaries: dict[str, str]) -> Iterator[tuple[str, bytes]]:
        """A unit's pages (figures and charts on the first) and its own feed."""
        base = f"units/{unit.slug}/"
        bulletins = self.by_unit.get(unit.slug, [])
        for pager in paginate(bulletins, base):
            first = pager.number == 1
            yield pager.path + "index.html", self.render(
                "unit.html", page_path=pager.path, unit=unit, section="units", pager=pager, summaries=summaries,
                bulletin_count=len(bulletins),
                latest_figures=self.latest_figures(unit) if first else [],
                report_metrics=self.reported_metrics(unit) if first else [],
                charts=self.unit_charts(unit) if first else [],
            )
        yield base + "feed.xml", self.feed(bulletins, summaries, base + "feed.xml",
                                           f"{unit.name} - {self.site.config.title}")

    def archive_pages(self, summaries: dict[str, str]) -> Iterator[tuple[str, bytes]]:
        """bulletins/, bulletins/YYYY/ and bulletins/YYYY/MM/, each paginated."""
        years = by_year_and_month(self.site.bulletins)
        counts = {y: sum(len(b) for b in months.values()) for y, months in years.items()}
        context = dict(section="bulletins", summaries=summaries, years=years, year_counts=counts)
        for pager in paginate(self.site.bulletins, "bulletins/"):
            yield pager.path + "index.html", self.render("archive.html", page_path=pager.path, pager=pager,
                                                         heading="全部简报", **context)
        for year, months in years.items():
            items = [b for month in months.values() for b in month]
            for pager in paginate(items, f"bulletins/{year}/"):
                yield pager.path + "index.html", self.render("archive.html", page_path=pager.path, pager=pager,
                                                             heading=f"{year}年简报", year=year, **context)
            for month, month_items in months.items():
                for pager in paginate(month_items, f"bulletins/{year}/{month:02d}/"):
                    yield pager.path + "index.html", self.render(
                        "archive.html", page_path=pager.path, pager=pager, heading=f"{year}年{month}月简报",
                        year=year, month=month, **context)

    def tag_pages(self, summaries: dict[str, str]) -> Iterator[tuple[str, bytes]]:
        """tags/ and tags/<slug>/, paginated."""
        tags = by_tag(self.site.bulletins)
        yield "tags/index.html", self.render("tags.html", page_path="tags/", section="bulletins", tags=tags)
        for slug, (tag, items) in tags.items():
            for pager in paginate(items, f"tags/{slug}/"):
                yield pager.path + "index.html", self.render(
                    "archive.html", page_path=pager.path, pager=pager, heading=f"标签：{tag}", tag=tag,
                    section="bulletins", summaries=summaries)

    def headline(self) -> list[tuple[Metric, object]]:
        """Metrics with a total, for the home page."""
        return [(m.metric, m) for m in self.stats.metrics if m.total is not None]

    def metric_charts(self, ms: MetricStats) -> dict[str, Markup]:
        """The build-time SVG charts of one metric: its total over time and, for parts, completion."""
        key = ms.metric.key
        charts = {"series": Markup(line_chart(
            [(p.date.isoformat(), p.total.value if p.total else None) for p in ms.series],
            title=f"{ms.metric.label}累计变化", unit=ms.metric.unit, id_prefix=f"chart-{key}"))}
        whole = self.stats.metric(ms.metric.part_of) if ms.metric.part_of else None
        if whole is not None and whole.total and ms.total is not None and whole.total.value:
            charts["completion"] = Markup(completion_bar(
                ms.total.value, whole.total.value, label=ms.metric.label, unit=ms.metric.unit,
                id_prefix=f"bar-{key}"))
        return charts

    def unit_charts(self, unit: Unit) -> list[tuple[Metric, Markup]]:
        """For each metric the unit reports: its value over time, or its completion ratio for parts."""
        charts = []
        latest = dict(self.latest_figures(unit))
        for metric in self.reported_metrics(unit):
            prefix = f"{unit.slug}-{metric.key}"
            whole = latest.get(self.site.metric(metric.part_of)) if metric.part_of else None
            part = latest.get(metric)
            if whole is not None and part is not None and whole.value.value:
                charts.append((metric, Markup(completion_bar(part.value.value, whole.value.value, label=metric.label,
                                                             unit=metric.unit, id_prefix=f"bar-{prefix}"))))
            series = unit_series(unit, metric)
            if len(series) > 1:
                charts.append((metric, Markup(line_chart([(p.date.isoformat(), p.value.value) for p in series],
                                                         title=f"{metric.label}变化", unit=metric.unit,
                                                         id_prefix=f"chart-{prefix}"))))
        return charts

    def latest_figures(self, unit: Unit) -> list[tuple[Metric, object]]:
        """Each metric's value for the unit as of its latest report."""
        if not unit.reports:
            return []
        last = unit.reports[-1].date
        figures = [(m, value_as_of(unit, m, last)) for m in self.site.metrics]
        return [(m, v) for m, v in figures if v is not None]

    def reported_metrics(self, unit: Unit) -> list[Metric]:
        """The metrics any report of this unit gives, in catalogue order."""
        keys = {k for r in unit.reports for k in r.values}
        return [m for m in self.site.metrics if m.key in keys]

    def feed(self, bulletins: Sequence[Bulletin], summaries: dict[str, str], path: str, title: str) -> bytes:
        """Atom feed of the latest of ``bulletins`` (newest first), with their bodies."""
        converter = make_markdown()
        entries = [(b, summaries.get(b.source_path, ""), Markup(self.body_html(converter, b.body, b.source_path)))
                   for b in bulletins[:FEED_SIZE]]
        return self.render("feed.xml", entries=entries, feed_path=path, feed_title=title)

    def sitemap_paths(self, html_paths: list[str]) -> list[tuple[str, dt.date | None]]:
        """Every HTML page with its date where it has one."""
        paths: list[tuple[str, dt.date | None]] = [(p, None) for p in html_paths]
        paths += [(b.url_path, b.date) for b in self.site.bulletins]
        return sorted(paths)
