"""Which metric a figure reports: its counting word is the metric's, and its clause names the metric (pure).

A clause names a metric when it contains the metric's label or one of its ``aliases``
(``集中学习研讨``, ``集中学习``). A name found inside a longer name found in the same place does
not count: ``已办结实事34项`` names 已办结实事, not 实事. Where two metrics with the figure's counting
word are named, the longer name wins, then the one nearer the figure. One matcher serves the
import's draft report, the columns of an office's statistics sheet and the check of a
bulletin's figures against the data.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

from .figures import FoundQuantity
from .model import Metric

_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")


class Fit(enum.Enum):
    """How a figure's counting word fits a metric's."""

    SAME = "same"  # 12次 for a metric counted in 次
    PART = "part"  # 5次 or 50余场 for one counted in 场次, 800余人 for 人次: may count towards it, never checked


@dataclass(frozen=True, slots=True)
class Naming:
    """A place where a text names a metric: by ``name`` (its label or an alias), at ``start`` of the normal text."""

    metric: Metric
    name: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.name)


@dataclass(frozen=True, slots=True)
class Match:
    """The metric a figure reports (``Fit.SAME``) or may count towards (``Fit.PART``), and the name that says so."""

    metric: Metric
    name: str
    fit: Fit


def normal(text: str) -> str:
    """Text as names are looked for in it: half-width (NFKC), without spaces or invisible characters."""
    return "".join(unicodedata.normalize("NFKC", text).translate(_INVISIBLE).split())


def names_in(text: str, metrics: Iterable[Metric]) -> list[Naming]:
    """Every place where ``text`` names a metric, in order; names inside a longer name found there are left out."""
    clause = normal(text)
    found = []
    for metric in metrics:
        for name in dict.fromkeys(normal(n) for n in metric.names):
            at = clause.find(name) if name else -1
            while at >= 0:
                found.append(Naming(metric, name, at))
                at = clause.find(name, at + 1)
    kept = [n for n in found if not any(o.start <= n.start and n.end <= o.end and len(o.name) > len(n.name)
                                        for o in found)]
    return sorted(kept, key=lambda n: (n.start, -len(n.name)))


def fit(word: str | None, unit: str) -> Fit | None:
    """How a counting word fits a metric's: the same word, a part of it (次 or 场 of 场次, 人 of 人次), or not."""
    if not word or not unit:
        return None
    word, unit = normal(word), normal(unit)
    if word == unit:
        return Fit.SAME
    return Fit.PART if word in unit else None


def match_figure(figure: FoundQuantity, metrics: Sequence[Metric]) -> Match | None:
    """The metric ``figure`` reports: its counting word fits the metric's and its clause names it; None if none does.

    A figure counted in the metric's own word is preferred to one counted in a part of it; then
    the longer name; then the name nearer the figure.
    """
    clause = normal(figure.context)
    at = clause.find(normal(figure.text))
    at = max(at, 0)
    best: tuple[tuple[int, int, int], Match] | None = None
    for naming in names_in(figure.context, metrics):
        how = fit(figure.unit, naming.metric.unit)
        if how is None:
            continue
        distance = naming.start - at - len(figure.text) if naming.start >= at else at - naming.end
        rank = (0 if how is Fit.SAME else 1, -len(naming.name), abs(distance))
        if best is None or rank < best[0]:
            best = (rank, Match(naming.metric, naming.name, how))
    return best[1] if best else None


def named_metric(text: str, metrics: Sequence[Metric]) -> Metric | None:
    """The metric a heading (a sheet's column) names: its key, or the longest label or alias in it; None if none."""
    key = normal(text)
    exact = [m for m in metrics if key in (m.key, *(normal(n) for n in m.names))]
    if exact:
        return exact[0]
    named = names_in(text, metrics)
    if not named:
        return None
    longest = max(len(n.name) for n in named)
    found = {n.metric.key: n.metric for n in named if len(n.name) == longest}
    return next(iter(found.values())) if len(found) == 1 else None
