"""Cleaning imported text: web leftovers, broken lines, pinyin glosses, half-width punctuation."""

from __future__ import annotations

import functools
import re

from .document import Line

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{HAN}]")
OPENERS = "“‘（《「『【〈("
CLOSERS = "”’）》」』】〉)"
_PAIRS = {"“": "”", "（": "）", "(": ")", "《": "》", "「": "」", "『": "』", "【": "】", "‘": "’"}
SENTENCE_END = "。！？；…!?;"


@functools.lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese with OpenCC (phrase-aware); other text unchanged."""
    return _t2s().convert(text) if text else text


def first_traditional(lines: list[Line]) -> tuple[int, int, str] | None:
    """Where the text reads as traditional Chinese: (line, col, char) of its first such character.

    A text is taken as traditional when at least 3 of its Chinese characters,
    and 3% of them, change under conversion; single forms such as 乾 or 著
    also occur in simplified text and do not count alone.
    """
    total = changed = 0
    first: tuple[int, int, str] | None = None
    for line in lines:
        text = line.text if line.kind != "table" else " ".join(" ".join(r) for r in line.cells)
        for col, char in enumerate(text, 1):
            if not _HAN.match(char):
                continue
            total += 1
            if to_simplified(char) != char:
                changed += 1
                first = first or (line.number, col, char)
    if changed >= 3 and changed >= 0.03 * total:
        return first
    return None


# ---------------------------------------------------------------- one line at a time

_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A pinyin gloss after a character: 學(xué), 習（xí）, 学习(xué xí), or numbered tones (xue2).
_PINYIN = re.compile(
    rf"(?<=[{HAN}])\s?[(（]\s*((?:[a-zü{_TONES}]+[1-5]?)(?:\s+[a-zü{_TONES}]+[1-5]?)*)\s*[)）]"
)
_PUNCT_SPACE = re.compile(r"\s+(?=[，。、；：！？”’）》」』】])|(?<=[“‘（《「『【，。、；：！？])\s+")


def clean_line(text: str) -> str:
    """Invisible characters out, spaces collapsed, pinyin glosses removed."""
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()
    return _PINYIN.sub(lambda m: "" if _is_pinyin(m.group(1)) else m.group(0), text)


def _is_pinyin(gloss: str) -> bool:
    return any(c in _TONES for c in gloss) or all(re.fullmatch(r"[a-zü]+[1-5]", w) for w in gloss.split())


_CJKISH = f"[{HAN}“”‘’（）《》「」、，。；：！？]"
_HALF_COMMA = re.compile(rf"(?<={_CJKISH}),|,(?={_CJKISH})")
_HALF_OTHER = re.compile(rf"(?<={_CJKISH})([;!?])|([;!?])(?={_CJKISH})")
_HALF_COLON = re.compile(rf"(?<={_CJKISH}):(?!//)")
_PAREN_PAIR = re.compile(r"\(([^()]*)\)")
_QUOTE_PAIR = re.compile(rf'"([^"]*[{HAN}][^"]*)"')
_FULL = {",": "，", ";": "；", "!": "！", "?": "？"}


def full_width_punctuation(text: str) -> str:
    """Half-width , : ; ! ? ( ) " next to Chinese become full-width; 1,200 and 10:30 stay."""
    text = _HALF_COMMA.sub("，", text)
    text = _HALF_OTHER.sub(lambda m: _FULL[m.group(1) or m.group(2)], text)
    text = _HALF_COLON.sub("：", text)
    text = _PAREN_PAIR.sub(lambda m: f"（{m.group(1)}）" if _HAN.search(m.group(1)) else m.group(0), text)
    text = re.sub(rf"\((?=[{HAN}])", "（", text)
    text = re.sub(rf"(?<=[{HAN}])\)", "）", text)
    text = _QUOTE_PAIR.sub(r"“\1”", text)
    return _PUNCT_SPACE.sub("", text)


# ---------------------------------------------------------------- web leftovers

# A line that starts what follows the article on a saved page; it and the rest go.
_TAIL_MARKERS = re.compile(
    r"^[【\[]?(热点文章推荐|相关文章推荐|热点推荐|热门文章|相关文章|相关阅读|相关新闻|相关链接|推荐阅读|延伸阅读|"
    r"猜你喜欢|上一篇|下一篇|责任编辑|分享到)[】\]]?\s*[:：]?"
)
_TAIL_WHOLE = re.compile(r"^[【\[]?(热点文章推荐|相关文章推荐|热点推荐|热门文章|相关文章|相关阅读|相关新闻|相关链接|推荐阅读|延伸阅读|猜你喜欢)[】\]]?\s*[:：]?\s*$")
_EMPTY_FIELD = re.compile(
    r"^[【\[]?(来源|作者|责任编辑|编辑|审核|发布时间|发表时间|发布日期|时间|日期|字号|字体|浏览次数|点击数|阅读次数|阅读量)"
    r"[】\]]?\s*[:：]?\s*$"
)
_PAGE_TOOLS = re.compile(r"^(【[^】]*(打印|关闭|字体|字号|收藏|分享|返回)[^】]*】\s*)+$|^分享到[:：]?.*$")
_URL = re.compile(r"https?://[^\s\u3000-\u303f\uff00-\uffef" + HAN + r"]*")
# Loopback, private ranges, and single-label intranet hosts (http://cms:8080/...).
_INTERNAL_HOST = re.compile(
    r"https?://(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|[^/.:\s]+[:/]|[^/.:\s]+$)"
)
# A CMS's page furniture, wherever it stands in a line: counters, the text-size and print/close buttons.
_FURNITURE = re.compile(
    r"[【\[]\s*(?:字体|字号|文字|打印|关闭|收藏|分享|返回|浏览|点击|阅读)[^】\]]{0,16}[】\]]"  # 【字体：大 中 小】【打印】
    r"|(?:浏览次数|浏览量|点击数|点击量|点击率|阅读次数|阅读量|访问量|访问次数)\s*[:：]\s*\d*\s*次?"  # 浏览次数：1024
    r"|(?:字体|字号)\s*[:：]\s*[大中小](?:\s*[大中小]){0,2}"  # 字体：大 中 小
    r"|(?:\s+(?:打印本页|关闭窗口|返回顶部|加入收藏|打印|关闭)){2,}\s*$"  # 打印 关闭 without brackets, ending a line
    r"|\s(?:打印本页|关闭窗口|返回顶部|加入收藏)\s*$"
    r"|分享到\s*[:：]?.*$"  # 分享到：微信 微博 (the share buttons, to the end of the line)
)
_CMS_ID = re.compile(r"\b[a-z]+_\d{2,}\.s?html?\b|\bnull\b|/?enpproperty|<!--|-->")


_LEADING_FIELD = re.compile(r"^[【\[]?(?:责任编辑|编辑|分享到)[】\]]?\s*[:：]?\s*[^\s【\[|｜]*[\s|｜】\]]*")
_OTHER_FIELDS = re.compile(r"(来源|发布时间|发表时间|发布日期|作者|记者|通讯员)\s*[:：]")


def strip_furniture(text: str) -> str:
    """A line without the CMS's furniture in it (浏览次数：1024, 【字体：大 中 小】, 【打印】【关闭】)."""
    if not _FURNITURE.search(to_simplified(text)):
        return text
    plain = to_simplified(text)
    kept, at = [], 0
    for match in _FURNITURE.finditer(plain):  # OpenCC keeps positions: cut the line as written
        kept.append(text[at:match.start()])
        at = match.end()
    return re.sub(r"\s{2,}", " ", "".join(kept) + text[at:]).strip()


def drop_web_leftovers(lines: list[Line]) -> list[Line]:
    """Cut related-article lists and all after them; drop CMS residue and furniture, empty fields, internal URLs.

    A line such as 责任编辑：… or 分享到 ends the article; above the article's text it is only dropped.
    """
    kept: list[Line] = []
    started = False  # the article's text has begun
    for line in lines:
        if line.kind in ("md", "table"):
            kept.append(line)
            continue
        plain = to_simplified(line.text.strip())
        if _TAIL_WHOLE.match(plain) or (_TAIL_MARKERS.match(plain) and len(plain) <= 60):
            if started:
                break
            if not _OTHER_FIELDS.search(plain):
                continue  # above the article: the line goes, not the article
            cut = _LEADING_FIELD.match(plain)  # 责任编辑：李四 发布时间：… keeps the fields after it
            line = Line(line.text[cut.end() if cut else 0:], line.number, line.kind, line.cells)
            plain = to_simplified(line.text)
        if not plain or _EMPTY_FIELD.match(plain) or _PAGE_TOOLS.match(plain):
            continue
        line = Line(strip_furniture(line.text), line.number, line.kind, line.cells)
        plain = to_simplified(line.text.strip())
        if not plain or _EMPTY_FIELD.match(plain):
            continue
        started = started or len(_HAN.findall(plain)) >= 30 or bool(re.search(r"[。！？]", plain))
        if _is_residue(line.text):
            continue
        text = _URL.sub(lambda m: "" if _INTERNAL_HOST.match(m.group(0)) else m.group(0), line.text)
        text = _CMS_ID.sub("", text).strip()
        if text:
            kept.append(Line(text, line.number, line.kind, line.cells))
    return kept


def _is_residue(text: str) -> bool:
    """A line of template dump: two or more of URL, CMS ids, comment marks, glued long digit runs."""
    if "enpproperty" in text or text.strip() in ("-->", "<!--", "null"):
        return True
    outside = _URL.sub(" ", text)  # a URL counts once, whatever ids it holds
    signals = bool(_URL.search(text)) + sum(
        bool(p.search(outside))
        for p in (
            re.compile(r"-->|<!--"),
            re.compile(r"null|\b[a-z]+_\d+\.s?html?"),
            re.compile(rf"[{HAN}]\d{{6,}}|\d{{6,}}[{HAN}a-z]"),
            re.compile(r"^\d{1,2}:\d{2}:\d{2}"),
        )
    )
    return signals >= 2


# ---------------------------------------------------------------- broken lines

_MARKER_START = re.compile(
    r"^([一二三四五六七八九十]{1,3}[、是]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、．.](?!\d)|[■●◆▲►▶★☆◇□○•·]|——)"
)
# Lines of fields (来源：…, 发布时间：…) and bare dates are never parts of a sentence.
_FIELD_START = re.compile(
    r"^[【\[（(]?\s*((稿件|文章|信息)?来源|发布|发表|更新时间|时间|日期|作者|撰稿|(本报)?记者|通讯员|责任编辑|编辑)\s*[:：]?"
    r"|^\s*(19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(\s+[\d:]+)?\s*$"
)
_CONTINUES = "，。、；：！？）」』”’》,.;:!?)"


def join_broken_lines(lines: list[Line]) -> list[Line]:
    """Rejoin lines broken inside a sentence, a quotation or a name (text lines only)."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and prev.kind == "text" and line.kind == "text":
            glue = _glue(prev.text, line.text)
            if glue is not None:
                out[-1] = Line(prev.text + glue + line.text, prev.number, "text")
                continue
        out.append(line)
    return out


def _glue(a: str, b: str) -> str | None:
    """What joins line a to line b ("" or " "), or None when b starts a new paragraph."""
    if not a or not b:
        return None
    if b[0] in _CONTINUES:
        return ""
    if _MARKER_START.match(b) or _FIELD_START.match(to_simplified(a)) or _FIELD_START.match(to_simplified(b)):
        return None
    if a[-1] in "。！？!?":
        return None  # a paragraph of a multi-paragraph quotation ends here
    if _unclosed(a):
        # A space where the page had one (slogans: “青春向党共奋进 松杨湖畔青年说”),
        # none inside a two-character name broken after its first character (易\n松).
        tail = re.split(rf"[\s{OPENERS}]", a)[-1]
        return "" if len(tail) == 1 else " "
    if a[-1] in "，、,":
        return ""
    if len(a) > 30 and (_HAN.match(a[-1]) or a[-1].isalnum()) and len(b) >= 2:
        # too long for a heading, and no sentence ends here: the page broke the line
        return ""
    return None


def _unclosed(text: str) -> bool:
    """True when a quotation mark or bracket opened in ``text`` is still open at its end."""
    depth: list[str] = []
    for char in text:
        if char in _PAIRS:
            depth.append(_PAIRS[char])
        elif depth and char == depth[-1]:
            depth.pop()
    return bool(depth)


def clean_lines(lines: list[Line]) -> list[Line]:
    """The cleaning stage after pinyin removal and conversion: leftovers, joins, punctuation."""
    lines = drop_web_leftovers(lines)
    lines = join_broken_lines(lines)
    out = []
    for line in lines:
        if line.kind == "table":
            cells = [[full_width_punctuation(clean_line(c)) for c in row] for row in line.cells]
            out.append(Line("", line.number, "table", cells))
        elif line.kind == "md":
            out.append(line)
        else:
            text = full_width_punctuation(line.text)
            if text:
                out.append(Line(text, line.number, line.kind))
    return out
