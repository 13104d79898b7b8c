"""``bulletin import``: raw bulletin text (.txt, .md, .html, .docx) -> a Markdown bulletin and its figures.

The stages run in a straight line, each in its own module:

    read      importer_read        bytes -> lines (.txt, .md, .html, .docx)
    clean     importer_clean       pinyin glosses, web leftovers, broken lines, punctuation
    structure importer_structure   title, date, source, author; headings and lists
    figures   importer_quantities  every number with its counting word and clause
    write     importer_draft       content/<unit>/<date>-<slug>.md and a draft report
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TextIO

from .clean import clean_line, clean_lines, first_traditional
from .clean import to_simplified as convert
from .document import Line, RawDocument, ReadError
from .draft import WriteRefused, write_import
from .figures import find_quantities
from .read import SUFFIXES, read_document, read_markdown, read_plain
from .result import ImportNote, ImportResult
from .structure import find_structure, render_markdown

UNIT_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


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
        warnings.append(
            ImportNote(
                line, col, f"the text looks like traditional Chinese (“{char}”); pass --to-simplified to convert it"
            )
        )
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
    out: TextIO,
    err: TextIO,
) -> int:
    """Import each file; write the bulletin and a draft report under ``source``, or print JSON. Exit code."""
    if not as_json and not unit:
        print("bulletin import: error: --unit UNIT is required to write files (or pass --json to print)", file=err)
        return 2
    if unit is not None and not UNIT_SLUG.fullmatch(unit):
        print(f'bulletin import: error: --unit "{unit}" is not a unit slug: expected a-z, 0-9 and -', file=err)
        return 2
    status = 0
    printed: list[dict[str, object]] = []
    for name in files:
        result = _import_file(name, to_simplified=to_simplified, err=err)
        if result is None:
            status = 1
            continue
        if as_json:
            printed.append(result.to_json())
            continue
        missing = [what for what, value in (("title", result.title), ("date", result.date)) if not value]
        if missing:
            hints = {"title": "a short first line as its title", "date": "a line such as 发布时间：2021-06-04"}
            found = " and no ".join(missing)
            print(f"{name}:1:1: error: no {found} found; add {' and '.join(hints[m] for m in missing)}", file=err)
            status = 1
            continue
        assert unit is not None
        try:
            done, warnings = write_import(result, root=source, unit=unit, force=force, origin=Path(name).name)
        except WriteRefused as refused:
            print("\n".join(refused.lines), file=err)
            status = 1
            continue
        except OSError as exc:
            print(f"{name}:1:1: error: cannot write the import under {source}: {exc.strerror or exc}", file=err)
            status = 1
            continue
        for line in warnings:
            print(line, file=err)
        for line in done:
            print(line, file=out)
    if as_json and printed:
        payload: object = printed[0] if len(files) == 1 else printed
        print(json.dumps(payload, ensure_ascii=False, indent=2), file=out)
    return status


def _import_file(name: str, *, to_simplified: bool, err: TextIO) -> ImportResult | None:
    """Read and import one input, printing its problems; None when it cannot be imported."""
    path = Path(name)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        kinds = ", ".join(sorted({s for s in SUFFIXES if s in (".txt", ".md", ".html", ".docx")}))
        print(f'{name}:1:1: error: cannot import a "{path.suffix or path.name}" file: expected {kinds}', file=err)
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{name}:1:1: error: cannot read the file: {exc.strerror or exc}", file=err)
        return None
    try:
        document = read_document(data, fmt)
    except ReadError as exc:
        print(f"{name}:{exc.line}:{exc.col}: error: {exc.message}", file=err)
        return None
    result = import_document(document, to_simplified=to_simplified, markdown=fmt == "md")
    for note in result.warnings:
        print(f"{name}:{note.line}:{note.col}: warning: {note.message}", file=err)
    if not result.body.strip() and not result.title:
        print(f"{name}:1:1: error: no text found to import", file=err)
        return None
    return result
