"""An office's statistics sheet read as reports: one row per unit, one column per metric (pure).

The header row is the first row that names a metric (its label, key or an alias, optionally with
its counting word in brackets: ``参与人次（人次）``); rows above it (a title, merged across the
columns) are passed over. The units' column is the one headed 单位 or 名称 (else the one whose
cells name units); rows name a unit by its ``name`` or ``short_name``, spaces and full-width forms
aside. A 合计 row is checked against the sum of the rows above it, never imported. Every problem
names its cell, and all are found before anything is written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..errors import Problems
from ..matching import Fit, fit, named_metric, normal
from ..messages import _
from ..model import Metric, Quantity, Unit
from ..quantities import QuantityError, format_exactly, format_number, parse_quantity
from .sheet import Sheet, Value, cell_name

UNIT_HEADINGS = ("单位", "名称", "单位名称", "填报单位", "报送单位", "单位全称", "单位简称", "unit", "name")
IGNORED_HEADINGS = ("序号", "编号", "备注", "说明", "填报人", "联系人", "联系电话", "电话", "审核人", "填报日期", "日期",
                    "no", "no.", "#")
TOTAL_ROWS = ("合计", "总计", "小计", "总数", "total")
NOT_REPORTED = ("-", "—", "－", "——", "/", "／", "\\")  # a dash or slash in a cell: nothing to report
_COUNTED = re.compile(r"^(?P<name>.*?)[（(]\s*(?P<word>[^（）()]*?)\s*[）)]\s*$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Figure:
    """A metric's value for a unit, as the sheet wrote it, and where."""

    metric: str
    quantity: Quantity
    text: str  # as written in the unit file: the cell's text, or its number in plain digits
    cell: str


@dataclass(slots=True)
class Tally:
    """The reports a sheet gives, by unit slug in row order, and where each unit's row is."""

    figures: dict[str, list[Figure]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)  # metric key -> column


def tally_sheet(sheet: Sheet, path: str, metrics: list[Metric], units: list[Unit], problems: Problems) -> Tally:
    """Read the sheet's rows of units and columns of metrics; problems name their cells."""
    tally = Tally()
    header = _header_row(sheet, metrics)
    if header is None:
        problems.error(path, 1, 1, _("no header row: no row names a metric of data/metrics.yaml "
                                     "(by its label, key or alias, such as {example})",
                                     example=_example(metrics)))
        return tally
    columns, unit_col = _columns(sheet, header, path, metrics, units, problems)
    if unit_col is None:
        problems.error(path, header, 1, _("no column of unit names: head it 单位 (the units' names or short names)"))
        return tally
    tally.columns = {m.key: c for c, m in columns.items()}
    total_row = None
    for row in range(header + 1, len(sheet.rows) + 1):
        name = sheet.value(row, unit_col)
        text = "" if name is None else str(name).strip()
        filled = [c for c in columns if _given(sheet.value(row, c))]
        if not text and not filled:
            continue
        if normal(text).lower() in TOTAL_ROWS:
            total_row = row
            continue
        unit = _unit_named(text, units)
        where = cell_name(row, unit_col)
        if unit is None:
            if filled:
                problems.error(path, row, unit_col, _('{cell}: unknown unit "{name}": write its name or short name '
                                                      "as in data/units/ ({example})", cell=where, name=text,
                                                      example=_closest(text, units)))
            continue
        if unit.slug in tally.rows:
            problems.error(path, row, unit_col, _('{cell}: "{name}" is listed twice (rows {first} and {row}); '
                                                  "keep one row", cell=where, name=text,
                                                  first=tally.rows[unit.slug], row=row))
            continue
        tally.rows[unit.slug] = row
        figures = [f for c, m in columns.items() if (f := _figure(sheet, row, c, m, path, problems))]
        if figures:
            tally.figures[unit.slug] = figures
    if total_row is not None:
        _check_total(sheet, total_row, columns, tally, path, problems)
    return tally


def _header_row(sheet: Sheet, metrics: list[Metric]) -> int | None:
    """The first row of at least two headings (a title merged across the columns is one) naming a metric."""
    for row in range(1, len(sheet.rows) + 1):
        cells = {sheet.merged.get((row, col), (row, col)) for col in range(1, sheet.width + 1)
                 if sheet.heading(row, col)}
        if len(cells) > 1 and any(_heading_metric(sheet.heading(row, col), metrics)
                                  for col in range(1, sheet.width + 1)):
            return row
    return None


def _heading_metric(heading: str, metrics: list[Metric]) -> Metric | None:
    match = _COUNTED.match(heading)
    return named_metric(match.group("name") if match else heading, metrics) if heading else None


def _columns(sheet: Sheet, header: int, path: str, metrics: list[Metric], units: list[Unit],
             problems: Problems) -> tuple[dict[int, Metric], int | None]:
    """The metric of each metric column, and the units' column."""
    columns: dict[int, Metric] = {}
    headed_units, others = None, []
    for col in range(1, sheet.width + 1):
        heading = sheet.heading(header, col)
        plain = normal(heading).lower()
        if plain in UNIT_HEADINGS:
            headed_units = headed_units or col
            continue
        if not plain:
            others.append(col)
            continue
        if plain in IGNORED_HEADINGS:
            continue
        metric = _heading_metric(heading, metrics)
        where = cell_name(header, col)
        if metric is None:
            problems.error(path, header, col, _('{cell}: unknown metric "{heading}": head the column with a metric\'s '
                                                "label, key or alias in data/metrics.yaml ({example})",
                                                cell=where, heading=heading, example=_example(metrics)))
            continue
        counted = _COUNTED.match(heading)
        word = counted.group("word") if counted else ""
        if word and fit(word, metric.unit) is not Fit.SAME:
            problems.error(path, header, col, _('{cell}: the column counts in "{word}", but "{label}" counts in '
                                                '"{unit}"', cell=where, word=word, label=metric.label,
                                                unit=metric.unit))
            continue
        first = next((c for c, m in columns.items() if m.key == metric.key), None)
        if first is not None:
            problems.error(path, header, col, _('{cell}: columns {first} and {cell} both give "{label}"; keep one',
                                                cell=where, first=cell_name(header, first), label=metric.label))
            continue
        columns[col] = metric
    if headed_units is not None:
        return columns, headed_units
    scored = [(sum(_unit_named(str(row[c - 1]).strip(), units) is not None for row in sheet.rows[header:]
                   if c <= len(row) and row[c - 1] is not None), -c) for c in others]
    best = max(scored, default=(0, 0))
    return columns, (-best[1] if best[0] else None)


def _unit_named(text: str, units: list[Unit]) -> Unit | None:
    key = normal(text)
    if not key:
        return None
    return next((u for u in units if key in (normal(u.name), normal(u.short_name or ""))), None)


def _given(value: Value) -> bool:
    return value is not None and not (isinstance(value, str) and (not value.strip() or value.strip() in NOT_REPORTED))


def _figure(sheet: Sheet, row: int, col: int, metric: Metric, path: str, problems: Problems) -> Figure | None:
    """The cell's quantity for the metric; None when empty (not reported) or wrong (an error)."""
    value = sheet.value(row, col)
    where = cell_name(row, col)
    if (row, col) in sheet.uncached:
        problems.warning(path, row, col, _("{cell}: a formula saved without its value is taken as empty; open the "
                                           "sheet in Excel or WPS, save it, and import it again", cell=where))
        return None
    if not _given(value):
        return None
    if isinstance(value, (bool, dt.date, dt.time)):
        problems.error(path, row, col, _('{cell}: "{value}" is not a figure of "{label}"; expected a number such as '
                                         "800, 800余 or 1.2万", cell=where, value=str(value), label=metric.label))
        return None
    try:
        if isinstance(value, str):
            text = value.strip()
            return Figure(metric.key, parse_quantity(text, metric.unit), text, where)
        quantity = parse_quantity(value)  # type: ignore[arg-type]  # a number: 12, 12.0, 1.5
        return Figure(metric.key, quantity, format_number(quantity.value), where)
    except QuantityError as exc:
        problems.error(path, row, col, _("{cell}: {problem}", cell=where, problem=exc.message))
        return None


def _check_total(sheet: Sheet, row: int, columns: dict[int, Metric], tally: Tally, path: str,
                 problems: Problems) -> None:
    """A 合计 row must equal the sum of the units' figures in each column it fills."""
    for col, metric in columns.items():
        found = Problems()
        total = _figure(sheet, row, col, metric, path, found)
        if total is None:
            problems.extend(found)
            continue
        added = Quantity(Decimal(0))
        for figures in tally.figures.values():
            for figure in figures:
                if figure.metric == metric.key:
                    added = added + figure.quantity
        if total.quantity.value != added.value:
            problems.error(path, row, col, _("{cell}: the total is {total}, but the units' figures above add up "
                                             "to {sum}", cell=total.cell, total=total.text, sum=format_exactly(added)))


def _example(metrics: list[Metric]) -> str:
    if not metrics:
        return "参与人次（人次）"
    return "、".join(f"{m.label}（{m.unit}）" for m in metrics[:2])


def _closest(text: str, units: list[Unit]) -> str:
    names = [u.name for u in units] + [u.short_name for u in units if u.short_name]
    close = difflib.get_close_matches(text, names, n=1, cutoff=0.3)
    return close[0] if close else (names[0] if names else "data/units/<unit>.yaml")
