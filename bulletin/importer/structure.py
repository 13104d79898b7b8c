"""Finding an imported bulletin's front matter (title, date, source, author) and heading systems."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .clean import to_simplified
from .document import Line


@dataclass(slots=True)
class Block:
    """One piece of the body: "p" paragraph, "h" heading (``level`` 2-4), "li" list item, "md", "table"."""

    kind: str
    text: str = ""
    level: int = 0
    cells: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class Structure:
    title: str | None
    date: dt.date | None
    source: str | None
    author: str | None
    blocks: list[Block]


# ---------------------------------------------------------------- dates

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?")
_CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日")
_TIME = r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?:[:：.]\d+)?"
_WEEKDAY = r"(?:星期|周|礼拜)[一二三四五六日天]"
_DATE_WORDS = r"(?:发布时间|发表时间|发布日期|更新时间|时间|日期)\s*[:：]?"
_TIME_LINE = re.compile(rf"^(?:{_TIME})(?:\S{{0,3}})?$")


def find_date(text: str) -> dt.date | None:
    """The first calendar date in ``text``: 2021-06-04, 2021/6/4, 2021年6月4日, 二〇二一年六月四日."""
    plain = text.translate(_DIGITS)
    if match := _DATE.search(plain):
        y, m, d = (int(g) for g in match.groups())
    elif match := _CN_DATE.search(plain):
        y = int("".join(str("〇一二三四五六七八九".find(c) if c != "零" else 0) for c in match.group(1)))
        m, d = _cn_small(match.group(2)), _cn_small(match.group(3))
    else:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _cn_small(text: str) -> int:
    """一 .. 三十一, as in month and day names."""
    digits = "〇一二三四五六七八九"
    if "十" not in text:
        return digits.find(text)
    tens, _, ones = text.partition("十")
    return (digits.find(tens) if tens else 1) * 10 + (digits.find(ones) if ones else 0)


def _date_only(plain: str) -> dt.date | None:
    """The date of a line that says nothing but a date (and perhaps a time or weekday)."""
    text = plain.translate(_DIGITS).strip().strip("（()）【】[]").strip()
    text = re.sub(rf"^{_DATE_WORDS}\s*", "", text)
    text = re.sub(rf"\s*{_WEEKDAY}", "", text)
    text = re.sub(rf"\s*{_TIME}$", "", text).strip()
    return find_date(text) if _DATE.fullmatch(text) or _CN_DATE.fullmatch(text) else None


# ---------------------------------------------------------------- metadata lines

_META_KEY = re.compile(
    r"(?:^|(?<=[\s|｜【\[】:：]))(?P<key>稿件来源|文章来源|信息来源|来源|稿源|发布时间|发表时间|发布日期|更新时间|时间|日期|"
    r"作者|撰稿|撰文|文|记者|通讯员|责任编辑|编辑|审核|浏览次数|点击数|阅读次数|阅读量|字号)\s*[:：]"
)
_SOURCE_KEYS = {"稿件来源", "文章来源", "信息来源", "来源", "稿源"}
_DATE_KEYS = {"发布时间", "发表时间", "发布日期", "更新时间", "时间", "日期"}
_AUTHOR_KEYS = {"作者", "撰稿", "撰文", "文", "记者", "通讯员"}
_SLOTS = (("source", _SOURCE_KEYS), ("date", _DATE_KEYS), ("author", _AUTHOR_KEYS))
_REPORTER = re.compile(r"^[（(]?\s*(?:本报|本台|本网|本刊)?(?:记者|通讯员)\s*[:：]?\s*(?P<who>[^（）()。，]{2,40}?)\s*[)）]?$")
_ROLE = re.compile(r"(?:本报|本台|本网|本刊)?(?:特约)?(?:记者|通讯员|作者|撰稿|撰文)\s*[:：]?\s*")
_ISSUE = re.compile(r"^[（(]?\s*(?:总)?第\s*[\d一二三四五六七八九十百]+\s*期\s*[)）]?(?:\s*[（(]\s*总第\s*[\d一二三四五六七八九十百]+\s*期\s*[)）])?$")
_TRAILING_PAREN = re.compile(r"^[（(]\s*(?P<who>[^（）()。！？，]{2,40}?)\s*[)）]$")
_BYLINE_AFTER = re.compile(r"(?<=[。！？!?”])\s*(?P<open>[（(])\s*(?P<who>(?!见|详见|附|注)[^（）()。！？，、；]{2,30}?)\s*[)）]$")


def _meta_fields(text: str, plain: str) -> dict[str, str] | None:
    """The fields of a line made only of ``KEY：VALUE`` parts (来源：… 发布时间：…), else None."""
    if len(plain) > 100 or "。" in plain:
        return None
    keys = list(_META_KEY.finditer(plain))
    if not keys or plain[: keys[0].start()].strip(" 【[|｜"):
        return None
    source = text if len(text) == len(plain) else plain  # OpenCC keeps positions; be safe if not
    fields: dict[str, str] = {}
    for i, key in enumerate(keys):
        end = keys[i + 1].start() if i + 1 < len(keys) else len(plain)
        value = source[key.end() : end].strip(" |｜】]【[\t")
        name = key.group("key")
        slot = next((s for s, keys in _SLOTS if name in keys), "")
        if slot and value and slot not in fields:
            fields[slot] = value
    return fields


# ---------------------------------------------------------------- front matter

_NOT_TITLE_END = "。；：，、;:,"
_MARKED = re.compile(r"^([一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、．.](?!\d)|[■●◆▲►▶★☆◇□○•])")


def find_structure(lines: list[Line], meta: dict[str, str]) -> Structure:
    """Take the front matter out of ``lines`` and classify the rest into Markdown blocks."""
    fields: dict[str, str] = dict(meta)
    date = find_date(fields.pop("date")) if "date" in fields else None
    lines = list(lines)
    date = _take_masthead(lines, fields) or date
    date = _take_meta_lines(lines, fields) or date
    title = fields.get("title") or _take_title(lines)
    byline = _take_trailing_author(lines)
    if byline and (contributed := re.fullmatch(r"(.+?)\s*(?:供稿|来稿|供稿单位)", to_simplified(byline))):
        fields.setdefault("source", byline[: len(contributed.group(1))])  # (平江县委宣传部供稿): a source
        byline = None
    author = fields.get("author") or byline
    if date is None and isinstance(fields.get("date"), str):
        date = find_date(fields["date"])
    source = fields.get("source")
    return Structure(
        title=_tidy(title),
        date=date,
        source=_tidy(source),
        author=_tidy(_ROLE.sub(" ", author)) if author else None,
        blocks=classify(lines),
    )


def _tidy(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split()).strip(" |｜")
    return text or None


def _take_masthead(lines: list[Line], fields: dict[str, str]) -> dt.date | None:
    """A bulletin's masthead (简报 / 第12期 / issuer and date): drop it, keep issuer and date."""
    head = [i for i, line in enumerate(lines[:6]) if line.kind == "text" and _ISSUE.match(to_simplified(line.text))]
    if not head or any(len(lines[i].text) > 30 for i in range(head[0])):
        return None
    date = None
    end = head[0] + 1
    for i in range(end, min(end + 2, len(lines))):
        plain = to_simplified(lines[i].text)
        found = find_date(plain)
        if found is None or len(plain) > 60 or re.search(r"[。，]", plain):
            break
        date, end = found, i + 1
        issuer = _CN_DATE.sub("", _DATE.sub("", lines[i].text.translate(_DIGITS))).strip(" 　")
        if issuer and not issuer.isdigit():
            fields.setdefault("source", issuer)
    del lines[:end]
    return date


def _take_meta_lines(lines: list[Line], fields: dict[str, str]) -> dt.date | None:
    """Date, source and author lines near the top or at the end; trailing timestamps go too."""
    date: dt.date | None = None
    # Trailing dates and times (a CMS's publication stamp) first: they may hide an author line.
    while lines and lines[-1].kind == "text":
        plain = to_simplified(lines[-1].text).translate(_DIGITS)
        found = _date_only(plain)
        if found is None and not _TIME_LINE.match(plain):
            break
        date = date or found
        lines.pop()
    edge = set(range(min(8, len(lines)))) | set(range(max(0, len(lines) - 6), len(lines)))
    drop: set[int] = set()
    for i in sorted(edge):
        line = lines[i]
        if line.kind not in ("text", "title"):
            continue
        plain = to_simplified(line.text)
        if line.kind == "text" and (found := _date_only(plain.translate(_DIGITS))):
            date = date or found
            drop.add(i)
        elif line.kind == "text" and (parts := _meta_fields(line.text, plain)) is not None:
            if "date" in parts:
                date = date or find_date(parts.pop("date"))
            for key, value in parts.items():
                fields.setdefault(key, value)
            drop.add(i)
        elif line.kind == "text" and len(plain) <= 40 and (reporter := _REPORTER.match(plain)):
            same = len(plain) == len(line.text)  # OpenCC keeps positions: take the name as written
            who = line.text[reporter.start("who") : reporter.end("who")] if same else reporter["who"]
            fields.setdefault("author", who)
            drop.add(i)
    lines[:] = [line for i, line in enumerate(lines) if i not in drop]
    return date


def _take_title(lines: list[Line]) -> str | None:
    """The title a format marked, else a short first line; a following ——subtitle joins it."""
    marked = next((i for i, line in enumerate(lines) if line.kind == "title"), None)
    if marked is not None:
        title = lines.pop(marked).text
    else:
        if len(lines) < 2 or lines[0].kind != "text":
            return None
        first = lines[0].text
        if len(first) > 50 or first[-1] in _NOT_TITLE_END or "。" in first or _MARKED.match(first):
            return None
        title = lines.pop(0).text
        marked = 0
    if marked < len(lines) and re.match(r"^(——|—|--)", lines[marked].text) and len(lines[marked].text) <= 60:
        title += "——" + lines.pop(marked).text.lstrip("—-").strip()
    return title


def _take_trailing_author(lines: list[Line]) -> str | None:
    """A byline in parentheses closing the text, alone or after the last sentence: (吉林高新区党工委办公室 张新卓)."""
    if not lines or lines[-1].kind != "text":
        return None
    last = lines[-1]
    if (match := _TRAILING_PAREN.match(last.text)) and not re.search(r"\d", match["who"]):
        lines.pop()
        return match["who"]
    if (match := _BYLINE_AFTER.search(last.text)) and not re.search(r"\d", match["who"]):
        lines[-1] = Line(last.text[: match.start("open")], last.number, last.kind)
        return match["who"]
    return None


# ---------------------------------------------------------------- headings and lists

_RANKS = (  # heading systems, outermost first: 一、 > （一） > unmarked short lines > 1、 > （1）
    (0, re.compile(r"^[一二三四五六七八九十]{1,3}、")),
    (1, re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]")),
    (3, re.compile(r"^\d{1,2}[、．.](?![\d.．])")),
    (4, re.compile(r"^[（(]\d{1,2}[)）]")),
)
_UNMARKED = 2
_BULLET = re.compile(r"^[■●◆▲►▶★☆◇□○•]\s*")
_SHORT_MAX = 30
_CLOSING = "。！？；：，、…;:,!?"


def _marked_rank(text: str) -> int | None:
    return next((rank for rank, pattern in _RANKS if pattern.match(text)), None)


def _is_short(text: str) -> bool:
    """A line that may be a heading: short, not ending like a sentence, no full stop inside."""
    return 2 <= len(text) <= _SHORT_MAX and text[-1] not in _CLOSING and "。" not in text and not _MARKED.match(text)


def _is_short_text(line: Line) -> bool:
    return line.kind == "text" and _is_short(line.text)


def _split_marked(text: str) -> tuple[str, str] | None:
    """A numbered heading alone (一、以上率下), or split from the paragraph it opens; None if neither."""
    if len(text) <= 40:
        return text.rstrip("。"), ""
    match = re.search(r"[。！？：]", text)
    if match and match.start() <= 40:
        return text[: match.start()], text[match.end() :].strip()
    return None


def classify(lines: list[Line]) -> list[Block]:
    """Lines -> blocks: numbered heading systems, short headings over a paragraph, bullets as lists."""
    pending: list[tuple[int, Block]] = []  # rank (or -1 for a fixed level) and block
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if line.kind in ("title", "h2", "h3"):
            pending.append((-1, Block("h", text, 3 if line.kind == "h3" else 2)))
        elif line.kind in ("li", "md", "table"):
            kind = {"li": "li", "md": "md", "table": "table"}[line.kind]
            pending.append((-1, Block(kind, text, 0, line.cells)))
        elif (rank := _marked_rank(text)) is not None and (parts := _split_marked(text)):
            pending.append((rank, Block("h", parts[0])))
            if parts[1]:
                pending.append((-1, Block("p", parts[1])))
        elif bullet := _BULLET.match(text):
            body = text[bullet.end() :]
            if _is_short(body) and nxt is not None and not _BULLET.match(nxt.text) and not _is_short(nxt.text):
                pending.append((_UNMARKED, Block("h", body)))
            else:
                pending.append((-1, Block("li", body)))
        elif _is_short(text) and line.kind == "text":
            group = [text]
            while i + len(group) < len(lines) and _is_short_text(lines[i + len(group)]):
                group.append(lines[i + len(group)].text)
            after = lines[i + len(group)] if i + len(group) < len(lines) else None
            if len(group) <= 2 and after is not None and after.kind == "text" and _marked_rank(after.text) is None:
                pending.append((_UNMARKED, Block("h", " ".join(group))))
            else:
                pending.extend((-1, Block("p", t)) for t in group)
            i += len(group)
            continue
        else:
            pending.append((-1, Block("p", text)))
        i += 1
    ranks = sorted({rank for rank, block in pending if rank >= 0})
    for rank, block in pending:
        if rank >= 0:
            block.level = min(2 + ranks.index(rank), 4)
    return [block for _, block in pending]


def render_markdown(blocks: list[Block], *, escape: bool) -> str:
    """Blocks as Markdown: blank lines between blocks, list items together."""
    out: list[str] = []
    previous = ""
    for block in blocks:
        if block.kind == "h":
            chunk = "#" * block.level + " " + _escape(block.text, escape)
        elif block.kind == "li":
            chunk = "- " + _escape(block.text, escape)
        elif block.kind == "table":
            chunk = _table(block.cells)
        elif block.kind == "md":
            chunk = block.text
        else:
            chunk = _escape(block.text, escape, paragraph=True)
        sep = "\n" if out and (block.kind == previous and block.kind in ("li", "md")) else "\n\n"
        out.append((sep if out else "") + chunk)
        previous = block.kind
    return "".join(out) + ("\n" if out else "")


_INLINE = re.compile(r"([\\`*_<\[\]])")
_LEADING = re.compile(r"^(#|>|[-+*]\s|\d+[.)]\s|=+\s*$|-+\s*$)")


def _escape(text: str, escape: bool, paragraph: bool = False) -> str:
    """Keep text from reading as Markdown or HTML: escape emphasis marks, '<', and leading markers."""
    if not escape:
        return text
    text = _INLINE.sub(r"\\\1", text)
    return "\\" + text if paragraph and _LEADING.match(text) else text


def _table(rows: list[list[str]]) -> str:
    width = max(len(r) for r in rows)
    padded = [[c.replace("|", "\\|") for c in r] + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(padded[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(r) + " |" for r in padded[1:]]
    return "\n".join(lines)

