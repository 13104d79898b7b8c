"""YAML with positions: every node keeps its line and column, scalars their text as written."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from ..errors import Problems
from ..messages import Message, _
from .slips import explain, silent_slips

try:  # libyaml is ~8x faster; its marks are the same as the pure loader's
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_YAML_NODES = 2_000_000  # far above a real site; guards against pathological files
MAX_DEPTH = 100  # levels of lists and mappings inside each other; a real file has a few
TOO_DEEP = _("YAML is nested too deeply (more than {limit} levels of lists and mappings inside each other)", limit=MAX_DEPTH)
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
    """Parse YAML into located nodes; report syntax errors (at the slip that caused them, where it is known),
    duplicate keys and aliases, and warn about the slips YAML accepts (a value in “…”)."""
    deep = too_deep(text)
    if deep is not None:  # found before parsing: the parsers' own limits and messages differ between versions
        problems.error(path, deep[0] + line_offset, deep[1], TOO_DEEP)
        return None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context
        if "nesting depth" in str(problem):  # pragma: no cover - too_deep finds these first
            problems.error(path, line + line_offset, col, TOO_DEEP)
            return None
        if exc.context and exc.problem and exc.context.startswith("expected"):  # "expected a single document…"
            problem = f"{exc.context}, {exc.problem}"
        slip = explain(text, line + line_offset, line_offset)
        if slip is not None:
            problems.error(path, slip.line, slip.col, slip.message)
        else:
            problems.error(path, line + line_offset, col, _("YAML syntax: {problem}", problem=parser_problem(str(problem))))
        return None
    except yaml.YAMLError as exc:  # a reader error: a character YAML does not allow; it has no mark
        at = getattr(exc, "position", None)
        if isinstance(at, int) and _Loader is not yaml.SafeLoader:  # libyaml counts UTF-8 bytes
            at = len(text.encode("utf-8", "surrogatepass")[:at].decode("utf-8", "ignore"))
        line, col = (1, 1) if not isinstance(at, int) else (text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at))
        problems.error(path, line + line_offset, col, _("YAML: {problem}", problem=parser_problem(
            str(getattr(exc, "reason", None) or exc))))
        return None
    except RecursionError:  # pragma: no cover - too_deep finds these first
        problems.error(path, 1 + line_offset, 1, TOO_DEEP)
        return None
    for slip in silent_slips(text, line_offset):
        problems.warning(path, slip.line, slip.col, slip.message)
    if root is None:
        return None
    try:
        return _NodeReader(path, problems, line_offset).read(root)
    except RecursionError:  # pragma: no cover - too_deep finds these first
        problems.error(path, 1 + line_offset, 1, TOO_DEEP)
    except _TooLarge as exc:
        problems.error(path, exc.line, exc.col, _("YAML has more than {limit} values; split the file",
                                                                    limit=MAX_YAML_NODES))
    except _Alias as exc:  # reported once: a billion-laughs file would otherwise give a billion lines
        problems.error(path, exc.line, exc.col,
                       _("YAML anchors and aliases (&name, *name) are not supported; write the value out"))
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


# PyYAML's (libyaml's) words for what it met, as messages for editors; others are shown as PyYAML wrote them.
_PARSER_PROBLEMS: tuple[tuple[re.Pattern[str], Message], ...] = tuple((re.compile(pattern), message) for pattern, message in (
    (r"could not find expected ':'",
     _("a line has no \":\" after its key, or a line above it is not finished (an unclosed quote)")),
    (r"mapping values are not allowed (in this context|here)",
     _("a \":\" is not allowed here: the line is indented wrongly, or a value holds \": \" "
       "(then put the whole value in double quotes)")),
    (r"block sequence entries are not allowed (in this context|here)",
     _("a list item (\"- \") cannot start here: put the list on the lines below its key, indented")),
    (r"found (a tab character that violates indentation|character '\\t' that cannot start any token|"
     r"a tab character where an indentation space is expected)",
     _("a tab is used for indentation; YAML takes only spaces")),
    (r"found character (that|'.*' that) cannot start any token",
     _("a value cannot start with this character (@, ` or a tab); put the whole value in double quotes")),
    (r"found unexpected end of stream", _("the file ends inside a quoted value: a quote is not closed")),
    (r"did not find expected key|expected <block end>, but found '<block mapping start>'",
     _("this line is indented differently from the keys above it; keys of one level start in the same column")),
    (r"did not find expected '-' indicator|expected <block end>, but found",
     _("this line is not indented as a list item or key: check its indentation and its \"- \"")),
    (r"did not find expected node content", _("a value is missing here")),
    (r"did not find expected ',' or '\]'|expected ',' or '\]'",
     _("a list in [ ] is not closed: separate its items with \",\" and end it with \"]\"")),
    (r"did not find expected ',' or '\}'|expected ',' or '\}'",
     _("a mapping in { } is not closed: separate its items with \",\" and end it with \"}\"")),
    (r"found unknown escape character",
     _("a backslash in double quotes starts an escape YAML does not know; write \\\\ or use single quotes")),
    (r"expected a single document in the stream",
     _("a line --- starts a second document; a file holds one, so remove that line")),
    (r"found undefined (alias|tag handle)",
     _("a value starting with * or ! is read as a YAML reference; put the whole value in double quotes")),
    (r"(control|special) characters are not allowed",
     _("the file holds an invisible control character; remove it")),
))


def parser_problem(problem: str) -> Message | str:
    """PyYAML's message for a syntax error, as a message for editors (on one line, as every problem is)."""
    for pattern, message in _PARSER_PROBLEMS:
        if pattern.search(problem):
            return message
    return " ".join(problem.split()) or "cannot be read"


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

    def read(self, node: yaml.Node, in_list: bool = False) -> Node | None:
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
            items = [self.read(child, in_list=True) for child in node.value]
            return Node("seq", line, col, [i for i in items if i is not None])
        return self._read_mapping(node, line, col, in_list)

    def _text(self, value: str, line: int, col: int) -> str:
        """A scalar's text without control characters written as escapes ("\\x01", "\\0", "\\ud800")."""
        bad = NOT_TEXT.search(value)
        if bad is None:
            return value
        self.problems.error(self.path, line, col, _("text has an invisible control character ({code}, written as an "
                                                    "escape such as \\x01); remove it", code="U+" + format(ord(bad.group()), "04X")))
        return NOT_TEXT.sub("", value)

    def _read_mapping(self, node: yaml.MappingNode, line: int, col: int, in_list: bool) -> Node | None:
        mapping: dict[str, tuple[Node, Node]] = {}
        lost_dash = False  # in a list, keys given again are an item that lost its "- ": said once
        for key_node, value_node in node.value:
            key = self.read(key_node)
            value = self.read(value_node)
            if key is None or value is None:
                continue
            if key.kind != "scalar":
                self.problems.error(self.path, key.line, key.col, _("a key must be plain text"))
                continue
            name = str(key.value)
            if name == "<<":
                self.problems.error(self.path, key.line, key.col,
                                    _("YAML merge keys (<<) are not supported; write the keys out"))
                continue
            if name in mapping:
                first = mapping[name][0]
                if in_list and not lost_dash:
                    self.problems.error(self.path, key.line, key.col, _(
                        'duplicate key "{name}" (first given on line {line}); if this line starts a new item of the '
                        'list, write "- " before "{name}"', name=name, line=first.line))
                elif not in_list:
                    self.problems.error(self.path, key.line, key.col, _(
                        'duplicate key "{name}" (first given on line {line})', name=name, line=first.line))
                lost_dash = lost_dash or in_list
                continue
            mapping[name] = (key, value)
        return Node("map", line, col, mapping)

