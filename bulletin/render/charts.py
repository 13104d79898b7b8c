"""Build-time inline SVG charts: no JavaScript, fit a phone, readable in greyscale print (pure).

Every chart is an `<svg role="img">` whose `<title>` and `<desc>` (the figures in words)
are its accessible name, with ids derived from the caller's `id_prefix`.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal
from html import escape

from ..quantities import format_number

NO_DATA = "暂无数据"

_WIDTH = 480
_HEIGHT = 240
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 12, 36, 32
_MAX_X_LABELS = 5
_MAX_VALUE_LABELS = 8  # above this many points, values are left to the gridlines and the desc
_INK = "#222"  # line, markers, bar: dark enough for greyscale print
_GRID = "#bbb"
_TRACK = "#e6e6e6"
_CONTEXT = Context(prec=28)  # fixed, so output never depends on the caller's decimal context

# Characters XML 1.0 forbids; labels come from YAML and could carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    """Escape text for XML content or a double-quoted attribute."""
    return escape(_NOT_XML.sub("", value), quote=True)


def _coord(value: float) -> str:
    """A coordinate rounded to one decimal, without a trailing .0."""
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _open(id_prefix: str, title: str, desc: str, height: int, kind: str) -> list[str]:
    prefix = _text(id_prefix)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" viewBox="0 0 {_WIDTH} {height}"'
        f' width="100%" role="img" aria-labelledby="{prefix}-title {prefix}-desc"'
        f' font-family="sans-serif" font-size="12">',
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
            count = int(_CONTEXT.divide(peak, step).to_integral_value(ROUND_CEILING))
            if count <= 5:
                return step, count
        exponent += 1


def line_chart(points: list[tuple[str, Decimal | None]], *, title: str, unit: str, id_prefix: str) -> str:
    """A line over evenly spaced date labels from 0 to a round maximum; None points are gaps."""
    values = [value for _, value in points if value is not None]
    if not values:
        return _no_data(title=title, id_prefix=id_prefix)
    desc = "；".join(f"{label}：{NO_DATA if value is None else format_number(value)}" for label, value in points)
    out = _open(id_prefix, title, desc, _HEIGHT, "line")

    step, steps = nice_scale(max(values))
    top_value = step * steps
    plot_width = _WIDTH - _LEFT - _RIGHT
    plot_height = _HEIGHT - _TOP - _BOTTOM

    def x(index: int) -> float:  # the middle of the index-th of len(points) equal slots
        return _LEFT + plot_width * (index + 0.5) / len(points)

    def y(value: Decimal) -> float:
        return _TOP + plot_height * (1 - float(_CONTEXT.divide(value, top_value)))

    out.append(f'<text x="{_LEFT}" y="14" fill="{_INK}">{_text("单位：" + unit)}</text>')
    for k in range(steps + 1):
        grid_value = step * k
        gy = _coord(y(grid_value))
        colour, dash = (_INK, "") if k == 0 else (_GRID, ' stroke-dasharray="3 3"')
        out.append(
            f'<line x1="{_LEFT}" y1="{gy}" x2="{_WIDTH - _RIGHT}" y2="{gy}" stroke="{colour}"{dash}/>'
        )
        out.append(
            f'<text x="{_LEFT - 6}" y="{_coord(y(grid_value) + 4)}" text-anchor="end" fill="{_INK}">'
            f"{format_number(grid_value)}</text>"
        )

    stride = math.ceil(len(points) / _MAX_X_LABELS)
    for index, (label, _) in enumerate(points):
        if (len(points) - 1 - index) % stride == 0:  # always label the latest point
            out.append(
                f'<text x="{_coord(x(index))}" y="{_HEIGHT - _BOTTOM + 18}" text-anchor="middle"'
                f' fill="{_INK}">{_text(label)}</text>'
            )

    for run in _runs(points):
        if len(run) > 1:
            coords = " ".join(f"{_coord(x(i))},{_coord(y(v))}" for i, v in run)
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{_INK}" stroke-width="2"'
                ' stroke-linejoin="round"/>'
            )

    show_values = len(values) <= _MAX_VALUE_LABELS
    for index, (label, value) in enumerate(points):
        if value is None:
            continue
        cx, cy = _coord(x(index)), _coord(y(value))
        text = format_number(value)
        out.append(
            f'<circle class="marker" cx="{cx}" cy="{cy}" r="4" fill="#fff" stroke="{_INK}" stroke-width="2">'
            f"<title>{_text(f'{label}：{text} {unit}')}</title></circle>"
        )
        if show_values:
            out.append(
                f'<text x="{cx}" y="{_coord(y(value) - 9)}" text-anchor="middle" fill="{_INK}"'
                f' font-size="11">{text}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def _runs(points: list[tuple[str, Decimal | None]]) -> list[list[tuple[int, Decimal]]]:
    """Consecutive non-None points, with their indexes: the pieces of line between gaps."""
    runs: list[list[tuple[int, Decimal]]] = [[]]
    for index, (_, value) in enumerate(points):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((index, value))
    return [run for run in runs if run]


def _no_data(*, title: str, id_prefix: str) -> str:
    height = 64
    out = _open(id_prefix, title, NO_DATA, height, "line")
    out.append(
        f'<text x="{_WIDTH // 2}" y="{height // 2 + 5}" text-anchor="middle" fill="{_INK}">{NO_DATA}</text>'
    )
    out.append("</svg>")
    return "\n".join(out)


def percent(done: Decimal, whole: Decimal) -> Decimal | None:
    """done / whole as a whole percentage, never 100 before all is done; None for no whole."""
    if whole <= 0:
        return None
    value = _CONTEXT.divide(done * 100, whole).to_integral_value(ROUND_HALF_UP)
    if value == 100 and done < whole:
        value = Decimal(99)  # 199 / 200 is not yet done: never round up to 100%
    return value


def completion_text(done: Decimal, whole: Decimal, *, label: str, unit: str) -> str:
    """`已办结 38 / 50 项，76%`; without the percentage when the whole is not positive."""
    text = f"{label} {format_number(done)} / {format_number(whole)} {unit}"
    share = percent(done, whole)
    return text if share is None else f"{text}，{format_number(share)}%"


def completion_bar(done: Decimal, whole: Decimal, *, label: str, unit: str, id_prefix: str) -> str:
    """A horizontal bar filled to done / whole (capped at full), stating the real numbers."""
    text = completion_text(done, whole, label=label, unit=unit)
    out = _open(id_prefix, label, text, 56, "bar")
    fraction = 0.0
    if whole > 0:
        fraction = min(max(float(_CONTEXT.divide(done, whole)), 0.0), 1.0)
    track = _WIDTH - 1
    out.append(f'<text x="0" y="16" font-size="14" fill="{_INK}">{_text(text)}</text>')
    out.append(
        f'<rect class="track" x="0.5" y="26.5" width="{track}" height="20" fill="{_TRACK}" stroke="{_INK}"/>'
    )
    out.append(f'<rect class="fill" x="0.5" y="26.5" width="{_coord(track * fraction)}" height="20" fill="{_INK}"/>')
    out.append("</svg>")
    return "\n".join(out)
