"""Reading source files: encodings, line endings, YAML with positions, front matter."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import yaml

from .errors import Problems
from .files import Found, find_files, kind_of, updated_files
from .memo import ParseMemo

try:  # libyaml is ~8x faster; its marks are the same as the pure loader's
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_YAML_NODES = 2_000_000  # far above a real site; guards against pathological files
MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a long bulletin is 100 KB, a unit's ten years of figures 200 KB
# Invisible characters that are not text: C0 and C1 controls but tab and newline, and two non-characters.
# YAML and XML refuse them, so they would break the front matter or the feed.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# ... and in YAML's escapes ("\x01", "\ud800") also lone surrogates, which UTF-8 cannot write.
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


@dataclass(slots=True)
class TextFile:
    """A decoded source file: its path relative to the root and its text with LF line ends."""

    path: str
    text: str


@dataclass(slots=True)
class Node:
    """A YAML node with its 1-based position; scalars keep the text as written."""

    kind: str  # "scalar", "seq" or "map"
    line: int
    col: int
    value: object  # str | list[Node] | dict[str, tuple[Node, Node]]
    quoted: bool = False
    null: bool = False

    def items(self) -> list[tuple[Node, Node]]:
        """The (key, value) pairs of a mapping node."""
        return list(self.value.values()) if self.kind == "map" else []  # type: ignore[union-attr]


@dataclass(slots=True)
class Sources:
    """Everything read from a site root, before validation."""

    root: Path
    site: TextFile | None = None
    metrics: TextFile | None = None
    units: list[TextFile] = field(default_factory=list)
    bulletins: list[TextFile] = field(default_factory=list)
    pages: list[TextFile] = field(default_factory=list)
    templates: list[TextFile] = field(default_factory=list)
    static: list[tuple[str, Path]] = field(default_factory=list)  # (relative path, file)
    unreadable_units: list[str] = field(default_factory=list)  # unit files found but not read (reported already)


def decode_source(data: bytes, path: str, problems: Problems) -> str | None:
    """Decode UTF-8 (with or without BOM); read GB18030 with a warning; LF line ends."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith(UTF16_32_BOMS) or data.count(b"\x00") > len(data) // 8:
        problems.error(path, 1, 1, "file is UTF-16 text or binary, not UTF-8 text; save it as UTF-8 in your editor")
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
    more = f" and {count - 1} more" if count > 1 else ""
    problems.warning(path, line, col, f"invisible control character U+{ord(first.group()):04X}{more} removed; "
                     "they are not text")
    return CONTROL.sub("", text)


def _decode_legacy(data: bytes, path: str, exc: UnicodeDecodeError, problems: Problems) -> str | None:
    line = data[: exc.start].count(b"\n") + 1
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        problems.error(path, line, 1, "file is not UTF-8 text (nor GB18030); save it as UTF-8 in your editor")
        return None
    if not re.search(r"[\u4e00-\u9fff]", text):
        problems.error(path, line, 1, "file is not UTF-8 text; save it as UTF-8 in your editor")
        return None
    problems.warning(
        path, line, 1,
        "file is encoded in GB18030/GBK, not UTF-8; it was read as GB18030, "
        "but please save it as UTF-8 (e.g. in Notepad: 另存为, 编码 UTF-8)",
    )
    return text


def read_text_file(found: Found, problems: Problems, memo: ParseMemo | None = None,
                   trusted: bool = False) -> TextFile | None:
    """Read and decode one source file, recording any problem.

    With a memo, a file is read again only if changed, or, when ``trusted`` not to have changed, not even looked at.
    """
    if memo is None:
        return _read_text_file(found.path, found.rel, problems)
    if trusted and memo.knows(("file", found.rel)):
        return memo.reuse(("file", found.rel), problems)
    try:
        stat = found.stat or os.stat(found.path)
    except OSError:
        return _read_text_file(found.path, found.rel, problems)  # which reports why
    return memo.read(found.rel, stat, lambda problems: _read_text_file(found.path, found.rel, problems), problems)


def _read_text_file(file: str, rel: str, problems: Problems) -> TextFile | None:
    try:
        with open(file, "rb") as stream:
            data = stream.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        problems.error(rel, 1, 1, f"cannot read file: {exc.strerror}")
        return None
    if len(data) > MAX_SOURCE_BYTES:
        problems.error(rel, 1, 1, f"file is larger than {MAX_SOURCE_BYTES // 1024 // 1024} MB, the limit for a "
                       "source file (images and attachments belong in static/)")
        return None
    text = decode_source(data, rel, problems)
    return None if text is None else TextFile(rel, text)


def read_sources(root: Path, problems: Problems, memo: ParseMemo | None = None,
                 changed: Sequence[str] | None = None) -> Sources:
    """Read every source file of the site at ``root``.

    With a memo, only files changed since the last time are read again; if ``changed`` is given as
    well (by file events), the site is not even walked: those files alone are looked at.
    """
    files = updated_files(root, memo.found, changed) if memo and memo.found is not None and changed else None
    unchanged = set(files) - set(changed) if files is not None else set()  # type: ignore[arg-type]
    if files is None:
        walked = Problems()
        files = find_files(root, walked)
        if memo is not None:
            memo.walk_problems = walked.sorted()
        problems.extend(walked)
    else:
        problems.extend(memo.walk_problems)  # type: ignore[union-attr]
    if memo is not None:
        memo.found = files
    sources = Sources(root=root)
    for rel, found_file in files.items():
        kind = kind_of(rel)
        if kind == "static":
            sources.static.append((rel.removeprefix("static/"), Path(found_file.path)))
            continue
        text = read_text_file(found_file, problems, memo, trusted=rel in unchanged)
        if kind in ("site", "metrics"):
            setattr(sources, kind, text)
        elif text is not None:
            getattr(sources, kind).append(text)
        elif kind == "units":
            sources.unreadable_units.append(rel)
    return sources


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


def parse_yaml(text: str, path: str, problems: Problems, line_offset: int = 0) -> Node | None:
    """Parse YAML into located nodes; report syntax errors, duplicate keys and aliases."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or exc.context
        if exc.context and exc.problem and exc.context.startswith("expected"):  # "expected a single document…"
            message = f"{exc.context}, {exc.problem}"
        problems.error(path, line + line_offset, col, f"YAML syntax: {_one_line(message)}")
        return None
    except yaml.YAMLError as exc:  # a reader error: a character YAML does not allow; it has no mark
        at = getattr(exc, "position", None)
        if isinstance(at, int) and _Loader is not yaml.SafeLoader:  # libyaml counts UTF-8 bytes
            at = len(text.encode("utf-8", "surrogatepass")[:at].decode("utf-8", "ignore"))
        line, col = (1, 1) if not isinstance(at, int) else (text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at))
        problems.error(path, line + line_offset, col, f"YAML: {_one_line(getattr(exc, 'reason', None) or exc)}")
        return None
    except RecursionError:
        problems.error(path, 1 + line_offset, 1, "YAML is nested too deeply")
        return None
    if root is None:
        return None
    try:
        return _NodeReader(path, problems, line_offset).read(root)
    except RecursionError:
        problems.error(path, 1 + line_offset, 1, "YAML is nested too deeply")
    except _TooLarge as exc:
        problems.error(path, exc.line, exc.col, f"YAML has more than {MAX_YAML_NODES} values; split the file")
    except _Alias as exc:  # reported once: a billion-laughs file would otherwise give a billion lines
        problems.error(path, exc.line, exc.col,
                       "YAML anchors and aliases (&name, *name) are not supported; write the value out")
    return None


def _one_line(message: object) -> str:
    """A parser's message on one line, as every problem is."""
    return " ".join(str(message).split()) or "cannot be read"


class _Refused(Exception):
    """A YAML file refused whole, at ``line``:``col``."""

    def __init__(self, path: str, line: int, col: int) -> None:
        super().__init__(path)
        self.line, self.col = line, col


class _TooLarge(_Refused):
    """More nodes than any real file has."""


class _Alias(_Refused):
    """The first alias met."""


class _NodeReader:
    """Turns PyYAML's node graph into a tree of ``Node``, refusing aliases."""

    def __init__(self, path: str, problems: Problems, line_offset: int) -> None:
        self.path, self.problems, self.offset = path, problems, line_offset
        self.seen: set[int] = set()

    def read(self, node: yaml.Node) -> Node | None:
        line, col = node.start_mark.line + 1 + self.offset, node.start_mark.column + 1
        if id(node) in self.seen:
            raise _Alias(self.path, line, col)
        if len(self.seen) >= MAX_YAML_NODES:
            raise _TooLarge(self.path, line, col)
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            plain = not node.style  # None from the pure loader, "" from libyaml
            null = plain and node.tag == "tag:yaml.org,2002:null"
            return Node("scalar", line, col, self._text(node.value, line, col), quoted=not plain, null=null)
        if isinstance(node, yaml.SequenceNode):
            items = [self.read(child) for child in node.value]
            return Node("seq", line, col, [i for i in items if i is not None])
        return self._read_mapping(node, line, col)

    def _text(self, value: str, line: int, col: int) -> str:
        """A scalar's text without control characters written as escapes ("\\x01", "\\0", "\\ud800")."""
        bad = NOT_TEXT.search(value)
        if bad is None:
            return value
        self.problems.error(self.path, line, col, f"text has an invisible control character (U+{ord(bad.group()):04X}, "
                            "written as an escape such as \\x01); remove it")
        return NOT_TEXT.sub("", value)

    def _read_mapping(self, node: yaml.MappingNode, line: int, col: int) -> Node | None:
        mapping: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = self.read(key_node)
            value = self.read(value_node)
            if key is None or value is None:
                continue
            if key.kind != "scalar":
                self.problems.error(self.path, key.line, key.col, "a key must be plain text")
                continue
            name = str(key.value)
            if name == "<<":
                self.problems.error(self.path, key.line, key.col, "YAML merge keys (<<) are not supported; write the keys out")
                continue
            if name in mapping:
                first = mapping[name][0]
                self.problems.error(
                    self.path, key.line, key.col, f'duplicate key "{name}" (first given on line {first.line})'
                )
                continue
            mapping[name] = (key, value)
        return Node("map", line, col, mapping)
