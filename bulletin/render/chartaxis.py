"""Where a chart's labels go: dates at their true distance, and which labels fit at which width (pure).

A chart's labels are HTML text at the page's own size (so they grow with 字号 A+ and A++); the
narrower the chart, measured in that text size, the fewer date labels it can show without two
overlapping. Each label gets the least width, in em, at which it fits beside every label that is
shown before it (the latest date first, then the first, then the one farthest from those shown);
the stylesheet shows it from that width on (a container query in em).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

# The widths at which the stylesheet can show a label, in em of the chart's text (style.css, "Charts").
STEPS = (0, 10, 12, 14, 16, 18, 20, 24, 28, 32, 40, 48)
GAP = 0.75  # em between two labels
MARGIN = 0.04  # the plot's first and last dates sit this far (a share of its width) inside its edges


@dataclass(frozen=True, slots=True)
class AxisLabel:
    """One date label: its place (a share of the plot's width), how it hangs from there, and from which width on it shows."""

    position: float
    text: str
    anchor: str  # "start", "middle" or "end": the label's left edge, middle or right edge is at its position
    min_width: int  # one of STEPS: shown in a chart at least this many em wide


def positions(dates: list[dt.date]) -> list[float]:
    """Each date's place along the axis, at its true distance from the others (a lone date in the middle)."""
    if not dates:
        return []
    first, last = min(dates), max(dates)
    span = (last - first).days
    if span == 0:
        return [0.5 for _ in dates]
    return [MARGIN + (1 - 2 * MARGIN) * (day - first).days / span for day in dates]


def date_label(day: dt.date, previous: dt.date | None = None, *, year: bool = True) -> str:
    """`2021年3月19日`; `8月31日` without ``year``, unless ``previous`` is of an earlier year."""
    if year or (previous is not None and previous.year != day.year):
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.month}月{day.day}日"


def years_of(dates: list[dt.date]) -> str:
    """`2021年`, or `2021—2022年`: what the axis's dates leave unsaid."""
    if not dates:
        return ""
    first, last = min(dates).year, max(dates).year
    return f"{first}年" if first == last else f"{first}—{last}年"


def text_width(text: str) -> float:
    """A label's width in em: a Chinese character is 1, a digit or Latin letter about 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


def anchor(position: float) -> str:
    """Labels near an edge hang inwards from their point, so that none reaches outside the chart."""
    if position < 0.15:
        return "start"
    if position > 0.85:
        return "end"
    return "middle"


def _extent(label_width: float, how: str) -> tuple[float, float]:
    """How far a label reaches left and right of its point."""
    if how == "start":
        return 0.0, label_width
    if how == "end":
        return label_width, 0.0
    return label_width / 2, label_width / 2


def _needed(a: tuple[float, float, str], b: tuple[float, float, str]) -> float:
    """The least chart width (em) at which labels a and b (position, width, anchor) do not touch."""
    (pa, wa, ha), (pb, wb, hb) = sorted((a, b))
    if pb == pa:
        return float("inf")
    reach = _extent(wa, ha)[1] + _extent(wb, hb)[0] + GAP
    return reach / (pb - pa)


def _inside(position: float, width: float, how: str) -> float:
    """The least chart width (em) at which the label stays within the chart."""
    left, right = _extent(width, how)
    needs = [0.0]
    if left:
        needs.append(left / position if position else float("inf"))
    if right:
        needs.append(right / (1 - position) if position < 1 else float("inf"))
    return max(needs)


def _order(places: list[float], start: int = 0) -> list[int]:
    """The latest date first, then the one where the line starts, then the first, then each time the one
    farthest from those already chosen."""
    if not places:
        return []
    chosen = list(dict.fromkeys([len(places) - 1, start, 0]))
    rest = [i for i in range(len(places)) if i not in chosen]
    while rest:
        far = max(rest, key=lambda i: (min(abs(places[i] - places[j]) for j in chosen), -i))
        chosen.append(far)
        rest.remove(far)
    return chosen


def axis_labels(dates: list[dt.date], widths: list[float] | None = None, start: int = 0) -> list[AxisLabel | None]:
    """A label for each date, or None where it would never fit.

    `widths`: the widest text shown at each date (its value's); `start`: the date where the line starts.
    """
    places = positions(dates)
    several = len({day.year for day in dates}) > 1  # then the first date of each year says its year
    texts = [date_label(day, dates[i - 1] if i else None, year=several and i == 0) for i, day in enumerate(dates)]
    sizes = [max(text_width(t), (widths or [0.0] * len(dates))[i]) for i, t in enumerate(texts)]
    hows = [anchor(p) for p in places]
    labels: list[AxisLabel | None] = [None] * len(dates)
    shown: list[int] = []
    for i in _order(places, start):
        need = max([_inside(places[i], sizes[i], hows[i])]
                   + [_needed((places[i], sizes[i], hows[i]), (places[j], sizes[j], hows[j])) for j in shown])
        step = next((s for s in STEPS if s >= need), None)
        if step is None:
            continue
        labels[i] = AxisLabel(places[i], texts[i], hows[i], step)
        shown.append(i)
    return labels
