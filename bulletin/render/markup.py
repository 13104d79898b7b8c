"""Markdown bodies -> HTML, with a quicker inline step than stock Python-Markdown's (same HTML).

The quick step overrides a private method of Python-Markdown's inline processor. It is used only
with the versions it was tested against and only while the private methods it relies on are
exactly as in those versions (``quick_inline_refusal``); otherwise stock Python-Markdown converts
the bodies: the same HTML, a little slower.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import textwrap

import markdown
from markdown import inlinepatterns, treeprocessors

from ..messages import Message, _
from .sanitize import sanitize_html


class MarkupError(ValueError):
    """A Markdown body that cannot be converted; ``message`` says why, for the site's editors."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def make_markdown(quick: bool = True) -> markdown.Markdown:
    """A Markdown converter with the extensions bulletins use (tables, definition lists, abbreviations), with the
    quick inline step when ``quick`` and this Python-Markdown is one it was tested with."""
    quick_step = [QuickInlineExtension()] if quick and quick_inline_refusal() is None else []
    return markdown.Markdown(
        extensions=["abbr", "def_list", "fenced_code", "tables", "sane_lists", *quick_step],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )


# Python-Markdown versions the quick inline step was tested against (make test, make test-latest).
TESTED_VERSIONS = ((3, 5), (3, 12))  # from, and up to but not including
# Digests of the private methods the quick step relies on, as in the tested versions: the loop it replaces
# (the same in all of them) and the step it calls (three forms).
KNOWN_INTERNALS = {
    "_InlineProcessor__handleInline": {"315d951c01ebe700"},
    "_InlineProcessor__applyPattern": {"29dd74a571153edf", "88c8d8589ccd7b48", "2c03e1447d67a247"},
}


@functools.cache
def quick_inline_refusal() -> str | None:
    """Why the quick inline step is not used with this Python-Markdown; None when it is."""
    version = tuple(int(part) for part in markdown.__version__.split(".")[:2] if part.isdigit())
    if not TESTED_VERSIONS[0] <= version < TESTED_VERSIONS[1]:
        low, high = (".".join(map(str, v)) for v in TESTED_VERSIONS)
        return f"Python-Markdown {markdown.__version__} is outside the versions tested ({low} to before {high})"
    for name, known in KNOWN_INTERNALS.items():
        if internals_digest(name) not in known:
            return f"Python-Markdown {markdown.__version__} has a {name.split('__')[-1]} that was not tested"
    return None


def internals_digest(name: str) -> str | None:
    """A digest of the source of the inline processor's method ``name``; None when it is missing or unreadable."""
    try:
        source = inspect.getsource(getattr(treeprocessors.InlineProcessor, name))
    except (AttributeError, OSError, TypeError):
        return None
    return hashlib.blake2b(textwrap.dedent(source).encode(), digest_size=8).hexdigest()


# What every match of Python-Markdown's own inline patterns contains, by pattern: where a text has
# none of these characters the pattern cannot match it, so trying it changes nothing.
_NEEDS = {
    inlinepatterns.BACKTICK_RE: "`", inlinepatterns.ESCAPE_RE: "\\", inlinepatterns.LINK_RE: "[",
    inlinepatterns.IMAGE_LINK_RE: "[", inlinepatterns.AUTOLINK_RE: "<", inlinepatterns.AUTOMAIL_RE: "<",
    inlinepatterns.LINE_BREAK_RE: "\n", inlinepatterns.HTML_RE: "<", inlinepatterns.ENTITY_RE: "&",
    r"\*|_": "*_",  # emphasis, Python-Markdown 3.11 and later
    r"\*": "*", "_": "_",  # emphasis, before 3.11
    getattr(inlinepatterns, "NOT_STRONG_RE", ""): "*_",  # a lone * or _, before 3.11
}


class QuickInlineProcessor(treeprocessors.InlineProcessor):
    """Python-Markdown's inline processor, which skips a pattern in a text that has none of the characters
    every match of it needs (a Chinese paragraph has none of most): the same HTML, in two thirds of the time.
    Patterns it does not know (of other extensions, or changed in another version) are always tried.
    """

    def run(self, tree, ancestors=None):  # type: ignore[no-untyped-def]
        self._patterns = list(self.inlinePatterns)
        self._needs = [_needs(p) for p in self._patterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if isinstance(data, markdown.util.AtomicString):
            return data
        start, patterns, needs = 0, self._patterns, self._needs
        while patternIndex < len(patterns):
            need = needs[patternIndex]
            if need is not None and need[0] not in data and need[-1] not in data:
                patternIndex, start = patternIndex + 1, 0  # as after a pattern tried without a match
                continue
            data, matched, start = self._InlineProcessor__applyPattern(  # type: ignore[attr-defined]
                patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def _needs(pattern: object) -> str | None:
    """One or two characters, one of which every match of ``pattern`` contains; None if not known."""
    compiled = getattr(pattern, "compiled_re", None)
    need = _NEEDS.get(compiled.pattern) if compiled is not None else None
    return need if need is None or len(need) <= 2 else None


class QuickInlineExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(QuickInlineProcessor(md), "inline", 20)


def render_markdown(converter: markdown.Markdown, text: str) -> str:
    """Markdown -> HTML sanitised against an allowlist: no script can survive."""
    return sanitize_html(convert_markdown(converter, text))


def convert_markdown(converter: markdown.Markdown, text: str) -> str:
    """Markdown -> HTML *not yet sanitised* (``sanitize_html`` makes it safe)."""
    converter.reset()
    try:
        return converter.convert(text)
    except RecursionError:  # Python-Markdown recurses once per level of lists and quotes
        converter.reset()
        raise MarkupError(_("the Markdown is nested too deeply (hundreds of lists or quotes inside each other); "
                            "flatten it")) from None
