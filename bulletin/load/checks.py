"""Plausibility checks on the figures: likely typing mistakes become located warnings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..errors import Problems
from ..messages import Message, _
from ..model import Bulletin, Location, Metric, MetricKind, Quantity, Unit
from ..quantities import format_number

STALE_AFTER = dt.timedelta(days=366)


def check_figures(metrics: tuple[Metric, ...], units: tuple[Unit, ...], bulletins: list[Bulletin],
                  problems: Problems) -> None:
    """Warn about figures that are probably wrong; none of these stops a build."""
    by_key = {m.key: m for m in metrics}
    newest = newest_bulletin_dates(bulletins)
    for unit in units:
        warn_decreasing_totals(unit, by_key, problems)
        warn_parts_larger_than_whole(unit, by_key, problems)
        warn_reports_after_bulletins(unit, newest.get(unit.slug), problems)
    warn_unreported_metrics(metrics, units, problems)


def newest_bulletin_dates(bulletins: list[Bulletin]) -> dict[str, dt.date]:
    """The date of each unit's newest bulletin."""
    newest: dict[str, dt.date] = {}
    for b in bulletins:
        if b.unit not in newest or b.date > newest[b.unit]:
            newest[b.unit] = b.date
    return newest


def _warn(problems: Problems, where: Location | None, message: Message) -> None:
    if where is not None:
        problems.warning(where.path, where.line, where.col, message)


def warn_decreasing_totals(unit: Unit, metrics: dict[str, Metric], problems: Problems) -> None:
    """A running total that goes down between two reports is probably a typing mistake."""
    last: dict[str, tuple[dt.date, Quantity]] = {}
    for report in unit.reports:
        for key, quantity in report.values.items():
            metric = metrics.get(key)
            if metric is None or metric.kind is not MetricKind.CUMULATIVE:
                continue
            if key in last and quantity.value < last[key][1].value:
                day, before = last[key]
                _warn(problems, report.value_locations.get(key),
                      _('"{key}" is a running total but goes down from {before} on {day} to {after}; is it mistyped?',
                        key=key, before=_plain(before.value), day=day.isoformat(), after=_plain(quantity.value)))
            last[key] = (report.date, quantity)


def warn_parts_larger_than_whole(unit: Unit, metrics: dict[str, Metric], problems: Problems) -> None:
    """A part (已办结) larger than its whole (实事项目) in the same report."""
    for report in unit.reports:
        for key, quantity in report.values.items():
            metric = metrics.get(key)
            whole = report.values.get(metric.part_of) if metric and metric.part_of else None
            if whole is not None and quantity.value > whole.value:
                _warn(problems, report.value_locations.get(key),
                      _('"{key}" ({value}) is larger than "{whole}" ({whole_value}) it is part of', key=key,
                        value=_plain(quantity.value), whole=metric.part_of, whole_value=_plain(whole.value)))


def warn_reports_after_bulletins(unit: Unit, newest: dt.date | None, problems: Problems) -> None:
    """A report dated more than a year after the unit's newest bulletin: a mistyped year?"""
    if newest is None:
        return
    for report in unit.reports:
        if report.date - newest > STALE_AFTER:
            _warn(problems, report.location,
                  _("report dated {date} is more than a year after the unit's newest bulletin ({newest}); "
                    "is the year right?", date=report.date.isoformat(), newest=newest.isoformat()))


def warn_unreported_metrics(metrics: tuple[Metric, ...], units: tuple[Unit, ...], problems: Problems) -> None:
    """A metric in the catalogue that no unit reports."""
    reported = {key for unit in units for report in unit.reports for key in report.values}
    for metric in metrics:
        if metric.key not in reported and metric.location is not None:
            _warn(problems, metric.location, _('metric "{key}" is defined but no unit reports it', key=metric.key))


def _plain(value: Decimal) -> str:
    return format_number(value)
