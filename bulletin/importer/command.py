"""``bulletin import``: raw bulletin text (.txt, .md, .html, .docx) -> a Markdown bulletin and its figures.

The stages run in a straight line, each in its own module:

    read      importer_read        bytes -> lines (.txt, .md, .html, .docx)
    clean     importer_clean       pinyin glosses, web leftovers, broken lines, punctuation
    structure importer_structure   title, date, source, author; headings and lists
    figures   importer_quantities  every number with its counting word and clause
    write     importer_draft       content/<unit>/<date>-<slug>.md and a draft report
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Severity, SourceError
from ..messages import Reporter, _, os_reason
from .clean import clean_line, clean_lines, first_traditional
from .clean import to_simplified as convert
from .document import Line, RawDocument, ReadError
from .draft import WriteRefused, write_import
from .figures import find_quantities
from .office import convert_to_docx
from .read import SUFFIXES, read_document, read_markdown, read_plain
from .result import ImportNote, ImportResult
from .structure import find_structure, render_markdown

UNIT_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True, slots=True)
class ImportFields:
    """What the editor gives on the command line (--title, --date, --source), instead of what the text says."""

    title: str | None = None
    date: dt.date | None = None
    source: str | None = None

    def applied(self, result: ImportResult) -> ImportResult:
        return dataclasses.replace(result, title=self.title or result.title, date=self.date or result.date,
                                   source=self.source or result.source)


def import_text(text: str, *, to_simplified: bool, fmt: str = "txt") -> ImportResult:
    """Import raw text as pasted (``fmt`` "txt"), or Markdown text (``fmt`` "md")."""
    document = read_markdown(text) if fmt == "md" else read_plain(text.replace("\r\n", "\n").replace("\r", "\n"))
    return import_document(document, to_simplified=to_simplified, markdown=fmt == "md")


def import_document(document: RawDocument, *, to_simplified: bool, markdown: bool = False) -> ImportResult:
    """Clean, structure and scan the lines a reader found."""
    lines: list[Line] = []
    for line in document.lines:
        if line.kind == "md":
            lines.append(line)
        elif line.kind == "table":
            lines.append(Line("", line.number, "table", [[clean_line(c) for c in row] for row in line.cells]))
        elif text := clean_line(line.text):
            lines.append(Line(text, line.number, line.kind))
    meta = {k: clean_line(v) for k, v in document.meta.items()}
    warnings: list[ImportNote] = []
    if to_simplified:
        lines = [Line(convert(x.text), x.number, x.kind, [[convert(c) for c in r] for r in x.cells]) for x in lines]
        meta = {k: convert(v) for k, v in meta.items()}
    elif (where := first_traditional(lines)) is not None:
        line, col, char = where
        warnings.append(ImportNote(line, col, _(
            "the text looks like traditional Chinese (“{char}”); pass --to-simplified to convert it", char=char)))
    structure = find_structure(clean_lines(lines), meta)
    return ImportResult(
        title=structure.title,
        date=structure.date,
        source=structure.source,
        author=structure.author,
        body=render_markdown(structure.blocks, escape=not markdown),
        quantities=find_quantities(structure.blocks, structure.title),
        warnings=warnings,
    )


def run_import(
    files: list[str],
    *,
    source: Path,
    unit: str | None,
    to_simplified: bool,
    as_json: bool,
    force: bool,
    report: Reporter,
    fields: ImportFields = ImportFields(),
) -> int:
    """Import each file; write the bulletin and a draft report under ``source``, or print JSON. Exit code."""
    if not as_json and not unit:
        report.fail(_("--unit UNIT is required to write files (or pass --json to print)"))
        return 2
    if unit is not None and not UNIT_SLUG.fullmatch(unit):
        report.fail(_('--unit "{unit}" is not a unit slug: expected a-z, 0-9 and -', unit=unit))
        return 2
    status = 0
    printed: list[dict[str, object]] = []
    for name in files:
        result = _import_file(name, to_simplified=to_simplified, report=report)
        if result is None:
            status = 1
            continue
        result = fields.applied(result)
        if as_json:
            printed.append(result.to_json())
            continue
        if not result.title or not result.date:
            report.problems([SourceError(name, 1, 1, _(
                "no title and no date found; add a short first line as its title and a line such as "
                "发布时间：2021-06-04, or give them: --title TITLE --date 2021-06-04") if not result.title and not
                result.date else _("no title found; add a short first line as its title, or give it: --title TITLE")
                if not result.title else _("no date found; add a line such as 发布时间：2021-06-04, or give it: "
                                           "--date 2021-06-04"))])
            status = 1
            continue
        assert unit is not None
        try:
            done, warnings = write_import(result, root=source, unit=unit, force=force, origin=Path(name).name)
        except WriteRefused as refused:
            report.problems(refused.problems)
            status = 1
            continue
        except OSError as exc:
            report.problems([SourceError(name, 1, 1, _("cannot write the import under {folder}: {why}",
                                                       folder=str(source), why=os_reason(exc)))])
            status = 1
            continue
        report.problems(warnings)
        for message in done:
            report.say(message)
    if as_json and printed:
        payload: object = printed[0] if len(files) == 1 else printed
        report.say(json.dumps(payload, ensure_ascii=False, indent=2))
    return status


def _import_file(name: str, *, to_simplified: bool, report: Reporter) -> ImportResult | None:
    """Read and import one input, printing its problems; None when it cannot be imported."""
    path = Path(name)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        kinds = ", ".join(sorted({s for s in SUFFIXES if s in (".txt", ".md", ".html", ".docx", ".doc", ".wps", ".pdf")}))
        report.problems([SourceError(name, 1, 1, _('cannot import a "{kind}" file: expected {kinds}',
                                                   kind=path.suffix or path.name, kinds=kinds))])
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.problems([SourceError(name, 1, 1, _("cannot read the file: {why}", why=os_reason(exc)))])
        return None
    try:
        if fmt == "office":  # .doc, .wps, .pdf: converted to .docx by LibreOffice, if it is installed
            data, fmt = convert_to_docx(path), "docx"
        document = read_document(data, fmt)
    except ReadError as exc:
        report.problems([SourceError(name, exc.line, exc.col, exc.message)])
        return None
    result = import_document(document, to_simplified=to_simplified, markdown=fmt == "md")
    report.problems([SourceError(name, note.line, note.col, note.message, Severity.WARNING) for note in result.warnings])
    if not result.body.strip() and not result.title:
        report.problems([SourceError(name, 1, 1, _("no text found to import"))])
        return None
    return result
