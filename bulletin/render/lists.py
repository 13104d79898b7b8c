"""Lists of bulletins that scale: pagination, archives by year and month, tags."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

from slugify import slugify

from ..digest import capped_slug
from ..model import Bulletin

PER_PAGE = 20
WINDOW = 2  # page numbers shown either side of the current one

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Pager(Generic[T]):
    """One page of a list: its items and the way to the others."""

    base: str  # the list's own output path, e.g. "units/yunxi/" ("" for the home page)
    number: int  # 1-based
    count: int  # number of pages
    items: Sequence[T]

    @property
    def path(self) -> str:
        return self.page_path(self.number)

    def page_path(self, number: int) -> str:
        """Output path of page ``number``: the list's own URL for the first, then page/N/."""
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def previous(self) -> str | None:
        return self.page_path(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.page_path(self.number + 1) if self.number < self.count else None

    def numbers(self) -> list[int | None]:
        """Page numbers to show: first, last, and a window around this one; None is a gap (…)."""
        shown = {1, self.count, *range(self.number - WINDOW, self.number + WINDOW + 1)}
        result: list[int | None] = []
        for n in sorted(n for n in shown if 1 <= n <= self.count):
            if result and result[-1] is not None and n - result[-1] > 1:  # type: ignore[operator]
                result.append(None)
            result.append(n)
        return result


def paginate(items: Sequence[T], base: str, per_page: int = PER_PAGE) -> list[Pager[T]]:
    """Split ``items`` into pages of ``per_page``; an empty list still has one page."""
    count = max(1, -(-len(items) // per_page))
    return [Pager(base, n + 1, count, items[n * per_page:(n + 1) * per_page]) for n in range(count)]


def by_year_and_month(bulletins: Sequence[Bulletin]) -> dict[int, dict[int, list[Bulletin]]]:
    """Bulletins (newest first) grouped by year, then month, newest first."""
    years: dict[int, dict[int, list[Bulletin]]] = {}
    for b in bulletins:
        years.setdefault(b.date.year, {}).setdefault(b.date.month, []).append(b)
    return years


@functools.lru_cache(maxsize=4096)
def tag_slug(tag: str) -> str:
    """The URL slug of a tag: python-slugify's ASCII form (我为群众办实事 -> wo-wei-qun-zhong-ban-shi-shi), a very long
    one cut short with a digest that keeps it unique."""
    return capped_slug(slugify(tag) or "tag")


def by_tag(bulletins: Sequence[Bulletin]) -> dict[str, tuple[str, list[Bulletin]]]:
    """Bulletins by tag slug: (the tag as first written, its bulletins newest first)."""
    tags: dict[str, tuple[str, list[Bulletin]]] = {}
    for b in bulletins:
        for tag in b.tags:
            tags.setdefault(tag_slug(tag), (tag, []))[1].append(b)
    return dict(sorted(tags.items()))
