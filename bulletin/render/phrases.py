"""Headings that break between phrases, never inside a word: BudouX's phrase boundaries as ``<wbr>``.

Browsers break Chinese between any two characters ("扎实推 / 进"). Headings are styled
``word-break: keep-all`` (no break between characters) and given a ``<wbr>`` at each phrase
boundary, found at build time by BudouX (no script in the page). BudouX is good with common words but
splits some names and set phrases ("云 | 溪区", "开展党 | 史", "走 | 深 | 走 | 实"), so its boundaries
are corrected:

- a chunk of one character joins both neighbours ("开展党 | 史 | 学习" -> "开展党史学习");
- the site's own short terms (unit names, metric labels, categories) and a few set phrases are never
  broken, and a break is allowed at their edges;
- no break where Chinese punctuation forbids one (before "，" or "”", after "“", inside "——").

A phrase longer than its line still breaks (``overflow-wrap: anywhere``): text never overflows.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from typing import Iterable

import budoux
from markupsafe import Markup

# Set phrases that BudouX splits into two-character words a reader would not break.
SET_PHRASES = ("党史", "走深走实", "学史力行", "学深悟透", "知行合一", "以上率下", "守正创新", "奋发有为", "学做结合")
LONGEST_KEPT = 6  # a term longer than this may still break where BudouX says: a long name must fit a phone's line
LETTER = re.compile(r"[\w\u3400-\u9fff\uf900-\ufaff]")
NO_BREAK_BEFORE = set("，。、；：？！）》」』】〕〉”’…—·％%,.;:?!)]}")
NO_BREAK_AFTER = set("（《「『【〔〈“‘([{—")  # a dash ("——") holds to both its neighbours
SUBTITLE = re.compile(r"(?<=\S)(——.+)$")  # 主标题——副标题: the subtitle starts at the dash
HEADING = re.compile(r"(<h([2-6])\b[^>]*>)(.*?)(</h\2>)", re.DOTALL)
TAG = re.compile(r"(<[^>]*>)")


@functools.cache
def _parser() -> budoux.Parser:
    return budoux.load_default_simplified_chinese_parser()


@dataclass(frozen=True, slots=True)
class Phrases:
    """Phrase breaking for one site: ``terms`` are its words that must stay whole (unit names, labels)."""

    terms: tuple[str, ...] = ()
    # What was found already, by text: a site's titles and names are shown on many pages. Kept in the instance
    # (not a cache keyed by it: hashing hundreds of terms for every title cost more than a look-up saves).
    _found: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)
    _headlines: dict[str, Markup] = field(default_factory=dict, compare=False, repr=False)

    def breaks(self, text: str) -> list[int]:
        """Where ``text`` may break (offsets of the characters a new line may start with), spaces aside."""
        found = self._found.get(text)
        if found is None:
            found = self._found[text] = self._find_breaks(text)
        return list(found)

    def _find_breaks(self, text: str) -> tuple[int, ...]:
        if not any("\u3400" <= ch <= "\u9fff" for ch in text):
            return ()
        bounds, offset = set(), 0
        for chunk in _parser().parse(text):
            offset += len(chunk)
            bounds.add(offset)
        fixed, inside = self._term_edges(text)
        bounds = (bounds | fixed) - inside
        bounds -= _single_letter_edges(text, bounds, fixed)
        return tuple(sorted(b for b in bounds if 0 < b < len(text) and _may_break(text, b)))

    def _term_edges(self, text: str) -> tuple[set[int], set[int]]:
        """The edges of the terms found in ``text`` (breaks allowed there) and their insides (no break)."""
        edges: set[int] = set()
        inside: set[int] = set()
        for term in _longest_first(self.terms):
            if term not in text:
                continue
            if len(term) > LONGEST_KEPT:
                for start in _occurrences(text, term):
                    edges |= {start, start + len(term)}
                continue
            for start in _occurrences(text, term):
                span = range(start + 1, start + len(term))
                if inside.isdisjoint(span) and not edges.intersection(span):
                    inside.update(span)
                    edges |= {start, start + len(term)}
        return edges - inside, inside

    def __call__(self, text: str) -> Markup:
        """``text`` escaped, with ``<wbr>`` where it may break."""
        return Markup(_with_wbr(text, self.breaks(text)))

    def headline(self, title: str) -> Markup:
        """A title with its subtitle ("——…") in a line of its own: ``<span class="subtitle">``."""
        made = self._headlines.get(title)
        if made is None:
            made = self._headlines[title] = self._headline(title)
        return made

    def _headline(self, title: str) -> Markup:
        parts = _headline_parts(title)
        if len(parts) == 1:
            return self(title)
        return Markup('<span class="title-main">{}</span><span class="subtitle">{}</span>').format(*map(self, parts))

    def headline_breaks(self, title: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """What ``headline(title)`` found, for another process's ``learn`` (a render worker's, for the parent)."""
        return tuple((part, self._found[part]) for part in _headline_parts(title) if part in self._found)

    def learn(self, found: Iterable[tuple[str, tuple[int, ...]]]) -> None:
        """Take over what another process found (``headline_breaks``), or an earlier build: the same texts need not
        be broken again."""
        self._found.update(found)

    def titles_found(self, titles: Iterable[str]) -> dict[str, tuple[int, ...]]:
        """The breaks found so far of these titles' parts (as ``headline`` breaks them), for a later build."""
        parts = {part for title in titles for part in _headline_parts(title)}
        return {part: found for part, found in self._found.items() if part in parts}

    def in_html(self, fragment: str) -> str:
        """A body's HTML with ``<wbr>`` in the text of its headings (h2 to h6)."""
        return HEADING.sub(lambda m: m.group(1) + self._html_text(m.group(3)) + m.group(4), fragment)

    def _html_text(self, inner: str) -> str:
        parts = TAG.split(inner)
        return "".join(part if part.startswith("<") else
                       _with_wbr(html.unescape(part), self.breaks(html.unescape(part))) for part in parts)


def _headline_parts(title: str) -> tuple[str, ...]:
    """A title's main title and subtitle ("——…"), or the title alone."""
    match = SUBTITLE.search(title)
    return (title,) if match is None else (title[:match.start()].rstrip(), match.group(1))


@functools.lru_cache(maxsize=16)
def _longest_first(terms: tuple[str, ...]) -> tuple[str, ...]:
    """The set phrases and a site's terms, the longest first (a site has hundreds: sorted once, not per heading)."""
    return tuple(sorted(dict.fromkeys((*SET_PHRASES, *terms)), key=len, reverse=True))


def _occurrences(text: str, term: str) -> list[int]:
    """Where ``term`` starts in ``text``, occurrences not overlapping (as ``re.finditer`` finds them)."""
    found, start = [], text.find(term)
    while start != -1:
        found.append(start)
        start = text.find(term, start + len(term))
    return found


def _with_wbr(text: str, breaks: list[int]) -> str:
    pieces, last = [], 0
    for at in breaks:
        pieces.append(html.escape(text[last:at], quote=False))
        last = at
    pieces.append(html.escape(text[last:], quote=False))
    return "<wbr>".join(pieces)


def _single_letter_edges(text: str, bounds: set[int], fixed: set[int]) -> set[int]:
    """The boundaries around chunks of a single letter (which join both neighbours), but fixed ones."""
    cuts = sorted({0, len(text), *bounds, *(m.start() for m in re.finditer(r"\s+", text)),
                   *(m.end() for m in re.finditer(r"\s+", text))})
    joined: set[int] = set()
    for start, end in zip(cuts, cuts[1:]):
        if len(LETTER.findall(text[start:end])) == 1:
            joined |= {b for b in (start, end) if b not in fixed and not _beside_space(text, b)}
    return joined


def _beside_space(text: str, at: int) -> bool:
    return (at > 0 and text[at - 1].isspace()) or (at < len(text) and text[at].isspace())


def _may_break(text: str, at: int) -> bool:
    """Whether Chinese line-breaking rules allow a line to end before ``text[at]``; spaces break by themselves."""
    before, after = text[at - 1], text[at]
    if before.isspace() or after.isspace():
        return False
    return after not in NO_BREAK_BEFORE and before not in NO_BREAK_AFTER
