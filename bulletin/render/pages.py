"""Every page but the bulletins': lists, units, statistics, feeds, sitemap, as jobs to render.

Each job's context holds exactly what its template uses, so that its fingerprint changes when,
and only when, the page would: a bulletin's list pages carry that bulletin's title and summary,
not the whole site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator, Sequence

from markupsafe import Markup

from ..model import Bulletin, Metric, MetricKind, Unit
from ..stats import Completion, MetricStats, UnitValue, unit_completion, unit_series, value_as_of
from .charts import ChartPoint, completion_bar, line_chart
from .collation import OTHER, category_order
from .lists import Pager, by_tag, by_year_and_month, paginate
from .mirror import MIRROR
from .renderer import PageJob, Renderer, UnitLabel
from .searchrecord import bundle_urls

FEED_SIZE = 20
TOP_UNITS = 20  # units shown per metric on the statistics page; all of them on stats/<metric>/


def site_pages(r: Renderer, summaries: dict[str, str]) -> list[PageJob]:
    """The jobs of every page but the bulletins' (whose summaries the lists show); the sitemap last."""
    jobs = [*home_pages(r, summaries), units_index(r)]
    for unit in r.site.units:
        jobs += unit_pages(r, unit, summaries)
    jobs += archive_pages(r, summaries)
    jobs += tag_pages(r, summaries)
    jobs += statistics_pages(r)
    jobs += [r.page_job(page) for page in r.site.pages]
    jobs.append(PageJob("404.html", "404.html", dict(page_path="404.html", section="")))
    if r.site.config.search:
        jobs.append(PageJob("search/index.html", "search.html", dict(page_path="search/", section="search",
                                                                      bundles=bundle_urls(r),
                                                                      mirror_bundles=bundle_urls(r, mirror=True)
                                                                      if "zh-Hant" in r.site.config.variants else [])))
    jobs.append(feed(r, r.site.bulletins, summaries, "feed.xml", r.site.config.title, with_bodies=True))
    jobs.append(sitemap(r, jobs))
    return jobs


def listed(r: Renderer, pager: Pager[Bulletin], summaries: dict[str, str]) -> dict[str, object]:
    """The context of a page of a bulletin list: the page, its items' summaries and unit names."""
    return dict(page_path=pager.path, pager=pager,
                summaries={b.source_path: summaries.get(b.source_path, "") for b in pager.items},
                unit_labels={b.unit: r.unit_labels[b.unit] for b in pager.items})


def home_pages(r: Renderer, summaries: dict[str, str]) -> Iterator[PageJob]:
    """The home page (headline figures, units) and its further pages of latest bulletins."""
    for pager in paginate(r.site.bulletins, ""):
        first = pager.number == 1
        yield PageJob(pager.path + "index.html", "home.html", dict(
            listed(r, pager, summaries), section="home",
            headline=[(m.metric, m) for m in r.stats.metrics if m.total is not None] if first else [],
            as_of=r.stats.as_of if first and not r.stats.dates_differ else None,
            dates_differ=r.stats.dates_differ if first else False,
            units=tuple(r.unit_labels.values()) if first else ()))


def units_index(r: Renderer) -> PageJob:
    """units/: every unit, grouped by category (in the order of site.yaml's ``categories``, else by pinyin)."""
    groups: dict[str, list[Unit]] = {}
    for unit in r.site.units:
        groups.setdefault(unit.category or OTHER, []).append(unit)
    ordered = [(c, groups[c]) for c in category_order(groups, r.site.config.categories)]
    return PageJob("units/index.html", "units.html", dict(
        page_path="units/", section="units", groups=ordered, unit_count=len(r.site.units),
        counts={slug: len(items) for slug, items in r.by_unit.items()}))


def unit_pages(r: Renderer, unit: Unit, summaries: dict[str, str]) -> Iterator[PageJob]:
    """A unit's pages (figures and charts on the first) and its own feed."""
    base = f"units/{unit.slug}/"
    bulletins = r.by_unit.get(unit.slug, [])
    figures, metrics = latest_figures(r, unit), reported_metrics(r, unit)
    completions = unit_completions(r, unit)
    for pager in paginate(bulletins, base):
        first = pager.number == 1
        yield PageJob(pager.path + "index.html", "unit.html", dict(
            listed(r, pager, summaries), unit=unit, section="units", bulletin_count=len(bulletins),
            latest_figures=figures if first else [], report_metrics=metrics if first else [],
            drafted=drafted_figures(unit, r.site.metrics) if first else frozenset(),
            completions=completions if first else {},
            charts=UnitCharts(unit, completions, metrics) if first else []))
    yield feed(r, bulletins, summaries, base + "feed.xml", f"{unit.name} - {r.site.config.title}", with_bodies=False)


def archive_pages(r: Renderer, summaries: dict[str, str]) -> Iterator[PageJob]:
    """bulletins/, bulletins/YYYY/ and bulletins/YYYY/MM/, each paginated."""
    years = by_year_and_month(r.site.bulletins)
    index = {y: {m: len(items) for m, items in months.items()} for y, months in years.items()}
    counts = {y: sum(months.values()) for y, months in index.items()}

    def pages(items: Sequence[Bulletin], base: str, heading: str, **extra: object) -> Iterator[PageJob]:
        for pager in paginate(items, base):
            yield PageJob(pager.path + "index.html", "archive.html", dict(
                listed(r, pager, summaries), section="bulletins", years=index, year_counts=counts,
                heading=heading, **extra))

    yield from pages(r.site.bulletins, "bulletins/", "全部简报")
    for year, months in years.items():
        yield from pages([b for items in months.values() for b in items], f"bulletins/{year}/", f"{year}年简报",
                         year=year)
        for month, items in months.items():
            yield from pages(items, f"bulletins/{year}/{month:02d}/", f"{year}年{month}月简报", year=year, month=month)


def tag_pages(r: Renderer, summaries: dict[str, str]) -> Iterator[PageJob]:
    """tags/ and tags/<slug>/, paginated."""
    tags = by_tag(r.site.bulletins)
    yield PageJob("tags/index.html", "tags.html", dict(
        page_path="tags/", section="bulletins", tags={slug: (tag, len(items)) for slug, (tag, items) in tags.items()}))
    for slug, (tag, items) in tags.items():
        for pager in paginate(items, f"tags/{slug}/"):
            yield PageJob(pager.path + "index.html", "archive.html", dict(
                listed(r, pager, summaries), heading=f"标签：{tag}", tag=tag, section="bulletins"))


def statistics_pages(r: Renderer) -> Iterator[PageJob]:
    """stats/ with every metric, and stats/<metric>/ where a metric has more units than it shows."""
    stats = r.stats
    drafted = frozenset(d for unit in r.site.units for d in drafted_figures(unit, r.site.metrics))
    yield PageJob("stats/index.html", "stats.html", dict(
        page_path="stats/", section="stats", stats=stats, unit_labels=r.unit_labels, top_units=TOP_UNITS, drafted=drafted,
        charts={m.metric.key: metric_charts(r, m) for m in stats.metrics}))
    for ms in stats.metrics:
        if len(ms.by_unit) > TOP_UNITS:
            path = f"stats/{ms.metric.key}/"
            yield PageJob(path + "index.html", "metric.html", dict(
                page_path=path, section="stats", ms=ms, as_of=None if stats.dates_differ else stats.as_of, unit_count=stats.units,
                drafted=frozenset(d for d in drafted if d[1] == ms.metric.key),
                unit_labels=r.unit_labels))


def metric_charts(r: Renderer, ms: MetricStats) -> dict[str, Markup]:
    """The build-time charts of one metric: its total over time (marking where units joined) and its completion."""
    key = ms.metric.key
    points = [ChartPoint(p.date, p.total, tuple(r.unit_labels[u].display_name for u in p.joined), p.units)
              for p in ms.series]
    charts = {"series": Markup(line_chart(points, title=f"{ms.metric.label}累计变化", unit=ms.metric.unit,
                                          id_prefix=f"chart-{key}"))}
    if ms.completion is not None:
        charts["completion"] = Markup(completion_bar(ms.completion, label=ms.metric.label, unit=ms.metric.unit,
                                                     id_prefix=f"bar-{key}"))
    return charts


def drafted_figures(unit: Unit, metrics: Sequence[Metric]) -> frozenset[tuple[str, str]]:
    """(unit, metric) of each figure of the unit that a draft report gives (a build with --drafts shows them marked):
    its latest report giving a cumulative metric, or any report adding to a period metric."""
    drafted = set()
    for metric in metrics:
        giving = [report for report in unit.reports if metric.key in report.values]
        if giving and (giving[-1].draft if metric.kind is MetricKind.CUMULATIVE else any(g.draft for g in giving)):
            drafted.add((unit.slug, metric.key))
    return frozenset(drafted)


def latest_figures(r: Renderer, unit: Unit) -> list[tuple[Metric, UnitValue]]:
    """Each metric's value for the unit as of its latest report."""
    if not unit.reports:
        return []
    last = unit.reports[-1].date
    figures = [(m, value_as_of(unit, m, last)) for m in r.site.metrics]
    return [(m, v) for m, v in figures if v is not None]


def reported_metrics(r: Renderer, unit: Unit) -> list[Metric]:
    """The metrics any report of this unit gives, in catalogue order."""
    keys = {k for report in unit.reports for k in report.values}
    return [m for m in r.site.metrics if m.key in keys]


def unit_completions(r: Renderer, unit: Unit) -> dict[str, Completion]:
    """The unit's own completion of each metric with ``part_of``, as of its latest report (when it gives both)."""
    if not unit.reports:
        return {}
    found = {}
    for metric in r.site.metrics:
        whole = r.site.metric(metric.part_of) if metric.part_of else None
        done = unit_completion(unit, metric, whole, unit.reports[-1].date) if whole else None
        if done is not None:
            found[metric.key] = done
    return found


@dataclass(eq=False)
class UnitCharts(Sequence[tuple[Metric, Markup]]):
    """A unit's charts, for each metric it reports: its completion (for parts) and its value over time.

    Drawn when a template first uses them, in the worker that renders the page: a page whose inputs are
    unchanged is not rendered again, so its charts are not drawn either. The fields are what the charts are
    drawn from, and the page's fingerprint is made of them."""

    unit: Unit
    completions: dict[str, Completion]
    metrics: list[Metric]

    def drawn(self) -> list[tuple[Metric, Markup]]:
        """The charts, drawn once."""
        charts: list[tuple[Metric, Markup]] | None = self.__dict__.get("_drawn")
        if charts is None:
            charts = self.__dict__["_drawn"] = list(self._draw())
        return charts

    def _draw(self) -> Iterator[tuple[Metric, Markup]]:
        unit = self.unit
        for metric in self.metrics:
            prefix = f"{unit.slug}-{metric.key}"
            if metric.key in self.completions:
                yield metric, Markup(completion_bar(self.completions[metric.key], label=metric.label,
                                                    unit=metric.unit, id_prefix=f"bar-{prefix}", coverage=False))
            series = unit_series(unit, metric)
            if len(series) > 1:
                yield metric, Markup(line_chart([ChartPoint(p.date, p.value) for p in series],
                                                title=f"{metric.label}变化", unit=metric.unit,
                                                id_prefix=f"chart-{prefix}"))

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        return self.drawn()[index]

    def __len__(self) -> int:
        return len(self.drawn())


def feed(r: Renderer, bulletins: Sequence[Bulletin], summaries: dict[str, str], path: str, title: str,
         with_bodies: bool) -> PageJob:
    """Atom feed of the latest of ``bulletins`` (newest first); the site's feed carries their bodies."""
    # the body as plain str, so that autoescape writes it as text: Atom's type="html" wants it escaped
    entries = [(b, summaries.get(b.source_path, ""), r.body_html(r.body(b), on_page=False) if with_bodies else None)
               for b in bulletins[:FEED_SIZE]]
    labels: dict[str, UnitLabel] = {b.unit: r.unit_labels[b.unit] for b, _, _ in entries}
    return PageJob(path, "feed.xml", dict(entries=entries, feed_path=path, feed_title=title, unit_labels=labels),
                   shows_bodies=with_bodies)


def sitemap(r: Renderer, jobs: list[PageJob]) -> PageJob:
    """sitemap.xml: every HTML page, with its date where it has one."""
    paths: list[tuple[str, dt.date | None]] = [
        (job.path.removesuffix("index.html"), None) for job in jobs if job.path.endswith("index.html")]
    paths += [(b.url_path, b.date) for b in r.site.bulletins]
    if "zh-Hant" in r.site.config.variants:
        paths += [(MIRROR + path, day) for path, day in paths]
    return PageJob("sitemap.xml", "sitemap.xml", dict(paths=sorted(paths)))
