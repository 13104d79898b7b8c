"""Reading a saved web page for import: the article's blocks, without the page around it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .document import Line, RawDocument, decode_text

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)


def decode_html(data: bytes) -> str:
    """Decode a saved page by its BOM or declared charset, else as UTF-8 or GB18030."""
    if not data.startswith(b"\xef\xbb\xbf") and (match := _CHARSET.search(data[:4096])):
        name = match.group(1).decode("ascii").lower()
        if name in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936"):
            return data.decode("gb18030", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    return decode_text(data)


_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_SKIP = frozenset(
    "script style noscript template iframe svg form button select textarea nav aside head object canvas".split()
)
_PARAGRAPH_LIKE = frozenset("p br span font strong b section h2 h3 h4 ul ol table blockquote".split())
_BLOCK = frozenset(
    "address article blockquote body center dd details div dl dt fieldset figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr html li main ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
# Class or id words of page furniture around the article (split at - and _).
_FURNITURE = frozenset(
    "nav navbar navigation menu breadcrumb breadcrumbs crumb crumbs sidebar side related relate recommend "
    "recommendation hot share sharing comment comments footer foot copyright pager pagination toolbar topbar "
    "banner friendlink friendlinks links login search ad ads advert tags print".split()
)
_INFO_WORDS = re.compile(r"来源|來源|发布时间|發布時間|发布日期|作者|浏览|瀏覽|点击|點擊|字体|字號|字号|打印|责任编辑|責任編輯")
_CONTENT_WORDS = frozenset("content article text body detail main zoom trs_editor post entry con news".split())


class _Node:
    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None) -> None:
        self.tag, self.attrs, self.children, self.parent = tag, attrs, [], parent

    def words(self) -> set[str]:
        names = f"{self.attrs.get('class', '')} {self.attrs.get('id', '')}".lower()
        return {w for w in re.split(r"[\s_-]+", names) if w} | ({names.strip()} if names.strip() else set())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    """A forgiving DOM: unclosed <p> and <li> close themselves, stray end tags are ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.stack = [self.root]
        self.title = ""
        self.meta: dict[str, str] = {}
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (values.get("name") or values.get("property") or "").lower()
            if values.get("content"):
                self.meta[key] = values["content"]
        if tag == "title":
            self._in_title = True
        top = self.stack[-1]
        if top.tag == "p" and tag in _BLOCK or top.tag == "li" and tag == "li":
            self.stack.pop()
        node = _Node(tag, values, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.stack[-1].children.append(data)


def read_html(html: str) -> RawDocument:
    """A saved page: the article's blocks, without navigation, scripts and related-article lists."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    _prune(builder.root, in_article=False)
    container = _find_article(builder.root)
    blocks = _blocks(builder.root)
    inside = [b for b in blocks if _within(b[0], container)]
    lines: list[Line] = []
    headline = next((b for b in blocks if b[0].tag == "h1"), None)
    headline = headline or next((b for b in blocks if "title" in b[0].words() and len(b[1]) <= 80), None)
    if headline is not None and not _within(headline[0], container):
        # The headline and the date/source line often sit above the article's container.
        lines.append(Line(headline[1], 1, "title"))
        start = blocks.index(headline)
        for node, text in blocks[start + 1 :]:
            if _within(node, container):
                break
            if len(text) <= 120 and re.search(r"来源|來源|发布|發布|时间|時間|日期|作者|记者|記者|\d{4}[-年./]\d", text):
                lines.append(Line(text, 1))
    elif headline is None and builder.title.strip():
        lines.append(Line(re.split(r"\s+[-_|–—]\s+|_", builder.title.strip())[0], 1, "title"))
    for node, text in inside:
        kind = _html_kind(node, has_title=any(x.kind == "title" for x in lines))
        if node.tag == "table":
            rows = _table_rows(node)
            if rows:
                lines.append(Line("", 1, "table", rows))
        else:
            lines.append(Line(text, 1, kind))
    return RawDocument(lines, _page_meta(builder.meta))


# <meta> names that CMSs use for what the page's text may not repeat.
_META_NAMES = {
    "author": "author", "contentsource": "source", "source": "source",
    "pubdate": "date", "publishdate": "date", "article:published_time": "date",
}  # fmt: skip


def _page_meta(meta: dict[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, slot in _META_NAMES.items():
        if meta.get(name, "").strip():
            found.setdefault(slot, meta[name].strip())
    return found


def _prune(node: _Node, *, in_article: bool) -> None:
    """Drop scripts, navigation and other page furniture (header/footer only outside <article>)."""
    kept: list[_Node | str] = []
    for child in node.children:
        if isinstance(child, str):
            kept.append(child)
            continue
        if child.tag in _SKIP or child.tag in ("header", "footer") and not in_article:
            continue
        if child.words() & _FURNITURE and child.tag not in ("body", "html", "article", "main"):
            continue
        _prune(child, in_article=in_article or child.tag == "article")
        kept.append(child)
    node.children = kept


def _find_article(root: _Node) -> _Node:
    """<article> if there is one, else the element holding the most paragraph text directly."""
    best, best_score = root, -1.0
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(c for c in node.children if isinstance(c, _Node))
        if node.tag == "article":
            score = 1e9 + len(node.text())
        else:
            direct = 0
            for child in node.children:
                if isinstance(child, str):
                    direct += _han(child)
                elif child.tag in _PARAGRAPH_LIKE:
                    direct += _han(child.text())
            score = direct * (1.25 if node.words() & _CONTENT_WORDS else 1.0)
            if len(set(_INFO_WORDS.findall(node.text()))) >= 2:  # 来源：… 发布时间：… 浏览次数：… is no article
                score *= 0.1
        if score > best_score:
            best, best_score = node, score
    return best


def _han(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")


def _blocks(root: _Node) -> list[tuple[_Node, str]]:
    """The page as (block element, its text) in reading order; <br> splits a block."""
    out: list[tuple[_Node, str]] = []
    current: list[str] = []
    owner: list[_Node] = [root]

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            out.append((owner[-1], text))
        current.clear()

    def walk(node: _Node) -> None:
        for child in node.children:
            if isinstance(child, str):
                current.append(child)
            elif child.tag == "br":
                flush()
            elif child.tag == "table":
                flush()
                out.append((child, ""))
            elif child.tag == "pre":  # preformatted text keeps its lines
                flush()
                out.extend((child, line.strip()) for line in child.text().split("\n") if line.strip())
            elif child.tag in _BLOCK:
                flush()
                owner.append(child)
                walk(child)
                flush()
                owner.pop()
            else:
                walk(child)

    walk(root)
    flush()
    return out


def _within(node: _Node, container: _Node) -> bool:
    current: _Node | None = node
    while current is not None:
        if current is container:
            return True
        current = current.parent
    return False


def _html_kind(node: _Node, *, has_title: bool) -> str:
    current: _Node | None = node
    while current is not None:
        if current.tag == "h1":
            return "h2" if has_title else "title"
        if current.tag == "h2":
            return "h2"
        if current.tag in ("h3", "h4", "h5", "h6"):
            return "h3"
        if current.tag == "li":
            return "li"
        current = current.parent
    return "text"


def _table_rows(table: _Node) -> list[list[str]]:
    rows: list[list[str]] = []
    stack: list[_Node] = [table]
    order: list[_Node] = []
    while stack:  # rows in document order, including those under thead/tbody
        node = stack.pop()
        if node.tag == "tr":
            order.append(node)
            continue
        stack.extend(reversed([c for c in node.children if isinstance(c, _Node)]))
    for tr in order:
        cells = [" ".join(c.text().split()) for c in tr.children if isinstance(c, _Node) and c.tag in ("td", "th")]
        if any(cells):
            rows.append(cells)
    return rows
