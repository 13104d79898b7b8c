"""What a bulletin's page shows around its body: the bulletins before and after it (in its unit and on the
whole site) and related bulletins by tag.

Each is a ``Neighbour`` (address, title, date), so a page changes when a neighbour's title does, and
not when anything else about it does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Sequence

from ..model import Bulletin, Site

RELATED = 5  # related bulletins shown
NEAREST = 8  # of each shared tag, the bulletins nearest in date considered (a tag of every bulletin stays cheap)
LONG_BODY = 1500  # characters of Markdown: from about four phone screens a page gets 返回顶部


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A bulletin as the pager and the related list show it."""

    url_path: str
    title: str
    date: dt.date


@dataclass(slots=True)
class Order:
    """The order of a site's bulletins (newest first): on the site, in each unit, under each tag."""

    site: Site
    by_unit: dict[str, list[Bulletin]] = field(default_factory=dict)
    by_tag: dict[str, list[Bulletin]] = field(default_factory=dict)
    position: dict[tuple[str, str], int] = field(default_factory=dict)  # (list, source path) -> index
    # one Neighbour per bulletin, made once: the same object on every page that shows it, whose fingerprint is
    # then worked out once per build (see incremental.fingerprint), not once for each of those pages
    neighbours: dict[str, Neighbour] = field(default_factory=dict)
    rank: dict[str, tuple[int, str, Bulletin]] = field(default_factory=dict)  # source path -> (day, address, it)

    def __post_init__(self) -> None:
        for index, bulletin in enumerate(self.site.bulletins):  # newest first
            self.position[("", bulletin.source_path)] = index
            self.rank[bulletin.source_path] = (bulletin.date.toordinal(), bulletin.url_path, bulletin)
            self._append(self.by_unit, bulletin.unit, "unit:", bulletin)
            for tag in bulletin.tags:
                self._append(self.by_tag, tag, "tag:", bulletin)

    def _append(self, lists: dict[str, list[Bulletin]], key: str, kind: str, bulletin: Bulletin) -> None:
        items = lists.setdefault(key, [])
        self.position[(kind + key, bulletin.source_path)] = len(items)
        items.append(bulletin)

    def around(self, bulletin: Bulletin, in_unit: bool) -> tuple[Neighbour | None, Neighbour | None]:
        """The (older, newer) bulletin of its unit, or of the whole site."""
        items: Sequence[Bulletin] = self.by_unit[bulletin.unit] if in_unit else self.site.bulletins
        index = self.position[("unit:" + bulletin.unit if in_unit else "", bulletin.source_path)]
        older = items[index + 1] if index + 1 < len(items) else None
        newer = items[index - 1] if index > 0 else None
        return self.neighbour(older), self.neighbour(newer)

    def neighbour(self, bulletin: Bulletin | None) -> Neighbour | None:
        """``bulletin`` as the pager and the related list show it."""
        if bulletin is None:
            return None
        made = self.neighbours.get(bulletin.source_path)
        if made is None:
            made = self.neighbours[bulletin.source_path] = Neighbour(bulletin.url_path, bulletin.title, bulletin.date)
        return made

    def related(self, bulletin: Bulletin) -> list[Neighbour]:
        """Bulletins sharing most tags with this one, the nearest in date first; of each tag only the ``NEAREST``."""
        shared: dict[str, int] = {}  # source path -> tags shared
        for tag in bulletin.tags:
            items, index = self.by_tag[tag], self.position[("tag:" + tag, bulletin.source_path)]
            for other in items[max(0, index - NEAREST):index + NEAREST + 1]:
                shared[other.source_path] = shared.get(other.source_path, 0) + 1
        shared.pop(bulletin.source_path, None)
        rank, mine = self.rank, self.rank[bulletin.source_path][0]
        ranked = sorted((-count, abs(rank[path][0] - mine), -rank[path][0], rank[path][1], path)
                        for path, count in shared.items())  # tuples compared in C: no key function per candidate
        return [self.neighbour(rank[path][2]) for *_, path in ranked[:RELATED]]
