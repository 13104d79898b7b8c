"""Reading source files: encodings, line endings, YAML with positions, front matter."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Problems
from .memo import ParseMemo

try:  # libyaml is ~8x faster; its marks are the same as the pure loader's
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

SOURCE_DIRS = ("content", "data", "templates", "static")
MAX_YAML_NODES = 2_000_000  # far above a real site; guards against pathological files
MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a long bulletin is 100 KB, a unit's ten years of figures 200 KB
# Invisible characters that are not text: C0 and C1 controls but tab and newline, and two non-characters.
# YAML and XML refuse them, so they would break the front matter or the feed.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# What cannot be in a published file name: controls, a backslash, bytes that are not UTF-8 (surrogate escapes).
BAD_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\\\ud800-\udfff]")
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


def relpath(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes, for messages."""
    return path.relative_to(root).as_posix()


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


def read_text_file(found: Found, problems: Problems, memo: ParseMemo | None = None) -> TextFile | None:
    """Read and decode one source file, recording any problem (read again only if changed, with a memo)."""
    if memo is None:
        return _read_text_file(found.path, found.rel, problems)
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


@dataclass(frozen=True, slots=True)
class Found:
    """A source file found by ``walk_files``."""

    rel: str  # relative to the site root, with forward slashes
    path: str  # what to open
    stat: os.stat_result | None = None  # of a regular file found as such (not through a link)


def walk_files(folder: Path, root: Path, problems: Problems) -> list[Found]:
    """Every regular file below ``folder``, sorted by path.

    Skips dot-files; reports names that cannot be published, links that leave the site root or
    loop, and folders that cannot be read.
    """
    found: list[Found] = []
    real_root = root.resolve()
    if not folder.is_dir() or not _inside_root(folder, real_root, root, problems):
        return found
    real_folder = folder.resolve()
    visited = {real_folder}  # real paths of the folders read, so that a link loop is read once

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else folder
        problems.error(shown_path(where, root), 1, 1, f"cannot read folder: {exc.strerror}")

    real_of = {str(folder): real_folder}  # real path of each folder walked (a link's is its target's)
    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable, followlinks=True):
        here, real_here = Path(dirpath), real_of[dirpath]
        prefix = here.relative_to(root).as_posix() + "/"
        kept = []
        for name in sorted(dirnames):
            path = here / name
            if name.startswith(".") or not _publishable(path, root, problems):
                continue
            link = os.path.islink(path)
            if link and not _inside_root(path, real_root, root, problems):
                continue
            real = path.resolve() if link else real_here / name
            # A link to a folder inside this one would read that folder twice, or forever if it is an ancestor.
            if real in visited or (link and real.is_relative_to(real_folder)):
                problems.warning(relpath(path, root), 1, 1,
                                 "symbolic link leads to a folder that is read already (or a loop); it is ignored")
                continue
            visited.add(real)
            real_of[os.path.join(dirpath, name)] = real
            kept.append(name)
        dirnames[:] = kept
        for name in filenames:
            if name.startswith("."):
                continue
            file = os.path.join(dirpath, name)
            if BAD_NAME.search(name):
                _publishable(Path(file), root, problems)  # reports it
                continue
            regular = _regular_file(file)
            if regular is not None:
                found.append(Found(prefix + name, file, regular))
            elif not _inside_root(Path(file), real_root, root, problems):
                continue
            elif os.path.isfile(file):
                found.append(Found(prefix + name, file))
            else:
                problems.warning(prefix + name, 1, 1,
                                 "not a regular file (a broken link, a pipe or a device); it is ignored")
    return sorted(found, key=lambda f: f.rel.split("/"))


def _regular_file(path: str) -> os.stat_result | None:
    """The status of a regular file that is not a link (one system call: the usual case, checked first)."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    return status if stat.S_ISREG(status.st_mode) else None


def _inside_root(path: Path, real_root: Path, root: Path, problems: Problems) -> bool:
    """False (with a warning) for a symbolic link whose target is outside the site root, missing or a loop."""
    if not path.is_symlink():
        return True
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a loop of links, before Python 3.13
        problems.warning(relpath(path, root), 1, 1, "symbolic link is broken or loops; it is ignored")
        return False
    if target == real_root or real_root in target.parents:
        return True
    problems.warning(relpath(path, root), 1, 1, "symbolic link points outside the site folder; it is ignored")
    return False


def _publishable(path: Path, root: Path, problems: Problems) -> bool:
    """False (with an error) for a name with a control character, a backslash or bytes that are not UTF-8."""
    if not BAD_NAME.search(path.name):
        return True
    problems.error(shown_path(path, root), 1, 1,
                   "file name has a control character, a backslash or bytes that are not UTF-8; rename it")
    return False


def shown_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` for a message, with unprintable characters written as escapes."""
    try:
        rel = relpath(path, root)
    except ValueError:
        rel = str(path)

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode keeps it
            return f"\\x{code - 0xDC00:02x}"
        return "\\\\" if match.group() == "\\" else f"\\u{code:04x}"

    return BAD_NAME.sub(escape, rel)


def read_sources(root: Path, problems: Problems, memo: ParseMemo | None = None) -> Sources:
    """Read every source file of the site at ``root`` (with a memo, only those changed since the last time)."""
    sources = Sources(root=root)
    data = root / "data"
    real_root = root.resolve()
    for name in ("site", "metrics"):
        file = data / f"{name}.yaml"
        if file.is_file() and all(_inside_root(f, real_root, root, problems) for f in (data, file)):
            setattr(sources, name, read_text_file(Found(f"data/{name}.yaml", str(file)), problems, memo))
    for found in walk_files(data / "units", root, problems):
        if found.rel.endswith((".yaml", ".yml")) and found.rel.count("/") == 2:
            unit = read_text_file(found, problems, memo)
            _append(sources.units, unit)
            if unit is None:
                sources.unreadable_units.append(found.rel)
    for found in walk_files(root / "content", root, problems):
        if found.rel.endswith(".md"):
            kind = sources.pages if found.rel.startswith("content/pages/") and found.rel.count("/") == 2 else sources.bulletins
            _append(kind, read_text_file(found, problems, memo))
    for found in walk_files(root / "templates", root, problems):
        _append(sources.templates, read_text_file(found, problems, memo))
    sources.static = [(found.rel.removeprefix("static/"), Path(found.path))
                      for found in walk_files(root / "static", root, problems)]
    return sources


def _append(items: list[TextFile], item: TextFile | None) -> None:
    if item is not None:
        items.append(item)


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
