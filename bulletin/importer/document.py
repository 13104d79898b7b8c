"""What the readers of an import produce: a raw document of lines, and the errors they raise."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..messages import Message, _

# A Line is one paragraph-sized piece of the input. ``kind`` says what the format
# itself marked it as: "text" (to be classified later), "title", "h2", "h3", "li",
# "md" (Markdown to keep as written) or "table" (``cells`` holds the rows).
KINDS = ("text", "title", "h2", "h3", "li", "md", "table")


@dataclass(slots=True)
class Line:
    text: str
    number: int = 1  # 1-based line of the input where it starts (1 where unknown)
    kind: str = "text"
    cells: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class RawDocument:
    """What a reader found: lines, plus front matter a format declares itself (.md, .html meta)."""

    lines: list[Line]
    meta: dict[str, str] = field(default_factory=dict)


class ReadError(ValueError):
    """An input that cannot be read; ``line`` and ``col`` locate it where known."""

    def __init__(self, message: Message, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), else GB18030 (which covers GBK and GB2312); LF line ends."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            col = utf8_error.start - (data.rfind(b"\n", 0, utf8_error.start) + 1) + 1
            raise ReadError(_("cannot decode the file: expected UTF-8 or GB18030 text"), line, col) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
