"""Typed, located reading of YAML mappings: one place that knows YAML 1.1's surprises."""

from __future__ import annotations

import datetime as dt
import difflib
import re

from ..errors import Problems
from ..messages import Message, _
from .nodes import Node

DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
TRUE_WORDS = {"true", "yes", "on"}
FALSE_WORDS = {"false", "no", "off"}


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> Message | str:
    """`` (did you mean "x"?)`` when a choice is close to ``word``, else ``""`` (for a message's ``{hint}``)."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return _(' (did you mean "{name}"?)', name=close[0]) if close else ""


class Fields:
    """The keys of one YAML mapping, read with their positions; problems go to ``problems``."""

    def __init__(self, node: Node | None, path: str, problems: Problems, what: Message) -> None:
        self.path, self.problems, self.what = path, problems, what
        self.line, self.col = (node.line, node.col) if node else (1, 1)
        self.entries: dict[str, tuple[Node, Node]] = {}
        if node is not None and node.kind == "map":
            self.entries = node.value  # type: ignore[assignment]
        elif node is not None and not node.null:
            self.error_at(node, _("{what} must be a mapping of keys to values", what=what))

    def error_at(self, node: Node, message: Message) -> None:
        self.problems.error(self.path, node.line, node.col, message)

    def warn_at(self, node: Node, message: Message) -> None:
        self.problems.warning(self.path, node.line, node.col, message)

    def node(self, key: str, required: bool = False) -> Node | None:
        """The value node of ``key``; None (and an error when required) if missing or empty."""
        entry = self.entries.get(key)
        if entry is None or entry[1].null:
            if required:
                at = entry[0] if entry else None
                line, col = (at.line, at.col) if at else (self.line, self.col)
                self.problems.error(self.path, line, col, _('{what} needs "{key}"', what=self.what, key=key))
            return None
        return entry[1]

    def text(self, key: str, required: bool = False) -> str | None:
        """A string, exactly as written (``NO`` stays "NO", ``0700`` stays "0700")."""
        node = self.node(key, required)
        if node is None:
            return None
        if node.kind != "scalar":
            self.error_at(node, _('"{key}" must be text, not a list', key=key) if node.kind == "seq" else
                          _('"{key}" must be text, not a mapping of keys to values', key=key))
            return None
        value = str(node.value).strip()
        if required and not value:
            self.error_at(node, _('"{key}" must not be empty', key=key))
            return None
        return value or None

    def date(self, key: str, required: bool = False) -> dt.date | None:
        """A real calendar date written YYYY-MM-DD."""
        node = self.node(key, required)
        return None if node is None else read_date(node, self.path, self.problems, key)

    def boolean(self, key: str, default: bool = False) -> bool:
        """true/false (yes/no accepted)."""
        node = self.node(key)
        if node is None:
            return default
        word = str(node.value).strip().lower() if node.kind == "scalar" else ""
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        self.error_at(node, _('"{key}" must be true or false, not "{text}"', key=key, text=node.value))
        return default

    def text_list(self, key: str) -> tuple[str, ...]:
        """A list of strings; a single string counts as a list of one."""
        node = self.node(key)
        if node is None:
            return ()
        items = node.value if node.kind == "seq" else [node]
        values = []
        for item in items:  # type: ignore[union-attr]
            if item.kind != "scalar" or item.null or not str(item.value).strip():
                self.error_at(item, _('each item of "{key}" must be text', key=key))
                continue
            values.append(str(item.value).strip())
        return tuple(dict.fromkeys(values))

    def check_known(self, allowed: tuple[str, ...]) -> None:
        """Warn about keys this kind of file does not use, suggesting the nearest known one."""
        for name, (key, _value) in self.entries.items():
            if name not in allowed:
                self.warn_at(key, _('unknown key "{name}" in {what}{hint}; it is ignored', name=name, what=self.what,
                                    hint=did_you_mean(name, allowed)))


def read_date(node: Node, path: str, problems: Problems, key: str = "date") -> dt.date | None:
    """Read a YYYY-MM-DD scalar as a date, rejecting impossible dates such as 2021-02-30."""
    text = str(node.value).strip() if node.kind == "scalar" else ""
    match = DATE.fullmatch(text)
    if not match:
        problems.error(path, node.line, node.col, _('"{key}" must be a date written YYYY-MM-DD, not "{text}"',
                                                    key=key, text=text))
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        problems.error(path, node.line, node.col, _('"{text}" is not a real date', text=text))
        return None
