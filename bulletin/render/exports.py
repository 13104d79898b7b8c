"""The statistics as data files: stats.json (SPEC section 5) and stats.csv (stats.xlsx: workbook.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

from ..model import Quantity, Site, Unit
from ..quantities import format_exactly, format_number
from ..stats import Stats, unit_completion


def _json_number(value: Decimal) -> int | float:
    # Integers where integral (JSON has no decimals; a float is the nearest it can say otherwise).
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _json_ratio(ratio: Decimal | None) -> int | float | None:
    return None if ratio is None else _json_number(ratio)


def _json_quantity(quantity: Quantity | None) -> tuple[int | float | None, str | None]:
    if quantity is None:
        return None, None
    return _json_number(quantity.value), quantity.qualifier.value


def stats_to_json(stats: Stats) -> dict[str, Any]:
    """The stats.json document of SPEC section 5, keys in its order."""
    metrics = []
    for ms in stats.metrics:
        total, qualifier = _json_quantity(ms.total)
        by_unit = []
        for uv in ms.by_unit:
            value, value_qualifier = _json_quantity(uv.value)
            by_unit.append({"unit": uv.unit, "value": value, "qualifier": value_qualifier, "date": uv.date.isoformat()})
        series = []
        for point in ms.series:
            point_total, point_qualifier = _json_quantity(point.total)
            series.append({"date": point.date.isoformat(), "total": point_total, "qualifier": point_qualifier})
        metrics.append(
            {
                "key": ms.metric.key,
                "label": ms.metric.label,
                "unit": ms.metric.unit,
                "kind": ms.metric.kind.value,
                "total": total,
                "qualifier": qualifier,
                "units_reporting": ms.units_reporting,
                "part_of": ms.metric.part_of,
                "ratio": _json_ratio(ms.ratio),
                "ratio_units": ms.ratio_units,
                "by_unit": by_unit,
                "series": series,
            }
        )
    return {
        "as_of": stats.as_of.isoformat() if stats.as_of else None,
        "units": stats.units,
        "bulletins": stats.bulletins,
        "metrics": metrics,
    }


def stats_json_bytes(stats: Stats) -> bytes:
    """stats.json as UTF-8: indented, Chinese unescaped, one trailing newline."""
    return (json.dumps(stats_to_json(stats), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


CSV_HEADER = ("unit", "metric", "date", "value", "qualifier", "ratio", "ratio_units")  # SPEC section 5, in this order
CSV_NAMES = ("单位名称", "指标名称", "计量单位", "填报值")  # after them, for the office: 株洲高科集团, 参与人次, 人次, 800余


def text_cell(text: str) -> str:
    """A name as a spreadsheet cell that shows it as text: one starting with = + - @ would be a formula in Excel."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def stats_csv_bytes(site: Site) -> bytes:
    """stats.csv: the raw figures, one row per report and metric, sorted by unit, metric, date.

    A metric with ``part_of`` also gives, as stats.json does, its ratio over that metric and the number of
    units the ratio covers: the row's unit as of the row's date (1, or 0 and no ratio when the unit does not
    give both); both cells are blank for other metrics. Then the same in Chinese, for the office: the
    unit's and the metric's names, the counting word, and the value as written (800余).
    UTF-8 with a BOM and CRLF line ends, so Excel opens the Chinese text correctly; a name that Excel
    would take for a formula is written with a leading ' (as Excel itself marks text).
    """
    labels = {m.key: m for m in site.metrics}
    rows = [
        (unit.slug, key, report.date.isoformat(), format_number(q.value), q.qualifier.value,
         *_csv_ratio(site, unit, key, report.date),
         text_cell(unit.name), text_cell(labels[key].label if key in labels else key),
         text_cell(labels[key].unit if key in labels else ""), format_exactly(q))
        for unit in site.units
        for report in unit.reports
        for key, q in report.values.items()
    ]
    rows.sort(key=lambda row: row[:3])  # stable: same-day reports keep their order
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER + CSV_NAMES)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _csv_ratio(site: Site, unit: Unit, key: str, day: dt.date) -> tuple[str, str]:
    """The ratio and ratio_units cells of one row: blank for a metric without part_of."""
    metric = site.metric(key)
    whole = site.metric(metric.part_of) if metric is not None and metric.part_of else None
    if metric is None or whole is None:
        return "", ""
    done = unit_completion(unit, metric, whole, day)
    if done is None:
        return "", "0"
    ratio = _json_ratio(done.ratio)
    return ("" if ratio is None else str(ratio)), "1"
