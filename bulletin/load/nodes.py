"""YAML with positions: every node keeps its line and column, scalars their text as written."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from ..errors import Problems

try:  # libyaml is ~8x faster; its marks are the same as the pure loader's
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_YAML_NODES = 2_000_000  # far above a real site; guards against pathological files
MAX_DEPTH = 100  # levels of lists and mappings inside each other; a real file has a few
TOO_DEEP = f"YAML is nested too deeply (more than {MAX_DEPTH} levels of lists and mappings inside each other)"
# Control characters written as YAML escapes ("\x01", "\ud800"): C0 and C1 controls but tab and newline,
# two non-characters and lone surrogates, which UTF-8 cannot write.
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


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



def parse_yaml(text: str, path: str, problems: Problems, line_offset: int = 0) -> Node | None:
    """Parse YAML into located nodes; report syntax errors, duplicate keys and aliases."""
    deep = too_deep(text)
    if deep is not None:  # found before parsing: the parsers' own limits and messages differ between versions
        problems.error(path, deep[0] + line_offset, deep[1], TOO_DEEP)
        return None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or exc.context
        if "nesting depth" in str(message):  # pragma: no cover - too_deep finds these first
            message = TOO_DEEP
        elif exc.context and exc.problem and exc.context.startswith("expected"):  # "expected a single document…"
            message = f"{exc.context}, {exc.problem}"
        problems.error(path, line + line_offset, col,
                       message if message == TOO_DEEP else f"YAML syntax: {_one_line(message)}")
        return None
    except yaml.YAMLError as exc:  # a reader error: a character YAML does not allow; it has no mark
        at = getattr(exc, "position", None)
        if isinstance(at, int) and _Loader is not yaml.SafeLoader:  # libyaml counts UTF-8 bytes
            at = len(text.encode("utf-8", "surrogatepass")[:at].decode("utf-8", "ignore"))
        line, col = (1, 1) if not isinstance(at, int) else (text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at))
        problems.error(path, line + line_offset, col, f"YAML: {_one_line(getattr(exc, 'reason', None) or exc)}")
        return None
    except RecursionError:  # pragma: no cover - too_deep finds these first
        problems.error(path, 1 + line_offset, 1, TOO_DEEP)
        return None
    if root is None:
        return None
    try:
        return _NodeReader(path, problems, line_offset).read(root)
    except RecursionError:  # pragma: no cover - too_deep finds these first
        problems.error(path, 1 + line_offset, 1, TOO_DEEP)
    except _TooLarge as exc:
        problems.error(path, exc.line, exc.col, f"YAML has more than {MAX_YAML_NODES} values; split the file")
    except _Alias as exc:  # reported once: a billion-laughs file would otherwise give a billion lines
        problems.error(path, exc.line, exc.col,
                       "YAML anchors and aliases (&name, *name) are not supported; write the value out")
    return None


def too_deep(text: str) -> tuple[int, int] | None:
    """(line, column) where lists and mappings are nested more than ``MAX_DEPTH`` levels; None when they are not.

    Counts flow brackets (``[`` and ``{`` outside quotes and comments, across lines) on top of the block
    levels that indentation and ``- `` items open. A real site's files nest a few levels.
    """
    if sum(text.count(mark) for mark in ("\n", "[", "{", "- ", "? ")) < MAX_DEPTH:
        return None  # the usual file: too few lines and brackets to nest that deep
    indents: list[int] = []
    flow = 0
    for number, line in enumerate(text.split("\n"), 1):
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        indent = len(line) - len(body)
        if flow == 0:  # block structure: only outside brackets
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
        depth, column = len(indents), indent + 1
        while depth <= MAX_DEPTH and (body.startswith(("- ", "? ")) or body == "-"):  # "- - x": a level a dash
            depth, column, body = depth + 1, len(line) - len(body) + 1, body[2:].lstrip(" ")
        if depth > MAX_DEPTH:
            return number, column
        flow, beyond = _flow_depth(body, flow, MAX_DEPTH - depth)
        if beyond is not None:
            return number, len(line) - len(body) + beyond + 1
    return None


def _flow_depth(text: str, depth: int, allowed: int) -> tuple[int, int | None]:
    """The flow depth after ``text`` and the index where it went beyond ``allowed`` (quotes and comments skipped)."""
    if not depth and "[" not in text and "{" not in text:
        return 0, None
    quote = ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'" and (index == 0 or text[index - 1] in " \t[{,:"):
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t"):
            break
        elif char in "[{":
            depth += 1
            if depth > allowed:
                return depth, index
        elif char in "]}" and depth:
            depth -= 1
    return depth, None


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

