"""Simplified to traditional Chinese as readers in Taiwan and Hong Kong write it, without guessing names (pure).

OpenCC's ``s2tw`` profile writes the standard characters of Taiwan (為, 群眾, 啟, never 爲, 羣衆, 啓)
and changes no vocabulary (信息 stays 信息; ``s2twp`` would write 資訊). Around it:

- ``PHRASES``: one spelling per word across the site, where OpenCC's phrase matching would write a
  word two ways depending on its neighbours (节点扎实 -> 節點扎實 beside 紮實 elsewhere; 新征程 ->
  新徵程; 好干部 -> 好乾部; 团，并为其 -> 併為);
- ``terms``: the site's own fixed spellings (data/terms.yaml), above all names, whose characters
  OpenCC can only guess (余俊 is not 餘俊, 张中于 is not 張中於);
- ``AFTER``: two forms ``s2tw`` leaves that Taiwan does not write (飈 -> 飆, 礴 -> 礡).

A listed word is written as given wherever it occurs; the text around it is converted on its own.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable

import opencc

from .hant_tables import NOT_TAIWAN, ONE_TO_MANY, SIMPLIFIED_ONLY

PROFILE = "s2tw"

# Each entry was measured on the example site and its seeds (scripts: see the README, "Traditional Chinese").
PHRASES = {
    "扎实": "紮實",  # 紮實 as OpenCC writes it 26 times of 28; 节点扎实 (点扎 -> 點扎) gave 扎實
    "扎扎实实": "紮紮實實",
    "征程": "征程",  # 新征程: STPhrases 新征 -> 新徵 gave 新徵程 beside 百年征程; 征 of a journey is 征
    "长征": "長征",
    "干部": "幹部",  # 好干部: STPhrases 好干 -> 好乾 gave 好乾部
    "并为": "並為",  # 团，并为其颁发: STPhrases 并为 (merge into) gave 併為
    "合并为": "合併為",  # ... where merging is meant
    "归并为": "歸併為",
    "兼并为": "兼併為",
    "磅礴": "磅礡",  # Taiwan writes 磅礡 (礴 is not in Big5)
    "企业周": "企業週",  # a week is 週, as in 每週 and 週年: 服務企業週
}
AFTER = (("飈", "飆"), ("礴", "礡"))


@functools.lru_cache(maxsize=1)
def _opencc() -> opencc.OpenCC:
    return opencc.OpenCC(PROFILE)


class Converter:
    """Converts text with the phrase table and a site's terms (which win over the table)."""

    def __init__(self, terms: Iterable[tuple[str, str]] = ()) -> None:
        self.table = {**PHRASES, **dict(terms)}
        words = sorted(self.table, key=lambda word: (-len(word), word))  # the longest first: 合并为 before 并为
        self.pattern = re.compile("|".join(map(re.escape, words)))

    def convert(self, text: str) -> str:
        """``text`` in traditional characters, every listed word written as listed."""
        out, start = [], 0
        for match in self.pattern.finditer(text):
            out.append(self._plain(text[start:match.start()]))
            out.append(self.table[match.group(0)])
            start = match.end()
        out.append(self._plain(text[start:]))
        return "".join(out)

    @staticmethod
    def _plain(text: str) -> str:
        if not text:
            return ""
        text = _opencc().convert(text)
        for left, written in AFTER:  # str.replace: str.translate with a table looks up every character in Python
            text = text.replace(left, written)
        return text


@functools.lru_cache(maxsize=8)
def converter(terms: tuple[tuple[str, str], ...] = ()) -> Converter:
    """The converter of a site's terms (made once per process and set of terms)."""
    return Converter(terms)


def guessed(name: str, terms: tuple[tuple[str, str], ...] = ()) -> list[tuple[str, str]]:
    """The characters of ``name`` whose traditional form the conversion would guess (余 -> 餘), with that guess.

    Empty when ``name`` contains no character with several traditional forms that the conversion
    changes, or when a term fixes how it is written.
    """
    written = converter(terms).convert(name)
    if any(name in word or word in name for word, _ in terms) or len(written) != len(name):
        return []
    return [(a, b) for a, b in zip(name, written) if a in ONE_TO_MANY and a != b]


_MARKUP = re.compile(r"<[^>]*>")


def untraditional(text: str, allowed: str = "") -> list[tuple[int, str, str]]:
    """The characters of a mirrored page that its readers would not expect: (offset, character, what it is).

    What: "simplified" for a character only ever simplified (发, 这, 们), or the Taiwan form for one that
    OpenCC's standard writes but Taiwan writes otherwise (爲 -> "為"). Markup is skipped, and so are
    ``allowed`` characters (those a site's terms write on purpose). A character that is both simplified
    and traditional (余, 于, 干) cannot be judged alone: that is what the names check and the terms are for.
    """
    masked = _MARKUP.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    for offset, char in enumerate(masked):
        if char < "\u3400" or char in allowed:
            continue
        if char in SIMPLIFIED_ONLY:
            found.append((offset, char, "simplified"))
        elif char in NOT_TAIWAN:
            found.append((offset, char, NOT_TAIWAN[char]))
    return found
