"""Reading source files: encodings, line endings, front matter."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol, Sequence, TypeVar

from ..errors import Problems, SourceError
from ..messages import _, os_reason
from .files import Found, find_files, kind_of, updated_files
from .recall import Recall

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a long bulletin is 100 KB, a unit's ten years of figures 200 KB
# Invisible characters that are not text: C0 and C1 controls but tab and newline, and two non-characters.
# YAML and XML refuse them, so they would break the front matter or the feed.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
FILES_PER_CHUNK = 250  # source files a worker reads (or parses) at a time

S = TypeVar("S")
R = TypeVar("R")


class Each(Protocol):
    """How loading does the same to many files: ``work(state, chunk)`` over ``range(total)``, the results in order
    (the build passes one that forks workers; without it, everything is done here)."""

    def __call__(self, work: Callable[[S, range], list[R]], state: S, total: int) -> list[R]: ...


Parsed = tuple[object, list[SourceError]]  # what a worker made of one file, and the problems it found


@dataclass(slots=True)
class TextFile:
    """A decoded source file: its path relative to the root and its text with LF line ends."""

    path: str
    text: str


class KnownFile:
    """A bulletin's file whose status says it is as an earlier build read it (``ReadBefore.known_file``): its
    digest and where its body starts are known, and its text is read only when asked for."""

    __slots__ = ("path", "file", "digest", "body_line", "_text")

    def __init__(self, path: str, file: str, digest: str, body_line: int) -> None:
        self.path, self.file, self.digest, self.body_line = path, file, digest, body_line  # ``path`` as TextFile's
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The file's text, read and decoded as any source file is (its problems were reported when it was first
        read; a file gone since is empty)."""
        if self._text is None:
            read = _read_text_file(self.file, self.path, Problems())
            self._text = read.text if read is not None else ""
        return self._text

    def body(self) -> LaterBody:
        return LaterBody(self)


class LaterBody:
    """The Markdown body of a ``KnownFile``, read from it when first asked for (``model.Unread``)."""

    __slots__ = ("file",)

    def __init__(self, file: KnownFile) -> None:
        self.file = file

    def read(self) -> str:
        return split_front_matter(self.file.text)[1]

    def __eq__(self, other: object) -> bool:
        """The same file's, or equal to the text of the body (which it then reads)."""
        if isinstance(other, LaterBody):
            return (other.file.path, other.file.digest) == (self.file.path, self.file.digest)
        return isinstance(other, str) and self.read() == other

    def __hash__(self) -> int:
        return hash(self.read())  # as its text's: a bulletin hashes as one read whole would

    def __repr__(self) -> str:
        return f"LaterBody({self.file.path!r}, {self.file.digest!r})"


Known = Callable[[str, os.stat_result], tuple[str, int] | None]  # a file's digest and body line, if read before


@dataclass(slots=True)
class Sources:
    """Everything read from a site root, before validation."""

    root: Path
    site: TextFile | None = None
    metrics: TextFile | None = None
    terms: TextFile | None = None  # data/terms.yaml: how the traditional mirror writes names and terms
    units: list[TextFile] = field(default_factory=list)
    bulletins: list[TextFile | KnownFile] = field(default_factory=list)
    pages: list[TextFile] = field(default_factory=list)
    templates: list[TextFile] = field(default_factory=list)
    static: list[tuple[str, Path]] = field(default_factory=list)  # (relative path, file)
    unreadable_units: list[str] = field(default_factory=list)  # unit files found but not read (reported already)
    status: dict[str, os.stat_result] = field(default_factory=dict)  # bulletins' files read without a warning: their
    # status as the walk found it


def decode_source(data: bytes, path: str, problems: Problems) -> str | None:
    """Decode UTF-8 (with or without BOM); read GB18030 with a warning; LF line ends."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith(UTF16_32_BOMS) or data.count(b"\x00") > len(data) // 8:
        problems.error(path, 1, 1, _("file is UTF-16 text or binary, not UTF-8 text; save it as UTF-8 in your editor"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = _decode_legacy(data, path, exc, problems)
        if text is None:
            return None
    return drop_control_characters(text.replace("\r\n", "\n").replace("\r", "\n"), path, problems)


def drop_control_characters(text: str, path: str, problems: Problems) -> str:
    """Remove invisible control characters (pasted from Word, or a stray NUL), with a warning at the first."""
    first = CONTROL.search(text)
    if first is None:
        return text
    at = first.start()
    line, col = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
    count = len(CONTROL.findall(text))
    code = f"U+{ord(first.group()):04X}"
    problems.warning(path, line, col, _("invisible control character {code} and {more} more removed; they are not text",
                                        code=code, more=count - 1) if count > 1 else
                     _("invisible control character {code} removed; it is not text", code=code))
    return CONTROL.sub("", text)


def _decode_legacy(data: bytes, path: str, exc: UnicodeDecodeError, problems: Problems) -> str | None:
    line = data[: exc.start].count(b"\n") + 1
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        problems.error(path, line, 1, _("file is not UTF-8 text (nor GB18030); save it as UTF-8 in your editor"))
        return None
    if not re.search(r"[\u4e00-\u9fff]", text):
        problems.error(path, line, 1, _("file is not UTF-8 text; save it as UTF-8 in your editor"))
        return None
    problems.warning(
        path, line, 1,
        _("file is encoded in GB18030/GBK, not UTF-8; it was read as GB18030, "
          "but please save it as UTF-8 (e.g. in Notepad: 另存为, 编码 UTF-8)"),
    )
    return text


def read_text_file(found: Found, problems: Problems, recall: Recall | None = None,
                   trusted: bool = False) -> TextFile | None:
    """Read and decode one source file, recording any problem.

    With a recall, a file is read again only if changed, or, when ``trusted`` not to have changed, not even looked at.
    """
    if recall is None:
        return _read_text_file(found.path, found.rel, problems)
    if trusted and recall.knows(("file", found.rel)):
        return recall.reuse(("file", found.rel), problems)  # type: ignore[return-value]
    return recall.read(found, lambda problems: _read_text_file(found.path, found.rel, problems), problems)


def _read_text_file(file: str, rel: str, problems: Problems) -> TextFile | None:
    try:
        with open(file, "rb") as stream:
            data = stream.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        problems.error(rel, 1, 1, _("cannot read file: {why}", why=os_reason(exc)))
        return None
    if len(data) > MAX_SOURCE_BYTES:
        problems.error(rel, 1, 1, _("file is larger than {size} MB, the limit for a source file "
                                    "(images and attachments belong in static/)", size=MAX_SOURCE_BYTES // 1024 // 1024))
        return None
    text = decode_source(data, rel, problems)
    return None if text is None else TextFile(rel, text)


def read_sources(root: Path, problems: Problems, recall: Recall | None = None,
                 changed: Sequence[str] | None = None, each: Each | None = None,
                 read_before: Known | None = None) -> Sources:
    """Read every source file of the site at ``root`` (with ``each``, many at a time, when there is no recall).

    With a recall, only files changed since the last load are read again; if ``changed`` is given as
    well (by file events), the site is not even walked: those files alone are looked at. A bulletin's file
    whose status ``read_before`` finds as an earlier build read it is not read (a ``KnownFile``).
    """
    known = recall.found if recall is not None else None
    files = updated_files(root, known, changed) if known is not None and changed else None
    unchanged = set(files) - set(changed) if files is not None else set()  # type: ignore[arg-type]
    if files is None:
        walked = Problems()
        files = find_files(root, walked)
        if recall is not None:
            recall.walk_problems = walked.sorted()
        problems.extend(walked)
    else:
        problems.extend(recall.walk_problems)  # type: ignore[union-attr]
    if recall is not None:
        recall.found = files
    sources = Sources(root=root)
    unread: dict[str, KnownFile] = {}
    for rel, found_file in files.items():
        if found_file.stat is not None and kind_of(rel) == "bulletins":
            sources.status[rel] = found_file.stat
            seen = read_before(rel, found_file.stat) if read_before is not None else None
            if seen is not None:
                unread[rel] = KnownFile(rel, found_file.path, *seen)
    read_ahead = None
    if each is not None and recall is None:
        texts = [found_file for rel, found_file in files.items() if kind_of(rel) != "static" and rel not in unread]
        read_ahead = iter(each(read_files, texts, len(texts)))
    for rel, found_file in files.items():
        kind = kind_of(rel)
        if kind == "static":
            sources.static.append((rel.removeprefix("static/"), Path(found_file.path)))
            continue
        found: list[SourceError] = []
        if rel in unread:  # remembered by a recall as if read (its next load finds the same file)
            text = unread[rel] if recall is None else recall.read(found_file, lambda _: unread[rel], Problems())
        elif read_ahead is not None:
            text, found = next(read_ahead)
            problems.extend(found)
        else:
            reading = Problems()
            text = read_text_file(found_file, reading, recall, trusted=rel in unchanged)
            found = reading.items
            problems.extend(reading)
        if found:  # read with a warning (its encoding, say): read, and warned about, on every build
            sources.status.pop(rel, None)
        if kind in ("site", "metrics", "terms"):
            setattr(sources, kind, text)
        elif text is not None:
            getattr(sources, kind).append(text)
        elif kind == "units":
            sources.unreadable_units.append(rel)
    return sources


def read_files(files: list[Found], chunk: range) -> list[tuple[TextFile | None, list[SourceError]]]:
    """Read and decode ``files[chunk]``, each with the problems found in it (work for ``Each``)."""
    out = []
    for found in files[chunk.start:chunk.stop]:
        problems = Problems()
        text = _read_text_file(found.path, found.rel, problems)
        out.append((text, problems.items))
    return out


FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split ``---`` front matter from a Markdown text.

    Returns (front matter or None, body, line number of the body's first line).
    """
    if not re.match(r"---[ \t]*\n", text):
        return None, text, 1
    start = text.index("\n") + 1
    end = FRONT_MATTER_END.search(text, start)
    if end is None:
        return text[start:], "", text.count("\n") + 2
    front = text[start : end.start()]
    body_start = text.find("\n", end.end())
    body = "" if body_start < 0 else text[body_start + 1 :]
    return front, body, text[: len(text) - len(body)].count("\n") + 1
