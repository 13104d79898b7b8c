"""Markdown bodies -> HTML, with a quicker inline step than stock Python-Markdown's (same HTML)."""

from __future__ import annotations

import markdown
from markdown import inlinepatterns, treeprocessors

from .sanitize import sanitize_html


class MarkupError(ValueError):
    """A Markdown body that cannot be converted; ``str()`` says why, for the site's editors."""


def make_markdown() -> markdown.Markdown:
    """A Markdown converter with the extensions bulletins use (tables, footnotes, lists)."""
    return markdown.Markdown(
        extensions=["abbr", "def_list", "fenced_code", "tables", "sane_lists", QuickInlineExtension()],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )


# What every match of Python-Markdown's own inline patterns contains, by pattern: where a text has
# none of these characters the pattern cannot match it, so trying it changes nothing.
_NEEDS = {
    inlinepatterns.BACKTICK_RE: "`", inlinepatterns.ESCAPE_RE: "\\", inlinepatterns.LINK_RE: "[",
    inlinepatterns.IMAGE_LINK_RE: "[", inlinepatterns.AUTOLINK_RE: "<", inlinepatterns.AUTOMAIL_RE: "<",
    inlinepatterns.LINE_BREAK_RE: "\n", inlinepatterns.HTML_RE: "<", inlinepatterns.ENTITY_RE: "&",
    r"\*|_": "*_",
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
    """Markdown -> HTML *not yet sanitised*: only for a cache, whose content is sanitised when read."""
    converter.reset()
    try:
        return converter.convert(text)
    except RecursionError:  # Python-Markdown recurses once per level of lists and quotes
        converter.reset()
        raise MarkupError("the Markdown is nested too deeply (hundreds of lists or quotes inside each other); "
                          "flatten it") from None
