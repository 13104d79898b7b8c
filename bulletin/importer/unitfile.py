"""Adding a report to a unit's YAML file as text: every byte before it stays as it was.

``import-figures`` and ``import`` (its draft report) write reports this way, so that an editor's
comments, order and layout survive. The report goes at the end of the ``reports:`` list (at the
end of the file when the list is the file's last key, as it usually is); a replaced report is
rewritten where it stood. Items are indented as the file's own items are.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..messages import Message, _

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_LINE = re.compile(r"[^\n]*\n|[^\n]+$")
_PLAIN = re.compile(r"[^\s#:,\[\]{}&*!|>'\"%@`-][^\n#:]*")


@dataclass(frozen=True, slots=True)
class Entry:
    """One metric of a report as it is written: ``participants: 800余    # 参与人数达800余人``."""

    key: str
    value: str
    comment: str = ""


@dataclass(frozen=True, slots=True)
class NewReport:
    """A report to write: its date, its metrics, and whether it is a draft (with the draft line's comment)."""

    date: str
    entries: tuple[Entry, ...]
    draft: bool = False
    draft_comment: str = ""
    notes: tuple[str, ...] = ()  # comment lines after its metrics
    comment: str = ""  # on its date's line: where it came from


@dataclass(frozen=True, slots=True)
class Existing:
    """A report already in the file: the line of its ``- date:`` item (1-based) and whether it is a draft."""

    line: int
    draft: bool
    text: str = ""  # its lines as written
    span: tuple[int, int] = field(default=(0, 0), repr=False)  # the lines it takes, as a slice of the file's


class UnitFileError(Exception):
    """The file's ``reports`` cannot be added to as text; ``line`` and ``message`` say where and why."""

    def __init__(self, line: int, message: Message) -> None:
        super().__init__(str(message))
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the report list is and how it is indented."""

    lines: list[str]
    end: int  # the line index before which a new item goes
    dash: int  # the column of an item's "-"
    metrics: int  # the column of a metric's key, relative to the dash
    heading: bool  # the file has no "reports:" yet
    items: list[tuple[int, int, object]]  # each item's first line, last line + 1, and node


def find_report(text: str, date: str) -> Existing | None:
    """The report of ``date`` in the unit file's text, if it has one."""
    layout = _layout(text)
    for start, stop, node in layout.items:
        values = {k.value: v for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}
        day = values.get("date")
        if isinstance(day, yaml.ScalarNode) and str(day.value).strip() == date:
            draft = values.get("draft")
            is_draft = isinstance(draft, yaml.ScalarNode) and str(draft.value).strip().lower() in ("true", "yes", "on")
            return Existing(start + 1, is_draft, "".join(layout.lines[start:stop]), (start, stop))
    return None


def add_report(text: str, report: NewReport, replacing: Existing | None = None) -> str:
    """The unit file's text with ``report`` added at the end of its reports (or where ``replacing`` stood)."""
    layout = _layout(text)
    lines = list(layout.lines)
    newline = "\r\n" if "\r\n" in text else "\n"  # as the file ends its lines
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    written = [line.replace("\n", newline) for line in report_lines(report, layout.dash, layout.metrics)]
    if replacing is not None:
        start, stop = replacing.span
        return "".join(lines[:start] + written + lines[stop:])
    if layout.heading:
        written = ["reports:" + newline] + written
        if lines and lines[-1].strip():
            written = [newline] + written
    return "".join(lines[:layout.end] + written + lines[layout.end:])


def report_lines(report: NewReport, dash: int = 2, metrics: int = 4) -> list[str]:
    """The lines of one report item, its ``-`` at column ``dash``, its metrics ``metrics`` further in."""
    pad, inner = " " * dash, " " * (dash + 2)
    lines = [f"{pad}- date: {report.date}{_comment(report.comment)}\n"]
    if report.draft:
        lines.append(f"{inner}draft: true{_comment(report.draft_comment)}\n")
    lines.append(f"{inner}metrics:{'' if report.entries else ' {}'}\n")
    for entry in report.entries:
        lines.append(f"{' ' * (dash + metrics)}{entry.key}: {_scalar(entry.value)}{_comment(entry.comment)}\n")
    lines += [f"{inner}#{' ' if note else ''}{_one_line(note)}\n" for note in report.notes]
    return lines


def write_atomically(path: Path, text: str) -> None:
    """Write next to the target, then rename over it: a reader sees the old file or the new, never half of one."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8", newline="")
    os.replace(temp, path)


def _layout(text: str) -> _Layout:
    lines = _LINE.findall(text)  # split at "\n" only, as YAML counts lines (str.splitlines splits at more)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UnitFileError(mark.line + 1 if mark else 1,
                            _("the file is not valid YAML; fix it, then add the report again")) from None
    if root is None:
        return _Layout(lines, len(lines), 2, 4, True, [])
    if not isinstance(root, yaml.MappingNode):
        raise UnitFileError(1, _("a unit file must be a mapping of keys (name:, reports:)"))
    keys = [k for k, _v in root.value]
    entry = next(((n, (k, v)) for n, (k, v) in enumerate(root.value) if k.value == "reports"), None)
    if entry is None:
        return _Layout(lines, len(lines), 2, 4, True, [])
    index, (key, seq) = entry
    following = keys[index + 1] if index + 1 < len(keys) else None
    end = len(lines) if following is None else _back_over_comments(lines, following.start_mark.line, 0)
    if isinstance(seq, yaml.ScalarNode) and seq.value == "" and seq.tag.endswith(":null") and \
            lines[key.start_mark.line].rstrip().endswith("reports:"):
        at = key.start_mark.line + 1 if following is not None else len(lines)
        return _Layout(lines, at, 2, 4, False, [])
    if not isinstance(seq, yaml.SequenceNode) or seq.flow_style:
        raise UnitFileError(key.start_mark.line + 1, _('write "reports:" as a list of items, each starting with '
                                                       '"- date:", one per line, to add a report to it'))
    dash = seq.start_mark.column
    items = []
    for n, item in enumerate(seq.value):
        first = item.start_mark.line
        last = _back_over_comments(lines, seq.value[n + 1].start_mark.line, dash) if n + 1 < len(seq.value) else end
        items.append((first, last, item))
    return _Layout(lines, end, dash, _metrics_indent(seq, dash), False, items)


def _back_over_comments(lines: list[str], line: int, column: int) -> int:
    """The first of the blank lines and comments (at ``column`` or less) that lead up to ``line``."""
    while line > 0:
        above = lines[line - 1]
        body = above.lstrip(" ")
        if body.strip() and not (body.startswith("#") and len(above) - len(body) <= column):
            break
        line -= 1
    return line


def _metrics_indent(seq: yaml.SequenceNode, dash: int) -> int:
    """How far in from an item's "-" its metrics' keys are, as the file writes them (else 4)."""
    for item in seq.value:
        for key, value in item.value if isinstance(item, yaml.MappingNode) else []:
            if key.value == "metrics" and isinstance(value, yaml.MappingNode) and value.value and not value.flow_style:
                return value.value[0][0].start_mark.column - dash
    return 4


def _scalar(value: str) -> str:
    """A value as YAML reads it back as the same text: plain where it can be, else double-quoted."""
    return value if _PLAIN.fullmatch(value) and value == value.strip() else json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    return f"    # {_one_line(text)}" if text.strip() else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def read_exactly(path: Path) -> str:
    """A unit file's text exactly as stored (UTF-8; line ends and a BOM kept), to write it back byte for byte."""
    return path.read_bytes().decode("utf-8")
