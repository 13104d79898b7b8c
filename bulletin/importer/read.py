"""Reading raw bulletins for import: .txt, .md, .html and .docx -> lines of text (first stage)."""

from __future__ import annotations

import io
import re
import zipfile

from ..errors import Problems
from ..load.nodes import parse_yaml
from ..messages import _
from .document import Line, RawDocument, ReadError, decode_text
from .html import decode_html, read_html
from .textboxes import text_box_lines

SUFFIXES = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".docx": "docx",
    ".doc": "office", ".wps": "office", ".pdf": "office",
}  # fmt: skip


def read_document(data: bytes, fmt: str) -> RawDocument:
    """Turn the bytes of one input of format ``fmt`` (txt, md, html, docx) into lines."""
    if fmt == "docx":
        return read_docx(data)
    if fmt == "html":
        return read_html(decode_html(data))
    text = decode_text(data)
    return read_markdown(text) if fmt == "md" else read_plain(text)


def read_plain(text: str) -> RawDocument:
    """Plain text as pasted from a page: one paragraph per line; blank lines carry nothing."""
    return RawDocument([Line(t, n) for n, t in enumerate(text.split("\n"), 1) if t.strip()])


# ---------------------------------------------------------------- Markdown

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_MD_KEEP = re.compile(r"^\s{0,3}(?:\||>|```|~~~|!\[|\d+[.)]\s)")


def read_markdown(text: str) -> RawDocument:
    """Markdown: headings and list items as marked, wrapped paragraph lines joined."""
    meta: dict[str, str] = {}
    offset = 0
    if match := _FRONT.match(text):
        meta = _front_matter(match.group(1))
        offset = text[: match.end()].count("\n")
        text = text[match.end() :]
    lines: list[Line] = []
    paragraph: list[Line] = []
    fenced = False

    def flush() -> None:
        if paragraph:
            lines.append(Line(_join_wrapped([p.text for p in paragraph]), paragraph[0].number))
            paragraph.clear()

    for n, raw in enumerate(text.split("\n"), 1 + offset):
        if raw.lstrip().startswith(("```", "~~~")):
            flush()
            fenced = not fenced
            lines.append(Line(raw, n, "md"))
            continue
        if fenced:
            lines.append(Line(raw, n, "md"))
        elif not raw.strip():
            flush()
        elif heading := _MD_HEADING.match(raw):
            flush()
            level = len(heading.group(1))
            kind = "title" if level == 1 and not any(x.kind == "title" for x in lines) else "h2" if level <= 2 else "h3"
            lines.append(Line(heading.group(2), n, kind))
        elif item := _MD_ITEM.match(raw):
            flush()
            lines.append(Line(item.group(1), n, "li"))
        elif _MD_KEEP.match(raw):
            flush()
            lines.append(Line(raw.rstrip(), n, "md"))
        else:
            paragraph.append(Line(raw.strip(), n))
    flush()
    return RawDocument(lines, meta)


def _front_matter(text: str) -> dict[str, str]:
    """The string fields of a Markdown file's own front matter (title, date, source, author), read as a build would."""
    node = parse_yaml(text, "", Problems())
    entries = node.value if node is not None and node.kind == "map" else {}
    return {name: str(value.value).strip() for name, (_, value) in entries.items()  # type: ignore[union-attr]
            if name in ("title", "date", "source", "author") and value.kind == "scalar" and not value.null
            and str(value.value).strip()}


def _join_wrapped(parts: list[str]) -> str:
    """Join hard-wrapped lines: nothing between Chinese characters, a space between words."""
    out = parts[0]
    for part in parts[1:]:
        glue = " " if out[-1:].isascii() and part[:1].isascii() and out[-1:].isalnum() else ""
        out += glue + part
    return out


# ---------------------------------------------------------------- Word

def read_docx(data: bytes) -> RawDocument:
    """A Word document: paragraphs with their heading and list styles, and tables, in order."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        # SyntaxError: lxml's XMLSyntaxError for a damaged part
        raise ReadError(_("cannot open the Word document: {why}; open it in Word or WPS and save it again as .docx",
                          why=str(exc))) from None
    lines: list[Line] = []
    for n, block in enumerate(document.iter_inner_content(), 1):
        if isinstance(block, Table):
            rows = [[_cell_text(cell.text) for cell in row.cells] for row in block.rows]
            rows = [_dedupe_merged(row) for row in rows if any(row)]
            if rows:
                lines.append(Line("", n, "table", rows))
            continue
        style = (block.style.name if block.style is not None else "") or ""
        kind = _docx_kind(style, has_title=any(x.kind == "title" for x in lines), first=not lines)
        for part in (block.text or "\n".join(text_box_lines(block._p))).split("\n"):
            if part.strip():
                lines.append(Line(part, n, kind))
    return RawDocument(lines)


def _docx_kind(style: str, *, has_title: bool, first: bool) -> str:
    """Title -> title; Heading 1 -> title when first, else ##; deeper headings -> ###; lists -> items."""
    name = style.lower()
    if name == "title":
        return "h2" if has_title else "title"
    if name.startswith("heading"):
        level = int(re.sub(r"\D", "", name) or 1)
        if level == 1:
            return "title" if first and not has_title else "h2"
        return "h3"
    if name.startswith("list"):
        return "li"
    return "text"


def _cell_text(text: str) -> str:
    return " ".join(text.split())


def _dedupe_merged(row: list[str]) -> list[str]:
    """python-docx repeats a merged cell once per grid column; keep one copy."""
    out: list[str] = []
    for cell in row:
        if not (out and cell and cell == out[-1]):
            out.append(cell)
    return out
