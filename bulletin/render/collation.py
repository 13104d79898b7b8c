"""Chinese names in the order readers look them up: by pinyin (重庆 chong, 长沙 chang, 厦门 xia), as
dictionaries and official lists order them; code-point order means nothing to a reader.

pypinyin reads the sound of a character from the words it is in, so polyphones in names come out right
where a collation table would give a single reading (ICU and glibc sort 长沙 as zhang, 厦门 as sha).
"""

from __future__ import annotations

import functools
from typing import Iterable

OTHER = "其他"  # the group of units without a category, always last


@functools.lru_cache(maxsize=4096)
def pinyin_key(name: str) -> tuple[tuple[str, ...], str]:
    """The sort key of a name: its pinyin with tone numbers (neutral tone 5), then the name itself for ties."""
    from pypinyin import Style, lazy_pinyin  # 0.3 s to load its dictionaries: only when a list is sorted

    return tuple(lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True)), name


def category_order(categories: Iterable[str], chosen: tuple[str, ...] = ()) -> list[str]:
    """``categories`` in the site's ``chosen`` order, the others after them by pinyin; 其他 last."""
    present = set(categories)
    first = [c for c in chosen if c in present]
    rest = sorted(present - set(first) - {OTHER}, key=pinyin_key)
    return first + rest + ([OTHER] if OTHER in present and OTHER not in first else [])
