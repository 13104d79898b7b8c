"""How a completion ratio is written, the same on every page, chart and feed (pure).

`34/40项，85%（1个单位报告完成情况）`: the part and the whole summed over the same units, the share,
and how many units it covers (SPEC section 5: like with like).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

from ..quantities import format_number, format_quantity
from ..stats import Completion

_CONTEXT = Context(prec=28)  # fixed, so output never depends on the caller's decimal context


def percent(done: Decimal, whole: Decimal) -> Decimal | None:
    """done / whole as a whole percentage, never 100 before all is done; None for no whole."""
    if whole <= 0:
        return None
    value = _CONTEXT.divide(done * 100, whole).to_integral_value(ROUND_HALF_UP)
    if value == 100 and done < whole:
        value = Decimal(99)  # 199 / 200 is not yet done: never round up to 100%
    return value


def completion_figure(c: Completion, unit: str) -> str:
    """`34/40项`, qualifiers kept (`60/100余项`)."""
    return f"{format_quantity(c.part)}/{format_quantity(c.whole, unit)}"


def completion_share(c: Completion) -> str | None:
    """`85%`; None when the whole is 0."""
    share = percent(c.part.value, c.whole.value)
    return None if share is None else f"{format_number(share)}%"


def coverage_text(c: Completion) -> str:
    """`（1个单位报告完成情况）`: how many units the ratio is taken over."""
    return f"（{len(c.units)}个单位报告完成情况）"


def completion_text(c: Completion, unit: str, coverage: bool = True) -> str:
    """`34/40项，85%（1个单位报告完成情况）`; without the coverage for one unit's own page."""
    share = completion_share(c)
    text = completion_figure(c, unit) + ("" if share is None else "，" + share)
    return text + (coverage_text(c) if coverage else "")
