"""Chinese quantity grammar: 800余人, 1.4万, 近万, 二十三 -> Quantity, and back to text (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, Inexact, localcontext

from .messages import Message, _
from .model import Qualifier, Quantity

EXAMPLES = _("expected a number such as 800, 800余, 1.4万 or 二十三")
NUMBER_EXAMPLES = _("expected a number such as 800, 1.4万 or 二十三")

# Full-width ASCII (０-９ ， ． Ａ-Ｚ) and the ideographic space, as pasted from Chinese documents.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Whitespace goes, except between two digits: "140 余" is 140余, but "1 200" is not guessed at.
_LOOSE_SPACE = re.compile(r"\s+(?![0-9])|(?<![0-9])\s+")
_ARABIC = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(\.[0-9]+)?")

_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "兩": 2, "贰": 2, "貳": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_NUMERALS = frozenset(_DIGITS) | frozenset(_SMALL) | frozenset(_BIG)

_AT_LEAST, _APPROX, _EXACT = Qualifier.AT_LEAST, Qualifier.APPROX, Qualifier.EXACT

# -- The vocabulary of figures, shared by this grammar and the importer's figure finder ----------------
# Words before a numeral, longest first, so that 将近 is not read as 将 + 近.
QUALIFYING_PREFIXES = (
    ("将近", _APPROX), ("接近", _APPROX), ("大约", _APPROX), ("超过", _AT_LEAST),
    ("约", _APPROX), ("近", _APPROX), ("逾", _AT_LEAST), ("超", _AT_LEAST),
)  # fmt: skip
# Words right after a numeral, before any counting word: 800余人, 80左右.
QUALIFYING_SUFFIXES = (("以上", _AT_LEAST), ("左右", _APPROX), ("上下", _APPROX), ("余", _AT_LEAST),
                       ("多", _AT_LEAST))  # fmt: skip
# Words after the counting word: 300人以上, 80人左右, 300人之多.
TRAILING_QUALIFIERS = (("以上", _AT_LEAST), ("左右", _APPROX), ("上下", _APPROX), ("之多", _AT_LEAST),
                       ("有余", _AT_LEAST))  # fmt: skip
# Counting words, compound ones first so that 人次 is not read as 人 and 平方米 not as 米.
COUNTING_WORDS = tuple(sorted(
    """人次 户次 车次 架次 场次 批次 班次 项次 家次 人 名 位 个 项 次 场 件 家 户 期 篇 份 本 部 册 条 处 所 座
    支 批 类 大类 种 套 台 辆 架 艘 张 幅 块 棵 株 间 栋 幢 层 床 例 宗 起 笔 封 首 段 则 卷 箱 袋 盒 瓶 枚 颗
    头 只 匹 趟 班 门 轮 遍 讲 课 节 堂 组 队 团 句 字 页 票 元 美元 平方公里 平方米 平米 立方米 公顷 亩
    千米 公里 米 吨 千克 公斤 斤 千瓦时 千瓦 个月 小时 分钟 天 周 年 岁 周岁 倍 人天""".split(),
    key=len, reverse=True))
# -------------------------------------------------------------------------------------------------------

# 上 before a bare 百/千/万/亿 means "reaching": 上万 -> at least 10000.
_REACHING = frozenset("百佰千仟万萬亿億")
# Words that name no definite figure: 数百, 几十, 若干.
_VAGUE = ("数", "几", "若干", "好几", "许多", "无数", "成千")
_NOT_IN_WORD = _NUMERALS | frozenset("余多")
_LARGE_NAMES = ((10**12, "万亿"), (10**8, "亿"), (10**4, "万"))
_INFINITY = Decimal("Infinity")
NEGATIVE = _("a figure cannot be negative")

_Token = tuple[str, Decimal, bool]  # kind ("num", "zero", "mult"), value, a lone digit 1-9


class QuantityError(ValueError):
    """A figure that cannot be read; ``message`` says why, in words for the site's editors."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True, slots=True)
class _Reading:
    """A figure as read: value, qualifier, and its counting word (人 in 800余人) if any."""

    value: Decimal
    qualifier: Qualifier
    word: str | None


def parse_quantity(text: str | int | float | Decimal, unit: str | None = None) -> Quantity:
    """Read a figure (9, 800余人, 1.4万, 近万, 二十三, 300余万) as a value and a qualifier."""
    if not isinstance(text, str):
        return Quantity(_from_number(text), _EXACT)
    reading = _read(text, unit)
    if unit is not None and reading.word is not None and reading.word != _compact(unit):
        raise QuantityError(_('"{text}" is counted in "{word}", but this metric counts in "{unit}"', text=text,
                              word=reading.word, unit=unit) if unit else
                            _('"{text}" is counted in "{word}", but this metric has no counting word', text=text,
                              word=reading.word))
    return Quantity(reading.value, reading.qualifier)


def parse_number(text: str) -> Decimal:
    """Read a numeral alone (11543, 1,200, 1.4万, 二十三, 3千) as an exact Decimal."""
    compact = _compact(text)
    if not compact:
        raise _cannot(text, _("the value is empty; {examples}", examples=NUMBER_EXAMPLES), noun="number")
    if compact[:1] in ("-", "−"):
        raise _cannot(text, NEGATIVE, noun="number")
    tokens, inner, end = _scan(compact, 0)
    if inner or end != len(compact):
        raise _cannot(text, _reason(compact[end:], NUMBER_EXAMPLES), noun="number")
    value, bare = _evaluate_exactly(text, tokens, noun="number")
    if bare:
        raise _cannot(text, NUMBER_EXAMPLES, noun="number")
    return value


def format_number(value: Decimal | int) -> str:
    """Write a value in plain digits, without exponent or trailing zeros (20000, 2.5)."""
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_quantity(q: Quantity | None, unit: str = "") -> str:
    """Write a figure as an official bulletin does: 11543名, 166.3亿, 2万余人次, 约300人; None is —."""
    if q is None:
        return "—"
    value = Decimal(q.value)
    with localcontext() as context:
        context.prec = 60
        if q.qualifier is _AT_LEAST:
            # Truncate, never round up: 19999 at least is 1.9万余, which is still true.
            text = (_in_large_units(value, ROUND_DOWN) if value >= 10**4 else format_number(value)) + "余"
        elif q.qualifier is _APPROX:
            text = "约" + (_in_large_units(value, ROUND_HALF_UP) if value >= 10**4 else format_number(value))
        else:
            text = _exact_text(value)
    return text + unit


def format_exactly(q: Quantity) -> str:
    """Write a figure as an office would, never rounded: 2万余, 20007余, 约600, 11543, 166.3亿."""
    if q.qualifier is _EXACT:
        return _exact_text(Decimal(q.value))
    text = _exact_text(Decimal(q.value), above=10**4)
    return text + "余" if q.qualifier is _AT_LEAST else "约" + text


def _exact_text(value: Decimal, above: int = 100_000) -> str:
    """Plain digits below ``above``; from there, 万 or 亿 when that needs at most 2 decimals (166.3亿)."""
    if value >= above:
        for size, name in _LARGE_NAMES:
            scaled = value.scaleb(-(len(str(size)) - 1))
            if value >= size and scaled == scaled.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
                return format_number(scaled) + name
    return format_number(value)


def _in_large_units(value: Decimal, rounding: str) -> str:
    """Write a value of at least 10000 in 万, 亿 or 万亿 with at most one decimal (1.2万)."""
    size, name = next((s, n) for s, n in _LARGE_NAMES if value >= s)
    scaled = value.scaleb(-(len(str(size)) - 1)).quantize(Decimal("0.1"), rounding=rounding)
    return format_number(scaled) + name


def _from_number(number: object) -> Decimal:
    """Take a figure YAML already read as a number (9, 11543, 2.5)."""
    if isinstance(number, bool) or not isinstance(number, (int, float, Decimal)):
        raise _cannot(str(number), EXAMPLES)
    value = Decimal(str(number)) if isinstance(number, float) else Decimal(number)
    if not value.is_finite():
        raise _cannot(str(number), EXAMPLES)
    if value < 0:
        raise _cannot(str(number), NEGATIVE)
    with localcontext() as context:
        context.prec = 60
        return _normal(value)


def _read(raw: str, unit: str | None) -> _Reading:
    """Read a whole figure: prefix, numeral, suffix, counting word, trailing 以上/左右."""
    text = _compact(raw)
    if not text:
        raise _cannot(raw, _("the value is empty; {examples}", examples=EXAMPLES))
    qualifiers: list[Qualifier] = []
    for word, qualifier in TRAILING_QUALIFIERS:
        if text.endswith(word) and len(text) > len(word):
            text, qualifiers = text[: -len(word)], [qualifier]
            break
    wanted = _compact(unit) if unit else ""
    if wanted and text.endswith(wanted) and len(text) > len(wanted):
        # Read the unit off first, so that 300万元 in a metric counted in 万元 is 300, not 3000000.
        try:
            reading = _read_core(raw, text[: -len(wanted)], qualifiers)
        except QuantityError:
            reading = None
        if reading is not None and reading.word is None:
            return _Reading(reading.value, reading.qualifier, wanted)
    return _read_core(raw, text, qualifiers)


def _read_core(raw: str, text: str, qualifiers: list[Qualifier]) -> _Reading:
    """Read prefix + numeral + suffix + counting word, with qualifiers found so far."""
    qualifiers = list(qualifiers)
    i = 0
    prefix = next(((w, q) for w, q in QUALIFYING_PREFIXES if text.startswith(w)), None)
    if prefix is not None:
        i = len(prefix[0])
        qualifiers.append(prefix[1])
    elif text.startswith("上") and text[1:2] in _REACHING:
        i = 1
        qualifiers.append(_AT_LEAST)
    if text.startswith(_VAGUE, i):
        raise _cannot(raw, _("it names no definite figure; {examples}", examples=EXAMPLES))
    if text[i : i + 1] in ("-", "−"):
        raise _cannot(raw, NEGATIVE)
    tokens, inner, i = _scan(text, i)
    if not tokens:
        raise _cannot(raw, EXAMPLES)
    if inner:
        qualifiers.append(_AT_LEAST)
    used: set[str] = set()
    while hit := next(((w, q) for w, q in QUALIFYING_SUFFIXES if w not in used and text.startswith(w, i)), None):
        used.add(hit[0])
        qualifiers.append(hit[1])
        i += len(hit[0])
    word = text[i:]
    if word and not (word.isalpha() and _NOT_IN_WORD.isdisjoint(word)):
        raise _cannot(raw, _reason(word, EXAMPLES))
    value, bare = _evaluate_exactly(raw, tokens, noun="quantity")
    qualifier = Qualifier.combine(qualifiers)
    if bare and qualifier is _EXACT:
        # A bare 万 is only a figure with a qualifier: 万余, 近万, 上万.
        raise _cannot(raw, EXAMPLES)
    return _Reading(value, qualifier, word or None)


def _scan(text: str, i: int) -> tuple[list[_Token], bool, int]:
    """Collect numeral tokens from text[i:]; 余/多 before 万 or 亿 (300余万) marks at least."""
    tokens: list[_Token] = []
    inner = False
    while i < len(text):
        char = text[i]
        if match := _ARABIC.match(text, i):
            digits = match[0].replace(",", "")
            tokens.append(("num", Decimal(digits), len(digits) == 1 and digits != "0"))
            i = match.end()
            continue
        if char in _DIGITS:
            value = _DIGITS[char]
            tokens.append(("num" if value else "zero", Decimal(value), value != 0))
        elif char in _SMALL or char in _BIG:
            tokens.append(("mult", Decimal(_SMALL.get(char) or _BIG[char]), False))
        elif char in "余多" and tokens and text[i + 1 : i + 2] in _BIG:
            inner = True
        else:
            break
        i += 1
    return tokens, inner, i


def _evaluate_exactly(raw: str, tokens: list[_Token], noun: str) -> tuple[Decimal, bool]:
    """Evaluate numeral tokens with enough precision that no digit is ever lost."""
    with localcontext() as context:
        context.prec = 60
        context.traps[Inexact] = True
        try:
            result = _evaluate(tokens)
            if result is None:
                raise _cannot(raw, EXAMPLES if noun == "quantity" else NUMBER_EXAMPLES, noun)
            return _normal(result[0]), result[1]
        except Inexact:
            raise _cannot(raw, _("it has too many digits"), noun) from None


def _evaluate(tokens: list[_Token]) -> tuple[Decimal, bool] | None:
    """Add up numeral tokens the Chinese way (一亿二千万, 3千5) and flag a bare leading 万; None if bad."""
    total = section = small = Decimal(0)  # the 亿 part, the 万 part, the part below 万
    pending: Decimal | None = None  # a number waiting for its multiplier
    scale = Decimal(1)  # a lone digit after a multiplier abbreviates: 一万二 is 12000
    floor = _INFINITY  # multipliers within a figure must descend
    bare = False
    for n, (kind, value, lone) in enumerate(tokens):
        prev = tokens[n - 1] if n else None
        after_zero = prev is not None and prev[0] == "zero"  # 一千零五: 零 holds the place
        if kind in ("num", "zero"):
            if pending is not None and not after_zero:
                return None  # 三四十, 二〇二一: two numbers in a row
            pending = value
            scale = prev[1] / 10 if lone and prev is not None and prev[0] == "mult" else Decimal(1)
        elif value < 10**4:  # 十, 百, 千
            if pending is not None and not after_zero:
                base = pending
            elif value == 10 or n == 0:  # 十五; a leading bare 千 as in 千余
                base, bare = Decimal(1), bare or value != 10
            else:
                return None
            if base >= 10 or base <= 0 or value >= floor:
                return None
            small, floor, pending = small + base * value, value, None
        else:  # 万, 亿
            if pending is None and not small:
                if n == 0:
                    small, bare = Decimal(1), True
                elif not (value == 10**8 and prev is not None and prev[0] == "mult" and prev[1] == 10**4):
                    return None  # only 万亿 may stack
            if pending is not None and pending * scale >= floor:
                return None
            chunk = small + (pending * scale if pending is not None else 0)
            if value == 10**4:
                if section or (total and chunk >= 10**4):
                    return None
                section = chunk * value
            else:
                if total or (section and chunk >= 10**4):
                    return None
                total, section = (section + chunk) * value, Decimal(0)
            small, floor, pending = Decimal(0), value, None
    if pending is not None:
        if pending * scale >= floor:
            return None
        small += pending * scale
    return total + section + small, bare


def _normal(value: Decimal) -> Decimal:
    """Integral values as integral Decimals (16630000000, not 1.663E+10); else no trailing zeros."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def _compact(text: str) -> str:
    """Half-width digits and punctuation; whitespace removed, except between two digits."""
    return _LOOSE_SPACE.sub("", text.translate(_WIDTH))


def _reason(rest: str, expected: Message) -> Message:
    """Say why the text stopped being a figure where it did."""
    first = rest[:1]
    if first == ".":
        return _("a number has at most one decimal point, as in 1.4万")
    if first == ",":
        return _("commas must separate groups of three digits, as in 1,200")
    if first.isspace():
        return _("a space cannot split a number; write 1200 or 1,200")
    if first == "%":
        return _("a percentage is not a count; {examples}", examples=expected)
    return expected


def _cannot(text: str, reason: Message, noun: str = "quantity") -> QuantityError:
    """The error for text that is not a figure: quote it, then say what was expected."""
    if noun == "number":
        return QuantityError(_('cannot read "{text}" as a number: {reason}', text=text, reason=reason))
    return QuantityError(_('cannot read "{text}" as a quantity: {reason}', text=text, reason=reason))
