"""Search records: what the search index holds of each page readers search, made as the page is rendered.

Readers search bulletins and units: each bulletin page and the first page of each unit (the pages
marked ``data-pagefind-body``). A record is the page's URL, its title and body as plain text and as
the index's tokens (``content``), what a result shows of it (``meta``) and what results are filtered by
(``filters``); the traditional mirror's twin has its own, converted as its page is. The index is cut
into shards, one per year of the bulletins' dates and one for the units, so that an edit re-indexes
one shard only (``incremental.search``); the mirror's twins are shards of their own (``hant-2021``),
which only the mirror's search page loads.

Every record is in the language ``und`` (undetermined), not the page's: its text is already cut into
tokens, and Pagefind, given a Chinese language, would segment it again with its dictionary, which
takes half of its indexing time and changes nothing. A bundle holds one script and so one language,
which the browser's Pagefind takes whatever the page's ``lang``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from ..model import Site
from ..searchtext import plain_text, search_tokens
from .environment import date_zh
from .mirror import MIRROR, to_traditional
from .renderer import BULLETIN_TEMPLATE, PageJob, Renderer

UNITS_SHARD = "units"
SEARCH_FOLDER = "pagefind"
MIRROR_SHARD = "hant-"  # the prefix of the mirror's shards
INDEX_LANGUAGE = "und"  # the records' language for Pagefind (see the module's docstring)
SHARD_RECORDS = 500  # the most records a shard of bulletins should hold: Pagefind indexes about 300 a second


@dataclass(frozen=True, slots=True)
class Shards:
    """How a site's index is cut: each year of bulletins whole ("2021"), or, when it has more records than a
    shard should hold, in halves ("2021-h1"), quarters ("2021-q3") or months ("2021-07"), the coarsest cut in
    which no part holds more (a year under way has its bulletins in its first months only); the units apart."""

    parts: dict[int, int]  # year -> the months each of its shards spans (12, 6, 3 or 1)
    units: bool

    @classmethod
    def of(cls, site: Site, most: int = SHARD_RECORDS) -> Shards:
        per_month: dict[int, list[int]] = {}
        for bulletin in site.bulletins:
            per_month.setdefault(bulletin.date.year, [0] * 12)[bulletin.date.month - 1] += 1
        parts = {year: next((months for months in (12, 6, 3)
                             if max(sum(counts[start:start + months]) for start in range(0, 12, months)) <= most), 1)
                 for year, counts in per_month.items()}
        return cls(parts, bool(site.units))

    def of_date(self, day: dt.date) -> str:
        """The shard of a bulletin of this date."""
        months = self.parts[day.year]
        part = (day.month - 1) // months + 1
        if months == 12:
            return str(day.year)
        return f"{day.year}-{part:02d}" if months == 1 else f"{day.year}-{'h' if months == 6 else 'q'}{part}"


def search_shards(site: Site) -> list[str]:
    """The shards of a site's index, newest first, the units last (known before any page is rendered)."""
    shards = Shards.of(site)
    return sorted({shards.of_date(b.date) for b in site.bulletins}, reverse=True) + ([UNITS_SHARD] if shards.units
                                                                                    else [])


def mirror_shard(shard: str) -> str:
    """The shard of the mirror's twins of a shard's pages."""
    return MIRROR_SHARD + shard


def bundle_urls(renderer: Renderer, mirror: bool = False) -> list[str]:
    """The URL of each shard's bundle, as the search page (or the mirror's) imports them: the first, then the
    others merged."""
    shards = search_shards(renderer.site)
    return [renderer.url(f"{SEARCH_FOLDER}/{mirror_shard(shard) if mirror else shard}/") for shard in shards]


def search_shard(job: PageJob, shards: Shards) -> str | None:
    """The shard of a page readers search, or None for a page they do not."""
    if job.template == BULLETIN_TEMPLATE:
        return shards.of_date(job.context["bulletin"].date)  # type: ignore[attr-defined]
    if job.template == "unit.html" and job.context["pager"].number == 1:  # type: ignore[attr-defined]
        return UNITS_SHARD
    return None


def page_records(job: PageJob, renderer: Renderer, mirrored: bool) -> list[dict[str, object]]:
    """The records of a page readers search (after it is rendered: its body's HTML is made), its twin's next."""
    record = _record(job, renderer)
    record["content"] = search_tokens(f"{record['title']}\n{record['body']}")
    if not mirrored:
        return [record]
    terms = renderer.site.config.terms
    twin = dict(record, url=renderer.url(MIRROR + str(job.context["page_path"])),
                title=to_traditional(str(record["title"]), terms), body=to_traditional(str(record["body"]), terms),
                meta={k: to_traditional(v, terms) for k, v in record["meta"].items()},  # type: ignore[attr-defined]
                filters={k: [to_traditional(v, terms) for v in values]
                         for k, values in record["filters"].items()})  # type: ignore[attr-defined]
    twin["content"] = search_tokens(f"{twin['title']}\n{twin['body']}")
    return [record, twin]


def _record(job: PageJob, renderer: Renderer) -> dict[str, object]:
    context = job.context
    url = renderer.url(str(context["page_path"]))
    if job.template == "bulletin.html":
        bulletin, unit = context["bulletin"], context["unit"]
        body = plain_text(job.body.html or "") if job.body else ""
        return dict(url=url, title=bulletin.title, body=body, language=INDEX_LANGUAGE,
                    meta=dict(title=bulletin.title, unit=unit.name, date=date_zh(bulletin.date)),  # type: ignore[attr-defined]
                    filters=dict(unit=[unit.display_name], year=[str(bulletin.date.year)]))  # type: ignore[attr-defined]
    unit = context["unit"]
    return dict(url=url, title=unit.name, body="\n".join(_unit_text(context)), language=INDEX_LANGUAGE,
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
