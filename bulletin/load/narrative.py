"""The figures a bulletin states, checked against its unit's report (SPEC section 2).

A figure is checked when its counting word is a metric's and its clause names the metric
(``matching``), and the unit's report on the bulletin's date (else its latest before it) gives
that metric. It agrees when the report gives the same value and qualifier. A bulletin often
states a total and its parts (厅党组集中学习研讨1次，各支部集中学习80余次), or one group's
figure beside the unit's (23名机关党员 beside 3700余名党员); so when the bulletin states the
reported figure itself, or figures of one sentence that add up to it, its other figures for
that metric are taken as parts and are not warned about; when it does not, the largest figure it
states is the one that disagrees (a unit's total is the largest figure stated for it), and only
that one is warned about, at each place it is stated.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Iterator, Sequence

from ..digest import digest
from ..errors import Problems
from ..figures import FoundQuantity, find_figures
from ..matching import Fit, fit, match_figure
from ..messages import _
from ..model import Bulletin, Metric, MetricKind, Quantity, Report, Unit
from ..quantities import format_exactly
from ..stats import value_as_of
from .recall import ReadBefore, Recall, checked_once

_HIDDEN = "\u200b"  # what Markdown syntax is replaced with: keeps every column, is no part of a figure
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SYNTAX = re.compile(
    r"<!--.*?(?:-->|$)"  # an HTML comment on one line
    r"|`+[^`]*`+"  # inline code
    r"|\]\([^)]*\)"  # a link's or image's destination: ](../x.md "title")
    r"|<[A-Za-z/!][^<>]*>"  # an HTML tag or autolink
    r"|\*+|_{2,}|~~"  # emphasis
    r"|^ {0,3}(?:#{1,6}|>|[-+*]|\d{1,9}[.)])(?=\s)"  # a heading, quote or list marker
)
_COUNTED_IN = re.compile(r"[（(]\s*([^（）()\s]{1,4})\s*[）)]\s*$")  # a column heading's counting word: 参与人次（人次）


@dataclass(frozen=True, slots=True)
class Stated:
    """A figure a bulletin states for a metric: where (1-based line and column in the file), as written, as read."""

    line: int
    col: int
    text: str
    quantity: Quantity
    metric: str
    fit: Fit
    sentence: tuple[int, int]  # (line, sentence within the line): figures of one sentence may add up
    word: str  # its counting word


def check_narratives(bulletins: Sequence[Bulletin], units: Sequence[Unit], metrics: Sequence[Metric],
                     problems: Problems, recall: Recall, stored: ReadBefore | None = None) -> None:
    """Warn about each figure of a bulletin that its unit's report contradicts (checked again only when the
    bulletin or its unit changed: by ``recall``, the preview's memory, and by ``stored``, the command line's)."""
    if not metrics:
        return
    catalogue = tuple(metrics)
    by_slug = {unit.slug: unit for unit in units}
    looked_at = functools.lru_cache(maxsize=None)(lambda slug: digest(repr(by_slug[slug]), repr(catalogue)))
    for bulletin in bulletins:
        unit = by_slug.get(bulletin.unit)
        if unit is None:
            continue
        checked_once(recall, stored, ("narrative", bulletin.source_path), (bulletin, unit), catalogue,
                     lambda b=bulletin, u=unit: digest("narrative", b.source_digest, looked_at(u.slug)),
                     functools.partial(check_narrative, bulletin, unit, catalogue), problems)


def check_narrative(bulletin: Bulletin, unit: Unit, metrics: tuple[Metric, ...], problems: Problems) -> None:
    """Warn about each figure of one bulletin that its unit's report contradicts."""
    report = report_for(unit, bulletin.date)
    if report is None or not report.values:
        return
    stated = stated_figures(bulletin, metrics)
    running = {m.key: v.value for m in metrics if m.kind is MetricKind.PERIOD
               and (v := value_as_of(unit, m, bulletin.date)) is not None}
    for figure in contradicted(stated, report, {m.key: m.unit for m in metrics}, running):
        where = unit.location.path if unit.location else f"data/units/{unit.slug}.yaml"
        problems.warning(bulletin.source_path, figure.line, figure.col,
                         _('the text says "{text}", {path} {date} reports {value}', text=figure.text, path=where,
                           date=report.date.isoformat(), value=format_exactly(report.values[figure.metric])))


def report_for(unit: Unit, day: dt.date) -> Report | None:
    """The unit's report on ``day``, else its latest before it; None when it has none by then."""
    found = None
    for report in unit.reports:  # in date order
        if report.date > day:
            break
        found = report
    return found


def contradicted(stated: list[Stated], report: Report, units: dict[str, str],
                 running: dict[str, Quantity] | None = None) -> list[Stated]:
    """The largest figure counted in a metric's own word, where the bulletin does not agree with the report
    otherwise: the same figure stated elsewhere, or figures of one sentence in the metric's counting word
    that add up to it (厅党组集中学习研讨1次，各支部集中学习80余次: 81余 of every organisation, even where
    1次 is the 党组's own metric). A period metric's figure may also be its running total (``running``:
    累计组织宣讲5场次 over two reports)."""
    out = []
    for key, reported in report.values.items():
        figures = [s for s in stated if s.metric == key]
        own = [s for s in figures if s.fit is Fit.SAME]
        total = (running or {}).get(key)
        counted = [s for s in stated if key in units and fit(s.word, units[key]) is not None]
        if not own or _agrees(figures, counted, reported) or (total is not None and _agrees(figures, counted, total)):
            continue
        largest = max(s.quantity.value for s in own)
        out += [s for s in own if s.quantity.value == largest]
    return sorted(out, key=lambda s: (s.line, s.col))


def _agrees(figures: list[Stated], counted: list[Stated], reported: Quantity) -> bool:
    """The metric's figures state the reported one, or one of their sentences adds up to it."""
    if any(s.quantity == reported for s in figures):
        return True
    sentences = [[s for s in counted if s.sentence == one] for one in dict.fromkeys(s.sentence for s in figures)]
    return any(len(group) > 1 and _total(group) == reported for group in sentences)


def _total(figures: list[Stated]) -> Quantity:
    total = figures[0].quantity
    for figure in figures[1:]:
        total = total + figure.quantity
    return total


def stated_figures(bulletin: Bulletin, metrics: tuple[Metric, ...]) -> list[Stated]:
    """The figures of a bulletin's body that report a metric, or may count towards one, in reading order."""
    names = _names(metrics)
    if not names.search(bulletin.body):  # most bulletins name no metric at all: nothing to read
        return []
    out = []
    for number, line, figures in _figures_by_line(bulletin.body, names):
        for figure in figures:
            match = match_figure(figure, metrics)
            if match is None:
                continue
            out.append(Stated(bulletin.body_line + number, figure.start + 1, figure.text,
                              Quantity(figure.value, figure.qualifier), match.metric.key, match.fit,
                              (number, figure.sentence[1]), figure.unit or ""))
    return out


@functools.lru_cache(maxsize=8)
def _names(metrics: tuple[Metric, ...]) -> re.Pattern[str]:
    """Any name of any metric (the longest first)."""
    return re.compile("|".join(sorted((re.escape(n) for m in metrics for n in m.names if n), key=len, reverse=True)))


def _figures_by_line(body: str, names: re.Pattern[str]) -> Iterator[tuple[int, str, list[FoundQuantity]]]:
    """(line number from 0, the line without Markdown syntax, its figures with a counting word) for each line
    that names a metric; a table's cells are read with their row's and column's names."""
    fence = ""
    header: list[tuple[int, str]] | None = None
    for number, raw in enumerate(body.split("\n")):
        opening = _FENCE.match(raw)
        if fence or opening:
            if opening and (not fence or opening.group(1).startswith(fence)):
                fence = "" if fence else opening.group(1)[:3]
            continue
        table = raw.lstrip().startswith("|")
        if not table:
            header = None
            if not names.search(raw):
                continue
        line = _SYNTAX.sub(lambda m: _HIDDEN * len(m.group()), raw)
        cells = _cells(line)
        if not cells:
            header = None
        elif header is None:
            header = cells
        if not names.search(line) and not (cells and header and names.search("".join(c for _, c in header))):
            continue
        if cells and header is not None and cells is not header:
            yield number, line, _table_figures(cells, header)
        elif not cells:
            yield number, line, [f for f in find_figures(line) if f.unit]


def _cells(line: str) -> list[tuple[int, str]] | None:
    """The cells of a Markdown table row, each with the column it starts at; None for other lines."""
    stripped = line.strip()
    if not stripped.startswith("|") or stripped.count("|") < 2:
        return None
    cells, start = [], line.index("|") + 1
    for part in line[start:].split("|"):
        cells.append((start, part))
        start += len(part) + 1
    return cells[:-1] if not cells[-1][1].strip() else cells


def _table_figures(cells: list[tuple[int, str]], header: list[tuple[int, str]]) -> list[FoundQuantity]:
    """The figures of a table row, with the row's first cell and the column's heading as their clause."""
    found = []
    for index, (start, text) in enumerate(cells):
        heading = header[index][1] if index < len(header) else ""
        names = (cells[0][1] if index else "") + " " + heading
        counted = _COUNTED_IN.search(heading)
        for figure in find_figures(text):
            unit = figure.unit or (counted.group(1) if counted else None)
            if unit:
                found.append(FoundQuantity(figure.text, figure.value, figure.qualifier, unit,
                                           f"{names} {figure.context}", start + figure.start))
    return found
