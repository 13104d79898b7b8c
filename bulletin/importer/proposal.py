"""The figures of an import proposed as a draft report: each metric takes the figure that reports it.

A figure reports a metric when its counting word is the metric's and its clause names the
metric (``bulletin.matching``, the same rule that checks bulletins against the data). Each
metric takes one figure: one counted in its own word before one counted in a part of it (5次
for 场次), then the largest (a unit's total rather than one group's part), then the first. The
other figures are listed beside it as comments, for the editor to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..figures import FoundQuantity
from ..matching import Fit, Match, match_figure, names_in
from ..model import Metric, Quantity
from ..quantities import format_quantity
from .clean import to_simplified
from .unitfile import Entry, NewReport


_PARTS_OF = re.compile("其中|包括|含")  # 其中党员400人: a part of a figure before it, never added to it


@dataclass(frozen=True, slots=True)
class Proposal:
    """A figure and the metric it seems to report (None when none fits)."""

    quantity: FoundQuantity
    key: str | None
    also: str | None = None  # a metric it fits that another figure took
    fit: Fit | None = None


def propose_metrics(quantities: list[FoundQuantity], metrics: list[Metric]) -> list[Proposal]:
    """Map figures to the metrics they report; each metric takes one figure, or the figures of one sentence
    that add up (厅党组集中学习研讨1次，各支部集中学习80余次 -> 81余); the rest are listed for review."""
    matches: list[Match | None] = [match_figure(_simplified(q), metrics) for q in quantities]
    options: dict[str, list[list[int]]] = {}
    for n, match in enumerate(matches):
        if match is not None:
            options.setdefault(match.metric.key, []).append([n])
    for key, singles in list(options.items()):
        sentences: dict[tuple[int, int], list[int]] = {}
        for (n,) in singles:
            sentences.setdefault(quantities[n].sentence, []).append(n)
        options[key] += [group for group in sentences.values()
                         if len(group) > 1 and not any(_PARTS_OF.search(quantities[n].context) for n in group)]
    taken: dict[int, str] = {}
    for key, groups in options.items():
        best = min(groups, key=lambda group: _rank([quantities[n] for n in group], [matches[n] for n in group]))
        taken.update((n, key) for n in best)
    proposals = []
    for n, (q, match) in enumerate(zip(quantities, matches, strict=True)):
        if n in taken:
            proposals.append(Proposal(q, taken[n], fit=match.fit if match else None))
        else:
            proposals.append(Proposal(q, None, also=match.metric.key if match else None))
    return proposals


def _rank(figures: list[FoundQuantity], matches: list[Match | None]) -> tuple[int, object, int]:
    """A metric's own counting word first, then the largest total, then the first."""
    same = any(m is not None and m.fit is Fit.SAME for m in matches)
    return (0 if same else 1, -sum(q.value for q in figures), figures[0].start)


def _simplified(q: FoundQuantity) -> FoundQuantity:
    return FoundQuantity(to_simplified(q.text), q.value, q.qualifier, to_simplified(q.unit) if q.unit else None,
                         to_simplified(q.context), q.start)


def draft_report(date: str, origin: str, bulletin: str, proposals: list[Proposal],
                 metrics: list[Metric]) -> NewReport:
    """The draft report of an import: ``draft: true`` (the line the editor deletes after review), each
    mapped figure with its clause as a comment, and the other figures listed after it."""
    units = {m.key: m.unit for m in metrics}
    chosen: dict[str, list[Proposal]] = {}
    for p in proposals:
        if p.key is not None:
            chosen.setdefault(p.key, []).append(p)
    entries = []
    order = {m.key: n for n, m in enumerate(metrics)}
    for key, parts in sorted(chosen.items(), key=lambda item: order.get(item[0], len(order))):
        total = Quantity(parts[0].quantity.value, parts[0].quantity.qualifier)
        for p in parts[1:]:
            total = total + Quantity(p.quantity.value, p.quantity.qualifier)
        texts = " + ".join(_one_line(p.quantity.text) for p in parts)
        words = [p.quantity.unit for p in parts if p.fit is Fit.PART]
        counted = f"（正文量词“{'、'.join(dict.fromkeys(words))}”，指标量词“{units[key]}” counted in " \
                  f"{', '.join(dict.fromkeys(words))}, not {units[key]}）" if words else ""  # type: ignore[arg-type]
        clauses = " / ".join(dict.fromkeys(_one_line(p.quantity.context) for p in parts))
        entries.append(Entry(key, format_quantity(total), f"{texts}{counted}: {clauses}"))
    notes = []
    rest = [p for p in proposals if p.key is None]
    if not entries:
        notes.append("没有数字能对应到 data/metrics.yaml 的指标（按量词和名称、别名） "
                     "No figure matched a metric (by counting word and label or aliases)")
    if rest:
        notes.append("正文中的其他数字（原文 -> 数值 限定 量词：所在分句） "
                     "Other figures of the text (as written -> value, qualifier, counting word: clause):")
        for p in rest:
            q = p.quantity
            also = f" [also fits {p.also}]" if p.also else _named(q, metrics)
            found = f"{_one_line(q.text)} -> {format_quantity(Quantity(q.value, q.qualifier))} {q.qualifier.value} {q.unit or '-'}"
            notes.append(f"{found}: {_one_line(q.context)}{also}")
    comment = (f"草稿：由 {origin} 导入，请对照 {bulletin} 核对每个数字，核对后删除本行 "
               "(a draft: check each figure against the bulletin, then delete this line)")
    return NewReport(date, tuple(entries), draft=True, draft_comment=comment, notes=tuple(notes))


def _named(q: FoundQuantity, metrics: list[Metric]) -> str:
    """`` [names X, counted in Y]`` for a figure whose clause names a metric counted in another word."""
    named = [n.metric for n in names_in(to_simplified(q.context), metrics)]
    return f" [names {named[0].key}, counted in {named[0].unit}]" if named and q.unit else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())
