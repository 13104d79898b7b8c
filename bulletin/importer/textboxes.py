"""Text boxes in a .docx, in reading order: a PDF converted by LibreOffice is nothing else.

LibreOffice reads a PDF into Writer as one text box per piece of a line (a comma in another font
is a box of its own), anchored in reading order. Boxes in a row at about the same height are one
line, read from left to right; a line that runs to the right margin continues on the next line of
the same size, so lines are joined back into the paragraphs (and the wrapped title) they were.
Word keeps a second, fallback copy of each text box, which is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


@dataclass(slots=True)
class _Row:
    top: int
    height: int
    parts: list[tuple[int, int, str]] = field(default_factory=list)  # (left, width, text)
    right: int = 0  # where the line ends

    @property
    def text(self) -> str:
        """The line, each piece where it stands; a glyph in another font (“ ” in a CJK line) fills the space its
        line left for it."""
        parts = sorted(self.parts)
        lines = [[left, width, list(text)] for left, width, text in parts if " " in text and len(text) > 1]
        out = []
        for left, width, text in parts:
            host = next((h for h in lines if len(text) == 1 and text != " " and h[0] < left < h[0] + h[1]), None)
            if host is None:
                out.append((left, text))
                continue
            at = round((left - host[0]) / (host[1] / len(host[2])))
            spaces = [i for i, c in enumerate(host[2]) if c == " " and abs(i - at) <= 2]
            if spaces:
                host[2][min(spaces, key=lambda i: abs(i - at))] = text
            else:
                out.append((left, text))
        joined = {h[0]: "".join(h[2]) for h in lines}
        return "".join(joined.get(left, text) for left, text in sorted(out))


def text_box_lines(paragraph: object) -> list[str]:
    """The paragraphs of the text boxes anchored in a paragraph element (a python-docx ``_p``), in reading order."""
    rows: list[_Row] = []
    for anchor in paragraph.iter(f"{WP}anchor", f"{WP}inline"):  # type: ignore[attr-defined]
        if any(ancestor.tag.endswith("}Fallback") for ancestor in anchor.iterancestors()):
            continue
        texts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for box in anchor.iter(f"{W}txbxContent")
                 for p in box.iter(f"{W}p")]
        if not texts:
            continue
        top, left = _offset(anchor, "positionV"), _offset(anchor, "positionH")
        width, height = _extent(anchor, "cx"), _extent(anchor, "cy") or 1
        if len(texts) > 1:  # a box of paragraphs (Word): each is a line of its own
            rows += [_Row(top, 0, [(0, 0, text)]) for text in texts]
            continue
        if not rows or not rows[-1].height or abs(top - rows[-1].top) >= 0.6 * rows[-1].height:
            rows.append(_Row(top, height))
        row = rows[-1]
        row.parts.append((left, width, texts[0]))
        row.right, row.height = max(row.right, left + width), max(row.height, height)
    return _paragraphs(rows)


# A PDF's text puts a space between Chinese and a number (合同引资额 166.3 亿元) where the page shows a small gap.
_GAP = re.compile(r"(?<=[\u3400-\u9fff，。、；：）”]) (?=[0-9A-Za-z])|(?<=[0-9A-Za-z%]) (?=[\u3400-\u9fff，。、；：（“])")


def _paragraphs(rows: list[_Row]) -> list[str]:
    """Rows joined where a line ran to the right margin and the next is set in the same size."""
    margin = max((row.right for row in rows), default=0)
    out: list[str] = []
    previous: _Row | None = None
    for row in rows:
        text = _GAP.sub("", row.text)
        if previous is not None and out and row.height and abs(row.height - previous.height) <= 0.1 * row.height \
                and previous.right >= margin - 3 * row.height:
            glue = " " if out[-1][-1:].isascii() and out[-1][-1:].isalnum() and text[:1].isascii() else ""
            out[-1] += glue + text
        elif text.strip():
            out.append(text)
        previous = row
    return out


def _offset(anchor: object, axis: str) -> int:
    found = anchor.find(f"{WP}{axis}/{WP}posOffset")  # type: ignore[attr-defined]
    return int(found.text) if found is not None and (found.text or "").lstrip("-").isdigit() else 0


def _extent(anchor: object, size: str) -> int:
    found = anchor.find(f"{WP}extent")  # type: ignore[attr-defined]
    return int(found.get(size, "0")) if found is not None and found.get(size, "").isdigit() else 0
