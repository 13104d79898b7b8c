"""The site as editors think of it: frozen dataclasses, no behaviour beyond arithmetic."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping, Protocol

# The digits of a 公安备案号 (湘公网安备43020302000123号): what the public-security filing site looks up.
POLICE_NUMBER = re.compile(r"\d{6,20}")


class Qualifier(enum.Enum):
    """How a figure is meant: exactly, at least (800余), or about (近万)."""

    EXACT = "exact"
    AT_LEAST = "at_least"
    APPROX = "approx"

    @staticmethod
    def combine(qualifiers: list[Qualifier] | tuple[Qualifier, ...]) -> Qualifier:
        """A total is exact when all parts are, approx when any is, else at_least."""
        if any(q is Qualifier.APPROX for q in qualifiers):
            return Qualifier.APPROX
        if any(q is Qualifier.AT_LEAST for q in qualifiers):
            return Qualifier.AT_LEAST
        return Qualifier.EXACT


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure: an exact decimal value plus its qualifier (800余 -> 800, at_least)."""

    value: Decimal
    qualifier: Qualifier = Qualifier.EXACT

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.value + other.value, Qualifier.combine((self.qualifier, other.qualifier)))


class MetricKind(enum.Enum):
    CUMULATIVE = "cumulative"  # each report gives the running total up to its date
    PERIOD = "period"  # each report gives the count for its own period


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was written: a source path and a 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: str
    unit: str
    kind: MetricKind = MetricKind.CUMULATIVE
    part_of: str | None = None
    location: Location | None = field(default=None, compare=False)
    aliases: tuple[str, ...] = ()  # other words bulletins use for it (办结实事 for 已办结实事)

    @property
    def names(self) -> tuple[str, ...]:
        """The words that name this metric in a text: its label, then its aliases."""
        return (self.label, *self.aliases)


@dataclass(frozen=True, slots=True)
class Report:
    """One dated set of figures of one unit."""

    date: dt.date
    values: Mapping[str, Quantity]
    location: Location | None = field(default=None, compare=False)
    value_locations: Mapping[str, Location] = field(default_factory=dict, compare=False)
    draft: bool = False  # counts only with --drafts (a report an import proposed, not yet reviewed)


@dataclass(frozen=True, slots=True)
class Unit:
    slug: str
    name: str
    short_name: str | None = None
    region: str | None = None
    category: str | None = None
    reports: tuple[Report, ...] = ()  # in date order
    location: Location | None = field(default=None, compare=False)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Unread(Protocol):
    """A bulletin's Markdown body that was not read, as no page of the build may need it: read when asked for."""

    def read(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Bulletin:
    """One Markdown bulletin of one unit."""

    unit: str  # the unit's slug
    slug: str
    title: str
    date: dt.date
    markdown: str | Unread  # its Markdown body (see ``body``)
    body_line: int  # line of the body's first line in the source file
    source_path: str  # relative to the source root
    summary: str | None = None
    source: str | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False
    source_digest: str = field(default="", compare=False, repr=False)  # of the file all of this was read from
    title_note: str | None = None  # the editors' word on the title: 原文无标题，标题为编者所拟。
    date_note: str | None = None  # ... and on the date: 原文未署日期，日期为编者根据…推定。

    @property
    def body(self) -> str:
        """The Markdown body: a build that found the file as an earlier one read it reads it only now."""
        return self.markdown if isinstance(self.markdown, str) else self.markdown.read()

    @property
    def url_path(self) -> str:
        return f"units/{self.unit}/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Page:
    """A free-standing page from content/pages/."""

    slug: str
    title: str
    body: str
    body_line: int
    source_path: str
    source_digest: str = field(default="", compare=False, repr=False)  # of the file all of this was read from

    @property
    def url_path(self) -> str:
        return f"{self.slug}/"


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str
    base_url: str  # always ends with "/"
    language: str = "zh-CN"
    description: str | None = None
    search: bool = True  # a Pagefind index and a search page
    variants: tuple[str, ...] = ()  # mirrors in other scripts; "zh-Hant" is the one there is
    terms: tuple[tuple[str, str], ...] = ()  # data/terms.yaml: how the zh-Hant mirror writes these terms
    # The furniture of a government website, in its footer (and SiteIDCode in every page's <head>).
    organizer: str | None = None  # 主办单位
    operator: str | None = None  # 承办单位
    site_code: str | None = None  # 网站标识码
    icp: str | None = None  # ICP备案号
    police_record: str | None = None  # 公安备案号
    contact: str | None = None  # 联系方式
    categories: tuple[str, ...] = ()  # the order of unit categories, else pinyin order

    @property
    def domain(self) -> str:
        """The host of ``base_url`` (www.example.gov.cn), as <meta name="SiteDomain"> gives it."""
        from urllib.parse import urlsplit

        return urlsplit(self.base_url).hostname or ""

    @property
    def police_number(self) -> str | None:
        """The digits of ``police_record``, which its filing site looks up; None when it has none."""
        match = POLICE_NUMBER.search(self.police_record or "")
        return match.group() if match else None

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, e.g. ``/dsxx/``."""
        from urllib.parse import urlsplit

        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"


@dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    metrics: tuple[Metric, ...]
    units: tuple[Unit, ...]  # sorted by slug
    bulletins: tuple[Bulletin, ...]  # newest first, then unit, then slug
    pages: tuple[Page, ...] = ()
    static: tuple[str, ...] = ()  # files below static/, published at the same path

    def metric(self, key: str) -> Metric | None:
        return next((m for m in self.metrics if m.key == key), None)

    def unit(self, slug: str) -> Unit | None:
        return next((u for u in self.units if u.slug == slug), None)
