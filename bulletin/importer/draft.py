"""Writing an import: the bulletin's Markdown file and a commented draft report in its unit's file."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from slugify import slugify

from ..errors import Problems, Severity, SourceError
from ..load.nodes import parse_yaml
from ..load.validate import read_metric_catalogue
from ..messages import Message, _
from ..model import Metric, Quantity
from ..quantities import format_quantity
from .clean import to_simplified
from .figures import FoundQuantity
from .result import ImportResult


class WriteRefused(Exception):
    """Nothing was written; ``problems`` say why."""

    def __init__(self, problems: list[SourceError]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Proposal:
    """A figure and the metric it seems to report (None when none fits)."""

    quantity: FoundQuantity
    key: str | None
    also: str | None = None  # a metric it fits that another figure already took


def bulletin_name(date: str, title: str) -> str:
    """``<date>-<slug>.md``: python-slugify's ASCII slug of the title, cut at a word, or ``bulletin``."""
    slug = slugify(title, max_length=48, word_boundary=True, save_order=True) or "bulletin"
    return f"{date}-{slug}.md"


def front_matter(result: ImportResult) -> str:
    """YAML front matter with every string double-quoted (JSON strings are valid YAML), marked as a draft: nothing
    imported is published before an editor has read it."""
    lines = ["---", f"title: {_quote(result.title or '')}", f"date: {result.date.isoformat() if result.date else ''}"]
    optional = (("source", result.source), ("author", result.author))
    lines += [f"{key}: {_quote(value)}" for key, value in optional if value]
    lines.append(DRAFT_LINE)
    return "\n".join(lines + ["---", ""])


DRAFT_LINE = "draft: true    # 草稿：核对无误后删去这一行，即可发布 (a draft: delete this line to publish it)"


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write_import(
    result: ImportResult, *, root: Path, unit: str, force: bool, origin: str
) -> tuple[list[Message], list[SourceError]]:
    """Write content/<unit>/<date>-<slug>.md and append a draft report; (what was done, warnings).

    Nothing is written when the bulletin file or a report of that date already
    exists, unless ``force``: then the bulletin is replaced, and so is an
    earlier draft of that date (a reviewed report is left for the editor).
    """
    assert result.date is not None and result.title is not None
    date = result.date.isoformat()
    bulletin_rel = f"content/{unit}/{bulletin_name(date, result.title)}"
    unit_rel = f"data/units/{unit}.yaml"
    bulletin_path, unit_path = root / bulletin_rel, root / unit_rel
    refusals: list[SourceError] = []
    notes: list[SourceError] = []
    try:
        unit_text = unit_path.read_text(encoding="utf-8") if unit_path.is_file() else None
    except UnicodeDecodeError:
        raise WriteRefused([SourceError(unit_rel, 1, 1, _("cannot add a draft report: the file is not UTF-8 text"))]) \
            from None
    if bulletin_path.exists() and not force:
        refusals.append(SourceError(bulletin_rel, 1, 1, _("the bulletin already exists; pass --force to overwrite it")))
    if unit_text is not None:
        line = _report_line(unit_text, date, unit_rel, refusals)
        if line < 0 and not force:
            refusals.append(SourceError(unit_rel, -line, 1, _(
                "a draft report of {date} from an earlier import exists; pass --force to replace it", date=date)))
        elif line > 0 and not force:
            refusals.append(SourceError(unit_rel, line, 1, _(
                "a report of {date} already exists; pass --force to add a draft anyway", date=date)))
        elif line > 0:
            notes.append(SourceError(unit_rel, line, 1, _(
                "a report of {date} already exists; merge the new draft into it by hand", date=date), Severity.WARNING))
    if refusals:
        raise WriteRefused(refusals)
    catalogue = Problems()
    metrics = read_metric_catalogue(root, catalogue)
    notes += [SourceError(p.path, p.line, p.col, _("{problem}; no figure is mapped to a metric", problem=p.message),
                          Severity.WARNING) for p in catalogue.sorted()]
    proposals = propose_metrics(result.quantities, metrics)
    draft = draft_report(date, origin, bulletin_rel, proposals)
    bulletin_path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(bulletin_path, front_matter(result) + "\n" + result.body)
    unit_path.parent.mkdir(parents=True, exist_ok=True)
    if unit_text is None:
        unit_text = f"# name: 单位全称    # required: the unit's full name; fill it in and uncomment ({unit})\n"
    unit_text = _remove_draft(unit_text, date, bulletin_rel)
    if unit_text and not unit_text.endswith("\n"):
        unit_text += "\n"
    _write_atomic(unit_path, unit_text + "\n" + draft)
    mapped = sum(1 for p in proposals if p.key)
    done = [
        _("wrote {path}", path=bulletin_rel),
        _("added a draft report of {date} to {path}: {mapped} of {count} figures mapped to metrics",
          date=date, path=unit_rel, mapped=mapped, count=len(proposals)),
    ]
    return done, notes


_DRAFT_START = "# --- draft report {date}"
_DRAFT_END = "# --- end of draft report {date} ---"


def _report_line(text: str, date: str, path: str, refusals: list[SourceError]) -> int:
    """The line of an existing report of ``date``: >0 a reviewed one, <0 an earlier draft, 0 none."""
    problems = Problems()
    root = parse_yaml(text, path, problems)
    if problems.has_errors:
        refusals += [SourceError(p.path, p.line, p.col, _("{problem}; the draft report was not added", problem=p.message))
                     for p in problems.sorted()]
        return 0
    reports = root.value.get("reports") if root is not None and root.kind == "map" else None  # type: ignore[union-attr]
    for report in reports[1].value if reports and reports[1].kind == "seq" else []:  # type: ignore[union-attr]
        day = report.value.get("date") if report.kind == "map" else None  # type: ignore[union-attr]
        if day is not None and str(day[1].value).strip() == date:
            return day[0].line
    start = text.find(_DRAFT_START.format(date=date))
    return -(text[:start].count("\n") + 1) if start >= 0 else 0


def _remove_draft(text: str, date: str, bulletin: str) -> str:
    """The file without the earlier draft of ``date`` for the same bulletin (replaced under --force).

    A draft of that date for another bulletin stays: its figures are the editor's to merge.
    """
    start = text.find(_DRAFT_START.format(date=date))
    end_mark = _DRAFT_END.format(date=date)
    while start >= 0:
        end = text.find(end_mark, start)
        end = len(text) if end < 0 else end + len(end_mark) + 1
        if f"Figures found in {bulletin}." in text[start:end]:
            return (text[:start].rstrip("\n") + "\n" + text[end:].lstrip("\n")).lstrip("\n")
        start = text.find(_DRAFT_START.format(date=date), end)
    return text


def _write_atomic(path: Path, text: str) -> None:
    """Write next to the target, then rename: never a half-written file."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(temp, path)


# ---------------------------------------------------------------- metrics

def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)} or set(chars)


def match_score(label: str, context: str) -> float:
    """How much of the metric's label the clause contains: the share of its character pairs."""
    words = _bigrams(label)
    found = _bigrams(context)
    return len(words & found) / len(words) if words else 0.0


def propose_metrics(quantities: list[FoundQuantity], metrics: list[Metric]) -> list[Proposal]:
    """Map each figure to the metric whose counting word it has and whose label its clause names.

    A metric's label must be at least half present in the clause (the figure
    itself left out: 涉及实事40项 -> 涉及实事项 names 实事项目). Each metric takes
    one figure, the best-matching, earliest one; the rest are listed for review.
    """
    best: dict[str, tuple[float, int]] = {}
    fits: list[tuple[str, float] | None] = []
    for n, q in enumerate(quantities):
        unit = to_simplified(q.unit) if q.unit else None
        clause = to_simplified(q.context.replace(q.text, q.unit or "", 1))
        scored = [(match_score(to_simplified(m.label), clause), m.key) for m in metrics if unit and m.unit == unit]
        scored = [s for s in scored if s[0] >= 0.5]
        if not scored:
            fits.append(None)
            continue
        score, key = max(scored, key=lambda s: s[0])
        fits.append((key, score))
        if key not in best or score > best[key][0]:
            best[key] = (score, n)
    proposals = []
    for n, (q, fit) in enumerate(zip(quantities, fits, strict=True)):
        if fit is None:
            proposals.append(Proposal(q, None))
        elif best[fit[0]][1] == n:
            proposals.append(Proposal(q, fit[0]))
        else:
            proposals.append(Proposal(q, None, also=fit[0]))
    return proposals


def draft_report(date: str, origin: str, bulletin: str, proposals: list[Proposal]) -> str:
    """The commented draft: a report to review, uncomment and move under ``reports:``."""
    lines = [
        f"{_DRAFT_START.format(date=date)} from {origin} (bulletin import) ---",
        f"# Figures found in {bulletin}. Check each against the text, then move the",
        "# report under `reports:` and uncomment it.",
        f"#  - date: {date}",
        "#    metrics:",
    ]
    mapped = [p for p in proposals if p.key]
    for p in mapped:
        value = format_quantity(Quantity(p.quantity.value, p.quantity.qualifier))
        lines.append(f"#      {p.key}: {value}    # {_one_line(p.quantity.text)}: {_one_line(p.quantity.context)}")
    if not mapped:
        lines.append("#      {}    # no figure matched a metric of data/metrics.yaml")
    rest = [p for p in proposals if not p.key]
    if rest:
        lines.append("# Not mapped to a metric (value, qualifier, counting word: clause):")
        for p in rest:
            q = p.quantity
            value = format_quantity(Quantity(q.value, q.qualifier))
            also = f" [also fits {p.also}]" if p.also else ""
            found = f"{_one_line(q.text)} -> {value} {q.qualifier.value} {q.unit or '-'}"
            lines.append(f"#   {found}: {_one_line(q.context)}{also}")
    lines.append(_DRAFT_END.format(date=date))
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
