"""Build-time charts: no JavaScript, labels at the page's own text size, readable in greyscale print (pure).

A chart is self-contained HTML: an `<svg role="img">` draws the lines and bars and carries the text
alternative (its `<title>` and a `<desc>` with every figure in words, qualifiers kept: 81余次), and
HTML text around it, hidden from screen readers as a repeat of the desc, gives the axis, the dates
and the values at the size of the body text, whatever the screen and the 字号 chosen. The drawing
stretches to its box (strokes and points keep their size), so the page decides its size in em.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Callable
from html import escape

from ..model import Quantity
from ..quantities import format_number, format_quantity
from ..stats import Completion
from .chartaxis import AxisLabel, axis_labels, date_label, positions, text_width, years_of
from .ratios import completion_text

NO_DATA = "暂无数据"

_SIZE = 1000  # the drawing's own coordinates: 0-1000 across and down, stretched to the box
_TOP = 0.06  # room above the highest gridline, a share of the plot's height
_INK = "#222"  # line, markers, bar: dark enough for greyscale print
_GRID = "#bbb"
_TRACK = "#e6e6e6"
_CONTEXT = Context(prec=28)  # fixed, so output never depends on the caller's decimal context

# Characters XML 1.0 forbids; labels come from YAML and could carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One date of a line: its value (None: nobody had reported yet) and the units whose first report it is."""

    date: dt.date
    value: Quantity | None
    joined: tuple[str, ...] = ()  # display names; shown from the second point with a value on
    units: int = 0  # how many units the value adds up (0: not said, as on a unit's own chart)


def _text(value: str) -> str:
    """Escape text for XML content or a double-quoted attribute."""
    return escape(_NOT_XML.sub("", value), quote=True)


def _coord(value: float) -> str:
    """A coordinate rounded to one decimal, without a trailing .0."""
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _at(axis: str, value: float) -> str:
    """The class that places a label at a share of the plot's width (``x``) or height (``y``), to 0.5%.

    Classes, not ``style`` attributes: the pages work under a Content Security Policy without
    'unsafe-inline' (style.css has px-0…px-200 and py-0…py-200, in half percents).
    """
    return f"p{axis}-{min(max(round(value * 200), 0), 200)}"


def _svg(id_prefix: str, title: str, desc: str, kind: str, view_height: int = _SIZE) -> list[str]:
    prefix = _text(id_prefix)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-drawing" viewBox="0 0 {_SIZE} {view_height}"'
        f' preserveAspectRatio="none" width="100%" height="100%" role="img"'
        f' aria-labelledby="{prefix}-title {prefix}-desc" data-chart="{kind}">',
        f'<title id="{prefix}-title">{_text(title)}</title>',
        f'<desc id="{prefix}-desc">{_text(desc)}</desc>',
    ]


def nice_scale(peak: Decimal) -> tuple[Decimal, int]:
    """A round gridline step (1, 2, 2.5 or 5 times a power of ten) and 3-5 steps reaching `peak`."""
    if peak <= 0:
        peak = Decimal(1)
    # Start a decade below, so the first step always gives more than 5 gridlines; each next
    # step is at most twice the last, so the first that gives 5 or fewer gives at least 3.
    exponent = peak.adjusted() - 1
    while True:
        for mantissa in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)):
            step = mantissa.scaleb(exponent, _CONTEXT)
            count = int(_CONTEXT.divide(peak, step).to_integral_value("ROUND_CEILING"))
            if count <= 5:
                return step, count
        exponent += 1


def describe(points: list[ChartPoint], unit: str) -> str:
    """The chart in words: every date and figure, qualifiers kept, and where units joined the total."""
    parts, started = [], False
    for p in points:
        day = date_label(p.date)
        if p.value is None:
            parts.append(f"{day}：{NO_DATA}")
            continue
        text = f"{day}：{format_quantity(p.value, unit)}"
        if p.joined and started:
            text += f"，新增{len(p.joined)}个单位报告（{'、'.join(p.joined)}）"
        if p.units and (not started or p.joined):
            text += f"，共{p.units}个单位"
        parts.append(text)
        started = True
    return "；".join(parts)


def joins(points: list[ChartPoint]) -> list[int]:
    """The points at which units joined a total that others had already started."""
    found, started = [], False
    for i, p in enumerate(points):
        if p.value is None:
            continue
        if p.joined and started:
            found.append(i)
        started = True
    return found


def line_chart(points: list[ChartPoint], *, title: str, unit: str, id_prefix: str) -> str:
    """A line over dates at their true distance, from 0 to a round maximum; None points are gaps."""
    values = [p.value.value for p in points if p.value is not None]
    if not values:
        return no_data(title=title, id_prefix=id_prefix)
    step, steps = nice_scale(max(values))
    top = step * steps
    texts = [format_quantity(p.value) if p.value is not None else "" for p in points]
    places = positions([p.date for p in points])
    start = next(i for i, p in enumerate(points) if p.value is not None)
    labels = axis_labels([p.date for p in points], [text_width(t) for t in texts], start)

    def y(value: Decimal) -> float:  # a share of the plot's height, from the top
        return _TOP + (1 - _TOP) * (1 - float(_CONTEXT.divide(value, top)))

    joined = joins(points)
    caption = f"单位：{unit}　日期：{years_of([p.date for p in points])}"
    out = ['<div class="linechart">', f'<p class="chart-unit" aria-hidden="true">{_text(caption)}</p>',
           '<div class="chart-body">']
    out += _y_axis([step * k for k in range(steps + 1)], y)
    out.append('<div class="chart-plot">')
    out += _svg(id_prefix, title, describe(points, unit), "line")
    for k in range(steps + 1):
        gy = _coord(y(step * k) * _SIZE)
        stroke = f'stroke="{_INK}"' if k == 0 else f'stroke="{_GRID}" stroke-dasharray="3 3"'
        out.append(f'<line x1="0" y1="{gy}" x2="{_SIZE}" y2="{gy}" {stroke} vector-effect="non-scaling-stroke"/>')
    for i in joined:
        x = _coord(places[i] * _SIZE)
        out.append(f'<line class="join" x1="{x}" y1="0" x2="{x}" y2="{_SIZE}" stroke="{_INK}"'
                   ' stroke-dasharray="2 4" vector-effect="non-scaling-stroke"/>')
    for run in _runs(points):
        if len(run) > 1:
            coords = " ".join(f"{_coord(places[i] * _SIZE)},{_coord(y(v) * _SIZE)}" for i, v in run)
            out.append(f'<polyline points="{coords}" fill="none" stroke="{_INK}" stroke-width="2"'
                       ' stroke-linejoin="round" vector-effect="non-scaling-stroke"/>')
    for i, p in enumerate(points):
        if p.value is not None:
            out.append(_marker(places[i], y(p.value.value), i in joined,
                               f"{date_label(p.date)}：{format_quantity(p.value, unit)}"))
    out.append("</svg>")
    for i, p in enumerate(points):
        label = labels[i]
        if p.value is not None and label is not None:
            where = f"{_at('x', label.position)} {_at('y', y(p.value.value))}"
            out.append(f'<span class="chart-value {_anchor_class(label)} w{label.min_width} {where}"'
                       f' aria-hidden="true">{_text(texts[i])}</span>')
    out.append("</div>")
    out += _x_axis(labels)
    out.append("</div>")
    if joined:
        out.append(_join_note(points, joined))
    out.append("</div>")
    return "\n".join(out)


def _y_axis(grid: list[Decimal], y: Callable[[Decimal], float]) -> list[str]:
    texts = [format_number(v) for v in grid]
    widest = max(texts, key=text_width)
    out = ['<div class="chart-y" aria-hidden="true">', f'<span class="chart-sizer">{_text(widest)}</span>']
    out += [f'<span class="{_at("y", y(v))}">{_text(t)}</span>' for v, t in zip(grid, texts)]
    out.append("</div>")
    return out


def _x_axis(labels: list[AxisLabel | None]) -> list[str]:
    out = ['<div class="chart-x" aria-hidden="true">']
    out += [f'<span class="{_anchor_class(label)} w{label.min_width} {_at("x", label.position)}">'
            f"{_text(label.text)}</span>" for label in labels if label is not None]
    out.append("</div>")
    return out


def _anchor_class(label: AxisLabel) -> str:
    return {"start": "at-start", "middle": "at-middle", "end": "at-end"}[label.anchor]


def _marker(x: float, y: float, filled: bool, tip: str) -> str:
    """A round point that keeps its size however the drawing is stretched (a zero-length line, round caps)."""
    at = f"M{_coord(x * _SIZE)} {_coord(y * _SIZE)}h0"
    inner = "" if filled else f'<path d="{at}" stroke="#fff" stroke-width="5" stroke-linecap="round" vector-effect="non-scaling-stroke"/>'
    kind = "marker join-marker" if filled else "marker"
    return (f'<g class="{kind}"><title>{_text(tip)}</title><path d="{at}" stroke="{_INK}" stroke-width="10"'
            f' stroke-linecap="round" vector-effect="non-scaling-stroke"/>{inner}</g>')


def _join_note(points: list[ChartPoint], joined: list[int]) -> str:
    """The note under a chart whose total grew partly because units joined: when, how many, which."""
    items = "；".join(f"{date_label(points[i].date)}新增{len(points[i].joined)}个单位报告"
                     f"（{'、'.join(points[i].joined)}）" for i in joined)
    return (f'<p class="chart-note"><span class="chart-key" aria-hidden="true"></span>实心点和竖虚线处有单位首次报告，'
            f"合计的增加含其数据：{_text(items)}。</p>")


def _runs(points: list[ChartPoint]) -> list[list[tuple[int, Decimal]]]:
    """Consecutive points with values, with their indexes: the pieces of line between gaps."""
    runs: list[list[tuple[int, Decimal]]] = [[]]
    for index, p in enumerate(points):
        if p.value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((index, p.value.value))
    return [run for run in runs if run]


def no_data(*, title: str, id_prefix: str) -> str:
    """A chart with nothing to draw says so."""
    out = ['<div class="linechart chart-empty">', '<div class="chart-plot">']
    out += _svg(id_prefix, title, NO_DATA, "line", view_height=40)
    out += ["</svg>", f'<p aria-hidden="true">{NO_DATA}</p>', "</div>", "</div>"]
    return "\n".join(out)


def completion_bar(c: Completion, *, label: str, unit: str, id_prefix: str, coverage: bool = True) -> str:
    """A bar filled to part / whole (capped at full), stating the real numbers and the units they cover."""
    text = f"{label} {completion_text(c, unit, coverage)}"
    fraction = 0.0
    if c.whole.value > 0:
        fraction = min(max(float(_CONTEXT.divide(c.part.value, c.whole.value)), 0.0), 1.0)
    out = ['<div class="barchart">', f'<p class="chart-text" aria-hidden="true">{_text(text)}</p>',
           '<div class="barchart-track">']
    out += _svg(id_prefix, f"{label}完成情况", text, "bar", view_height=100)
    out.append(f'<rect class="track" x="0" y="0" width="{_SIZE}" height="100" fill="{_TRACK}" stroke="{_INK}"'
               ' vector-effect="non-scaling-stroke"/>')
    out.append(f'<rect class="fill" x="0" y="0" width="{_coord(_SIZE * fraction)}" height="100" fill="{_INK}"/>')
    out += ["</svg>", "</div>", "</div>"]
    return "\n".join(out)
