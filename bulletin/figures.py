"""Finding the figures in running text: 800余人, 近600人, 2万余人次, 166.3亿元 (pure).

Each figure is a numeral with its qualifier and counting word (the unit); a
numeral without a counting word (常住人口112万) is still a figure, with no
unit. Dates, times, years, ordinals (第一, 一是), percentages, numerals inside
names (十九届六中全会, “四个意识”, 七一, 十四五) and idioms (千家万户) are not.
The importer finds them in what it imports; the build in bulletins, to check them against the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .model import Qualifier
from .quantities import (
    COUNTING_WORDS,
    QUALIFYING_PREFIXES,
    TRAILING_QUALIFIERS,
    QuantityError,
    parse_number,
)


@dataclass(frozen=True, slots=True)
class FoundQuantity:
    """One figure as it stands in the text, and the clause around it."""

    text: str
    value: Decimal
    qualifier: Qualifier
    unit: str | None
    context: str
    start: int = field(default=0, compare=False)  # where its text starts in the text it was found in
    sentence: tuple[int, int] = field(default=(0, 0), compare=False)  # (paragraph, sentence in it), from 0


_AR = "0123456789０１２３４５６７８９"
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN = _CN_DIGITS + "十百千万亿"
_MAGNITUDES = "百千万亿"

_UNIT_MAX = max(len(u) for u in COUNTING_WORDS)
_UNITS = frozenset(COUNTING_WORDS)

# The characters before a one-character qualifying prefix may make it part of another word (最近, 签约, 赶超).
_NOT_PREFIX = {"近": "最附临靠亲远邻就走贴", "约": "签节制预合契公条践赴相失违履邀", "超": "赶高招"}

# Names with numerals that are not figures even without quotation marks.
NAMES = (
    "两个维护", "两个确立", "四个意识", "四个自信", "四个全面", "三个代表", "八项规定", "两个一百年", "五位一体",
    "四个伟大", "两个务必", "三个务必", "四个服从", "四个坚持", "五个一", "三会一课", "两学一做", "三严三实",
    "两优一先", "三重一大", "四风", "三农", "两新", "两委", "六稳", "六保", "三大攻坚战", "一带一路",
    "两个结合", "三个服务", "四下基层", "五个必须", "三个一百年", "一百年", "一百周年",
)  # fmt: skip
IDIOMS = (
    "三番五次", "成千上万", "成百上千", "数以万计", "数以千计", "三五成群", "三三两两", "接二连三", "一五一十",
    "千篇一律", "十拿九稳", "百发百中", "七嘴八舌", "五花八门", "四面八方", "五湖四海", "千家万户", "千方百计",
    "万众一心", "千辛万苦", "千山万水", "万水千山", "千头万绪", "千丝万缕", "千军万马", "一举两得", "两手抓",
    "十全十美", "九牛一毛", "一心一意", "三心二意", "七上八下", "四通八达", "三令五申", "万无一失", "百年大计",
    "千秋万代", "亿万", "千千万万", "万紫千红", "百尺竿头", "一针一线", "一点一滴", "两张皮", "三天两头",
)  # fmt: skip
_SHORT_QUOTES = re.compile(r"“[^“”]{0,30}”|「[^「」]{0,30}」|『[^『』]{0,30}』|‘[^‘’]{0,30}’|《[^《》]*》|〈[^〈〉]*〉")
_NAME_SPANS = re.compile("|".join(sorted(map(re.escape, NAMES + IDIOMS), key=len, reverse=True)))
_PERCENT_BEFORE = re.compile(r"(百分之|千分之|万分之)$")
_VAGUE_BEFORE = re.compile(r"(数|几|若干|好几)$")
_SENTENCE_END = re.compile(r"[。！？；;!?]|\n")
_CLAUSE_END = re.compile(r"[，。；：！？;:!?|\n]|……|(?<![0-9])[.,]|[.,](?![0-9])")
_ASCII_GLUE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+-/~～×*#@_＋－／")


def find_figures(text: str, simplified: str | None = None) -> list[FoundQuantity]:
    """The figures in one paragraph, heading or line, in reading order.

    ``simplified`` is the text converted to simplified characters, if it may be traditional: the
    figures are read in it and quoted from ``text`` (a conversion that changes the length is read
    and quoted as converted).
    """
    view = text if simplified is None else simplified
    if len(view) != len(text):
        text = view
    view = view.replace("餘", "余")
    blocked = [False] * (len(view) + 1)
    for pattern in (_SHORT_QUOTES, _NAME_SPANS):
        for match in pattern.finditer(view):
            blocked[match.start() : match.end()] = [True] * (match.end() - match.start())
    out: list[FoundQuantity] = []
    i = 0
    while i < len(view):
        if (view[i] in _AR or view[i] in _CN) and not blocked[i] and not _continues_number(view, i):
            hit = _read_at(text, view, i)
            if hit is not None:
                end, quantity = hit
                if quantity is not None and not any(blocked[i:end]):
                    out.append(replace(quantity, sentence=(0, len(_SENTENCE_END.findall(view, 0, i)))))
                i = max(end, i + 1)
                continue
        i += 1
    return out


def _continues_number(view: str, i: int) -> bool:
    return i > 0 and (view[i - 1] in _AR or view[i - 1] in _CN and view[i] in _CN)


_ARABIC = re.compile(r"(?:[0-9]+(?:,[0-9]{3})*(?![0-9])|[０-９]+(?:[，,][０-９]{3})*(?![０-９]))(?:[.．][0-9０-９]+)?")


def _read_at(text: str, view: str, start: int) -> tuple[int, FoundQuantity | None] | None:
    """Read the figure whose numeral starts at ``start``: (its end, the figure or None if excluded)."""
    qualifiers: list[Qualifier] = []
    arabic = view[start] in _AR
    i = start
    if arabic:
        match = _ARABIC.match(view, i)
        assert match is not None
        i = match.end()
        if i < len(view) and view[i] in ".．" and i + 1 < len(view) and view[i + 1] in _AR:
            return _skip_run(view, i), None  # 1.2.3: a section number or version, not a figure
        if _unit_at(view, i) is None:
            inner = re.match(r"\s?[余多](?=[万亿])", view[i:])
            if inner:
                qualifiers.append(Qualifier.AT_LEAST)
                i += inner.end()
            while i < len(view) and view[i] in _MAGNITUDES and _unit_at(view, i) is None:
                i += 1
    else:
        while i < len(view) and view[i] in _CN:
            i += 1
        inner = re.match(r"[余多](?=[万亿])", view[i:])
        if inner:
            qualifiers.append(Qualifier.AT_LEAST)
            i += inner.end()
            while i < len(view) and view[i] in "万亿":
                i += 1
    core_end = i
    core = re.sub(r"[\s余多]", "", view[start:core_end])
    suffix = re.match(r"\s?[余多](?![余多])", view[i:])
    if suffix and not view.startswith(("多样", "多元", "多种", "多方", "多彩", "多么", "多少"), i + suffix.end() - 1):
        qualifiers.append(Qualifier.AT_LEAST)
        i += suffix.end()
    unit = None
    unit_start = i
    space = 1 if view[i : i + 1] == " " and _unit_at(view, i + 1) else 0
    if (found := _unit_at(view, i + space)) is not None:
        unit, unit_start = found, i + space
        i += space + len(found)
    for word, qualifier in TRAILING_QUALIFIERS:
        if view.startswith(word, i) and not view.startswith("以上率下", i):
            qualifiers.append(qualifier)
            i += len(word)
            break
    pre_start = start
    for word, qualifier in QUALIFYING_PREFIXES:
        if view.endswith(word, 0, start):
            before = view[start - len(word) - 1 : start - len(word)]
            if before and before in _NOT_PREFIX.get(word, ""):
                continue
            qualifiers.append(qualifier)
            pre_start = start - len(word)
            break
    else:
        if view[start - 1 : start] == "上" and core[:1] in _MAGNITUDES:
            qualifiers.append(Qualifier.AT_LEAST)
            pre_start = start - 1
    if _excluded(view, start, core_end, i, core, unit, arabic, bool(qualifiers)):
        return i, None
    value = _value(core, bool(qualifiers))
    if value is None:
        return i, None
    if unit == "年" and value == 100:
        return i, None  # 一百年, 建党100年: the centenary, not a count of years
    return i, FoundQuantity(
        text=text[pre_start:i],
        value=value,
        qualifier=Qualifier.combine(qualifiers),
        unit=text[unit_start : unit_start + len(unit)] if unit else None,
        context=_clause(text, pre_start, i),
        start=pre_start,
    )


def _skip_run(view: str, i: int) -> int:
    while i < len(view) and (view[i] in _AR or view[i] in ".．"):
        i += 1
    return i


def _unit_at(view: str, i: int) -> str | None:
    """The longest counting word at ``i``, if any."""
    for size in range(_UNIT_MAX, 0, -1):
        word = view[i : i + size]
        if len(word) == size and word in _UNITS:
            return word
    return None


def _excluded(
    view: str, start: int, core_end: int, end: int, core: str, unit: str | None, arabic: bool, qualified: bool
) -> bool:
    """The rules that make a numeral something other than a figure."""
    before = view[start - 1] if start else "\n"  # never "", which every `in` test would accept
    after_core = view[core_end : core_end + 1]
    after = view[end : end + 1]
    # Glued to Latin letters or formula signs: 5G, G20, 1+1+10, 3-5, 2021/06.
    if before in _ASCII_GLUE or (unit is None and after in _ASCII_GLUE) or after_core in _ASCII_GLUE:
        return True
    if before in ":：" and start >= 2 and view[start - 2] in _AR:
        return True  # the minutes of 10:30
    # Percentages and per-mille.
    rest = view[core_end:].lstrip()
    if rest[:1] in ("%", "％", "‰") or _PERCENT_BEFORE.search(view, 0, start) or rest.startswith(("个百分点", "百分点")):
        return True
    # Vague amounts: 数百, 几十, 十几个.
    if not arabic and _VAGUE_BEFORE.search(view, 0, start) or after_core == "几":
        return True
    # Ordinals: 第一, 一是, 其一, 之一; list markers 1、 (1).
    if before == "第" or view[start - 2 : start] == "第 ":
        return True
    if not arabic and (after_core == "是" or before in "其之"):
        return True
    if arabic and unit is None and after_core and after_core in "、.．)）" and before in "\n（(":
        return True
    if arabic and before in "（(" and after_core and after_core in ")）":
        return True
    # Dates, times, years and names made of a number and a word.
    word = view[core_end:].lstrip(" ")
    if unit is None or unit == "年":
        if word.startswith(("年度", "年代", "年级", "世纪")):
            return True
        if word.startswith("年") and (arabic and len(core) == 4 or not arabic and not set(core) & set("十百千万亿")):
            return True
        if unit is None and (word[:1] and word[:1] in "月日号时点分秒" or re.match(r"[:：]\d", word)):
            return True
    if word.startswith(("周年", "届", "中全会")) or (unit == "次" and view.startswith(("全会", "全体会议", "党代会", "代表大会"), end)):
        return True
    if not arabic:
        if core in ("一", "壹"):
            return True  # 一 is an article more often than a count: 一件实事, 一线, 一对一
        if unit is None and not qualified:
            return True  # 七一, 十四五, 五中, 十大: a Chinese numeral without a counting word names something
        if core[0] in _MAGNITUDES and not qualified:
            return True  # 千家, 百年: a bare 千 or 万 is a figure only as 万余, 近万, 上万
    if arabic and unit is None and not qualified:
        digits = re.sub(r"\D", "", core)
        if len(digits) >= 9 or (len(digits) > 1 and digits[0] == "0" and "." not in core):
            return True  # ids, phone numbers and codes
    return False


def _value(core: str, qualified: bool) -> Decimal | None:
    """The numeral's value: 1.4万 -> 14000, 万 (in 万余, 近万) -> 10000; None when unreadable."""
    if core and core[0] in _MAGNITUDES:
        if not qualified:
            return None
        core = "一" + core
    try:
        return parse_number(core)
    except QuantityError:
        return None


def _clause(text: str, start: int, end: int) -> str:
    """The clause around text[start:end], between punctuation marks."""
    left = 0
    for match in _CLAUSE_END.finditer(text, 0, start):
        left = match.end()
    right_match = _CLAUSE_END.search(text, end)
    right = right_match.start() if right_match else len(text)
    return text[left:right].strip(" \t")

