"""Cumulative and period totals of the metric catalogue, as of each report date (pure)."""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from decimal import Decimal

from .model import Metric, MetricKind, Qualifier, Quantity, Site, Unit

# Sums are exact: with the largest precision libmpdec allows, an addition never rounds
# (the result is only as long as it needs to be). Division is never done in this context.
_EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
# A ratio is inherently rounded; fix its context so the result never depends on the caller's.
_RATIO = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class UnitValue:
    """One unit's value of one metric as of a date, and the date of its last report giving it."""

    unit: str  # the unit's slug
    value: Quantity
    date: dt.date


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """The total of one metric over all units as of one report date; None when nobody had reported.

    ``units`` counts the units whose values make up the total and ``joined`` names those among them
    that first gave the metric on this date, so that a reader can tell growth from a unit joining.
    """

    date: dt.date
    total: Quantity | None
    units: int = 0
    joined: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Completion:
    """A metric over its ``part_of`` metric, each summed over the same units: those that report both."""

    part: Quantity
    whole: Quantity
    units: tuple[str, ...]  # their slugs

    @property
    def ratio(self) -> Decimal | None:
        """part / whole; None when the whole is 0."""
        return _ratio(self.part, self.whole)


@dataclass(frozen=True, slots=True)
class MetricStats:
    metric: Metric
    total: Quantity | None  # as of Stats.as_of
    units_reporting: int
    completion: Completion | None  # with metric.part_of, over the units that report both; else None
    by_unit: tuple[UnitValue, ...]  # value descending, then unit slug
    series: tuple[SeriesPoint, ...]  # one point per distinct report date of any unit

    @property
    def ratio(self) -> Decimal | None:
        """The completion ratio over like units (SPEC section 5); None without part_of or such units."""
        return None if self.completion is None else self.completion.ratio

    @property
    def ratio_units(self) -> int | None:
        """How many units the ratio covers; None when the metric has no part_of."""
        if self.metric.part_of is None:
            return None
        return 0 if self.completion is None else len(self.completion.units)


@dataclass(frozen=True, slots=True)
class Stats:
    as_of: dt.date | None  # the latest report date of any unit
    units: int
    bulletins: int
    metrics: tuple[MetricStats, ...]  # in catalogue order
    unit_dates: tuple[tuple[str, dt.date], ...] = ()  # each reporting unit's latest report date, by date then slug

    @property
    def dates_differ(self) -> bool:
        """Whether the units' latest reports are of different dates (then no one date is "as of")."""
        return len({day for _, day in self.unit_dates}) > 1

    def metric(self, key: str) -> MetricStats | None:
        return next((m for m in self.metrics if m.metric.key == key), None)


def value_as_of(unit: Unit, metric: Metric, day: dt.date) -> UnitValue | None:
    """The unit's value of the metric on `day` under the metric's kind, or None if not yet reported."""
    found: UnitValue | None = None
    with decimal.localcontext(_EXACT):
        for report in unit.reports:
            if report.date > day or metric.key not in report.values:
                continue
            quantity = report.values[metric.key]
            if found is None:
                found = UnitValue(unit.slug, quantity, report.date)
            elif metric.kind is MetricKind.CUMULATIVE:
                # The latest report wins; never add two reports of one unit.
                if report.date >= found.date:
                    found = UnitValue(unit.slug, quantity, report.date)
            else:
                found = UnitValue(unit.slug, found.value + quantity, max(found.date, report.date))
    return found


def unit_series(unit: Unit, metric: Metric) -> tuple[UnitValue, ...]:
    """The unit's value of the metric after each of its reports that gives it (linear in reports)."""
    points: list[UnitValue] = []
    with decimal.localcontext(_EXACT):
        for report in unit.reports:
            quantity = report.values.get(metric.key)
            if quantity is None:
                continue
            if points and metric.kind is MetricKind.PERIOD:
                quantity = points[-1].value + quantity
            points.append(UnitValue(unit.slug, quantity, report.date))
    return tuple(points)


def total_as_of(site: Site, metric: Metric, day: dt.date) -> Quantity | None:
    """The sum over all units of their value on `day`, or None if no unit had reported."""
    values = [v.value for u in site.units if (v := value_as_of(u, metric, day)) is not None]
    return _sum(values)


def report_dates(site: Site) -> tuple[dt.date, ...]:
    """Every distinct report date of any unit, in order."""
    return tuple(sorted({r.date for u in site.units for r in u.reports}))


def compute_stats(site: Site) -> Stats:
    """Totals, per-unit values and series of every metric, as of the latest report date."""
    dates = report_dates(site)
    walked = {m.key: _walk(site.units, m, dates) for m in site.metrics}
    totals = {key: (series[-1].total if series else None) for key, (series, _) in walked.items()}
    latest = {key: values for key, (_, values) in walked.items()}
    metrics = []
    for metric in site.metrics:
        series, current = walked[metric.key]
        by_unit = sorted(current, key=lambda v: v.unit)
        by_unit.sort(key=lambda v: v.value.value, reverse=True)  # stable: ties stay by slug
        metrics.append(
            MetricStats(
                metric=metric,
                total=totals[metric.key],
                units_reporting=len(current),
                completion=completion(latest[metric.key], latest.get(metric.part_of or "")),
                by_unit=tuple(by_unit),
                series=tuple(series),
            )
        )
    return Stats(
        as_of=dates[-1] if dates else None,
        units=len(site.units),
        bulletins=len(site.bulletins),
        metrics=tuple(metrics),
        unit_dates=tuple(sorted(((u.slug, max(r.date for r in u.reports)) for u in site.units if u.reports),
                                key=lambda item: (item[1], item[0]))),
    )


def completion(parts: list[UnitValue], wholes: list[UnitValue] | None) -> Completion | None:
    """The parts and wholes of the units that give both, summed; None when no unit gives both."""
    if wholes is None:
        return None
    whole_of = {v.unit: v.value for v in wholes}
    both = sorted(((v.unit, v.value, whole_of[v.unit]) for v in parts if v.unit in whole_of), key=lambda b: b[0])
    if not both:
        return None
    part, whole = _sum([p for _, p, _ in both]), _sum([w for _, _, w in both])
    return Completion(part, whole, tuple(slug for slug, _, _ in both))  # type: ignore[arg-type]


def unit_completion(unit: Unit, metric: Metric, whole: Metric, day: dt.date) -> Completion | None:
    """One unit's completion of ``metric`` over ``whole`` as of ``day``: its values of both, if it gives both."""
    part_value, whole_value = value_as_of(unit, metric, day), value_as_of(unit, whole, day)
    if part_value is None or whole_value is None:
        return None
    return Completion(part_value.value, whole_value.value, (unit.slug,))


def _walk(
    units: tuple[Unit, ...], metric: Metric, dates: tuple[dt.date, ...]
) -> tuple[list[SeriesPoint], list[UnitValue]]:
    """One pass over the metric's reports in date order, keeping each unit's current value.

    Returns the series (one point per date) and the units' values as of the last date.
    Each report is visited once, so the cost is linear in reports plus dates.
    """
    events = sorted(
        ((r.date, i, r.values[metric.key]) for i, u in enumerate(units) for r in u.reports if metric.key in r.values),
        key=lambda e: (e[0], e[1]),  # stable: same-day reports of one unit keep their order
    )
    current: dict[int, UnitValue] = {}
    qualifiers = {q: 0 for q in Qualifier}  # how many units' current values carry each qualifier
    total = Decimal(0)
    series: list[SeriesPoint] = []
    cumulative = metric.kind is MetricKind.CUMULATIVE
    next_event = 0
    with decimal.localcontext(_EXACT):
        for day in dates:
            joined: list[str] = []
            while next_event < len(events) and events[next_event][0] <= day:
                date, i, quantity = events[next_event]
                next_event += 1
                old = current.get(i)
                new = quantity
                if old is None:
                    joined.append(units[i].slug)
                else:
                    # Exact subtraction: take the unit's old value out of the running total.
                    total -= old.value.value
                    qualifiers[old.value.qualifier] -= 1
                    if not cumulative:
                        new = old.value + quantity
                total += new.value
                qualifiers[new.qualifier] += 1
                current[i] = UnitValue(units[i].slug, new, date)
            if current:
                qualifier = Qualifier.combine([q for q, n in qualifiers.items() if n])
                series.append(SeriesPoint(day, Quantity(total, qualifier), len(current), tuple(joined)))
            else:
                series.append(SeriesPoint(day, None))
    return series, list(current.values())


def _sum(quantities: list[Quantity]) -> Quantity | None:
    if not quantities:
        return None
    with decimal.localcontext(_EXACT):
        total = quantities[0]
        for quantity in quantities[1:]:
            total = total + quantity
    return total


def _ratio(part: Quantity | None, whole: Quantity | None) -> Decimal | None:
    if part is None or whole is None or whole.value == 0:
        return None
    return _RATIO.divide(part.value, whole.value)
