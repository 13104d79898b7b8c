"""Search records: what the search index holds of each page readers search, made as the page is rendered.

Readers search bulletins and units: each bulletin page and the first page of each unit (the pages
marked ``data-pagefind-body``). A record is the page's URL, its title and body as plain text, what
a result shows of it (``meta``) and what results are filtered by (``filters``), in the page's
language; the traditional mirror's twin has its own, converted as its page is. The index is cut
into shards, one per year of the bulletins' dates and one for the units, so that an edit re-indexes
one shard only (``incremental.search``).
"""

from __future__ import annotations

from typing import Iterable

from ..model import Site
from ..searchtext import plain_text
from .environment import date_zh
from .mirror import LANGUAGE, MIRROR, to_traditional
from .renderer import PageJob, Renderer

UNITS_SHARD = "units"
SEARCH_FOLDER = "pagefind"


def search_shards(site: Site) -> list[str]:
    """The shards of a site's index, newest year first, the units last (known before any page is rendered)."""
    years = sorted({str(b.date.year) for b in site.bulletins}, reverse=True)
    return years + ([UNITS_SHARD] if site.units else [])


def bundle_urls(renderer: Renderer) -> list[str]:
    """The URL of each shard's bundle, as the search page imports them (the first, then the others merged)."""
    return [renderer.url(f"{SEARCH_FOLDER}/{shard}/") for shard in search_shards(renderer.site)]


def search_shard(job: PageJob) -> str | None:
    """The shard of a page readers search, or None for a page they do not."""
    if job.template == "bulletin.html":
        return str(job.context["bulletin"].date.year)  # type: ignore[attr-defined]
    if job.template == "unit.html" and job.context["pager"].number == 1:  # type: ignore[attr-defined]
        return UNITS_SHARD
    return None


def page_records(job: PageJob, renderer: Renderer, mirrored: bool) -> list[dict[str, object]]:
    """The records of a page readers search (after it is rendered: its body's HTML is made), its twin's next."""
    record = _record(job, renderer)
    if not mirrored:
        return [record]
    terms = renderer.site.config.terms
    twin = dict(record, url=renderer.url(MIRROR + str(job.context["page_path"])), language=LANGUAGE.lower(),
                title=to_traditional(str(record["title"]), terms), body=to_traditional(str(record["body"]), terms),
                meta={k: to_traditional(v, terms) for k, v in record["meta"].items()},  # type: ignore[attr-defined]
                filters={k: [to_traditional(v, terms) for v in values]
                         for k, values in record["filters"].items()})  # type: ignore[attr-defined]
    return [record, twin]


def _record(job: PageJob, renderer: Renderer) -> dict[str, object]:
    config = renderer.site.config
    context = job.context
    url = renderer.url(str(context["page_path"]))
    if job.template == "bulletin.html":
        bulletin, unit = context["bulletin"], context["unit"]
        body = plain_text(job.body.html or "") if job.body else ""
        return dict(url=url, title=bulletin.title, body=body, language=config.language.lower(),  # type: ignore[attr-defined]
                    meta=dict(title=bulletin.title, unit=unit.name, date=date_zh(bulletin.date)),  # type: ignore[attr-defined]
                    filters=dict(unit=[unit.display_name], year=[str(bulletin.date.year)]))  # type: ignore[attr-defined]
    unit = context["unit"]
    return dict(url=url, title=unit.name, body="\n".join(_unit_text(context)), language=config.language.lower(),  # type: ignore[attr-defined]
                meta=dict(title=unit.name, unit=f"{unit.name} 单位页"),  # type: ignore[attr-defined]
                filters=dict(unit=[unit.display_name]))  # type: ignore[attr-defined]


def _unit_text(context: dict) -> Iterable[str]:  # type: ignore[type-arg]
    """What a unit's first page shows of it: its names, region, category and the labels of its latest figures."""
    unit = context["unit"]
    yield unit.name
    yield from (value for value in (unit.short_name, unit.region, unit.category) if value)
    labels = [metric.label for metric, _value in context.get("latest_figures", ())]
    if labels:
        yield "最新数据：" + "、".join(labels)
