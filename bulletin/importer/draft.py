"""Writing an import: the bulletin's Markdown file, and a draft report appended to its unit's file."""

from __future__ import annotations

import json
from pathlib import Path

from slugify import slugify

from ..errors import Problems, Severity, SourceError
from ..load.validate import read_metric_catalogue
from ..messages import Message, _
from .proposal import draft_report, propose_metrics
from .result import ImportResult
from .unitfile import UnitFileError, add_report, find_report, read_exactly, write_atomically


class WriteRefused(Exception):
    """Nothing was written; ``problems`` say why."""

    def __init__(self, problems: list[SourceError]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


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
    exists, unless ``force``: then the bulletin is replaced, and so is the draft
    report of an earlier import of it; any other report of that date is left
    for the editor, and the figures found are not added.
    """
    assert result.date is not None and result.title is not None
    date = result.date.isoformat()
    bulletin_rel = f"content/{unit}/{bulletin_name(date, result.title)}"
    unit_rel = f"data/units/{unit}.yaml"
    bulletin_path, unit_path = root / bulletin_rel, root / unit_rel
    refusals: list[SourceError] = []
    notes: list[SourceError] = []
    try:
        unit_text = read_exactly(unit_path) if unit_path.is_file() else None
    except UnicodeDecodeError:
        raise WriteRefused([SourceError(unit_rel, 1, 1, _("cannot add a draft report: the file is not UTF-8 text"))]) \
            from None
    if bulletin_path.exists() and not force:
        refusals.append(SourceError(bulletin_rel, 1, 1, _("the bulletin already exists; pass --force to overwrite it")))
    existing, skip_report = None, False
    if unit_text is not None:
        try:
            existing = find_report(unit_text, date)
        except UnitFileError as exc:
            refusals.append(SourceError(unit_rel, exc.line, 1, _("cannot add a draft report: {why}", why=exc.message)))
        ours = existing is not None and existing.draft and bulletin_rel in existing.text
        if ours and not force:
            refusals.append(SourceError(unit_rel, existing.line, 1, _(
                "a draft report of {date} from an earlier import exists; pass --force to replace it", date=date)))
        elif existing is not None and not ours and not force:
            refusals.append(SourceError(unit_rel, existing.line, 1, _(
                "a report of {date} already exists; pass --force to write the bulletin without a draft report",
                date=date)))
        elif existing is not None and not ours:
            skip_report = True
            notes.append(SourceError(unit_rel, existing.line, 1, _(
                "a report of {date} already exists; the figures found were not added: compare them with it by hand",
                date=date), Severity.WARNING))
    if refusals:
        raise WriteRefused(refusals)
    catalogue = Problems()
    metrics = read_metric_catalogue(root, catalogue)
    notes += [SourceError(p.path, p.line, p.col, _("{problem}; no figure is mapped to a metric", problem=p.message),
                          Severity.WARNING) for p in catalogue.sorted()]
    proposals = propose_metrics(result.quantities, metrics)
    draft = draft_report(date, origin, bulletin_rel, proposals, metrics)
    if unit_text is None:
        unit_text = new_unit_text(unit, result.source)
    new_text = unit_text if skip_report else add_report(unit_text, draft, existing)
    bulletin_path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(bulletin_path, front_matter(result) + "\n" + result.body)
    if not skip_report:
        unit_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(unit_path, new_text)
    mapped = sum(1 for p in proposals if p.key)
    done = [_("wrote {path}", path=bulletin_rel)]
    if not skip_report:
        done.append(_("added a draft report of {date} to {path}: {mapped} of {count} figures mapped to metrics",
                      date=date, path=unit_rel, mapped=mapped, count=len(proposals)))
    return done, notes


def new_unit_text(unit: str, source: str | None) -> str:
    """A unit file for a unit that has none yet: its name guessed from the bulletin's source, to check."""
    name = json.dumps(source or unit, ensure_ascii=False)
    return (f"# 单位资料：请核对单位全称 name，补充 short_name、region、category（见 bulletin new unit）。\n"
            f"# The unit file of {unit}: check its full name, add short_name, region and category.\n"
            f"name: {name}\n")
