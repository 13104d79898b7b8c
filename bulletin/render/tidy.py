"""Valid HTML from what the sanitiser leaves, and the page's own touches to a body (tables that scroll).

The allowlist sanitiser (nh3) removes whatever could run a script, but what it keeps of hostile or
broken input can still be invalid HTML that the Nu HTML Checker reports and that screen readers
stumble on: an image without ``alt`` or ``src``, a link left without its address, a list item outside
a list, a paragraph inside ``<b>``. ``tidy`` repairs the tree: it never adds markup that could run a
script, it only removes, unwraps or fills in.

- ``img`` without ``src`` is dropped; without ``alt`` it gets ``alt=""`` (decorative, as Word pastes them);
- ``a`` without ``href`` is unwrapped (its text stays); an element that phrasing content may not hold
  (``b`` around a ``p``, a ``div`` in a heading) is unwrapped, keeping its content;
- list items outside a list go into one, text directly in a list into an item;
- elements that show nothing (an empty ``b``, ``span``, ``a`` or heading) are dropped;
- numbers that must be numbers (``colspan``, ``width``) and addresses that must be addresses are checked;
- alignment of Markdown table cells (``| ---: |``, the obsolete ``align``) becomes a class of the theme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

VOID = frozenset({"br", "img", "hr", "col", "wbr"})
TRANSPARENT = frozenset({"a", "del", "ins"})  # content model of their parent
PHRASING = frozenset({"abbr", "b", "br", "cite", "code", "em", "i", "img", "kbd", "mark", "q", "s", "small", "span",
                      "strong", "sub", "sup", "u", "wbr"}) | TRANSPARENT
PHRASING_ONLY = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "pre"}) | (PHRASING - TRANSPARENT)
NO_HEADINGS = frozenset({"dt", "th"})  # flow content, but no heading inside
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
SHOWS_NOTHING_EMPTY = HEADINGS | (PHRASING - {"br", "img", "wbr"})
ITEM_OF = {"ul": "li", "ol": "li"}
LISTS = frozenset({*ITEM_OF, "dl"})  # text directly inside one is out of place
NUMBERS = {"colspan": (1, 1000), "rowspan": (0, 65534), "span": (1, 1000), "width": (0, 10**6),
           "height": (0, 10**6), "start": (-(10**9), 10**9)}
URLS = frozenset({"href", "src", "cite"})
ALIGN = {"left": "align-left", "center": "align-center", "right": "align-right"}
SCOPES = frozenset({"row", "col", "rowgroup", "colgroup"})
# Code points HTML forbids in a document: controls other than white space, and non-characters.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff"
                       "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0010fffe\U0010ffff]")
HOST = re.compile(r"(?:[\w-]+\.)*[\w-]+\.?(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")
URL_UNSAFE = re.compile(r"[\x00-\x20\"<>\\^`{|}\x7f]|%(?![0-9A-Fa-f]{2})")
TABLE = re.compile(r"<table\b")


@dataclass(slots=True)
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)


def tidy(fragment: str) -> str:
    """Sanitised HTML made valid (see the module's docstring)."""
    fragment = FORBIDDEN.sub("", fragment)
    if not _may_need_repair(fragment):  # what Markdown makes by itself: valid already, and not worth a parse
        return CELL_ALIGN.sub(lambda m: f'<{m.group(1)} class="{ALIGN[m.group(2)]}">', fragment)
    root = parse(fragment)
    root.children = _tidy_children(root, Place())
    return serialize(root.children)


def scrolling_tables(fragment: str) -> str:
    """Each table of a body in a box that scrolls sideways on its own, so that the page does not."""
    if not TABLE.search(fragment):
        return fragment
    opening = ('<div class="table-scroll" tabindex="0" role="region" aria-label="表格">'
               '<p class="scroll-hint" aria-hidden="true">左右滑动查看全表 →</p>')
    return TABLE.sub(opening + "<table", fragment).replace("</table>", "</table></div>")


# -- the quick look: most bodies are plain Markdown, whose HTML is valid -------------------------------

TAG_TOKEN = re.compile(r"<(/?)([a-z][a-z0-9]*)\b([^>]*)>")
CHECKED_ATTRIBUTE = re.compile(r"\b(?:align|colspan|rowspan|span|width|height|start|scope|cite)=")
BAD_HREF = re.compile(r'(?:href|src)="(?:[^"]*(?:[\s\\^`{|}<>]|%(?![0-9A-Fa-f]{2})|&(?!amp;))'
                      r'|https?:(?!//[\w.-]+(?::\d+)?[/?#"]))')  # an escaped character (&lt;) is one too
EMPTY = re.compile(r"<(" + "|".join(sorted(SHOWS_NOTHING_EMPTY)) + r")\b[^>]*>\s*</\1>")
LIST_OF = {"li": ("ul", "ol"), "dt": ("dl",), "dd": ("dl",), "figcaption": ("figure",)}
CELL_ALIGN = re.compile(r'<(th|td) align="(left|center|right)">')  # a Markdown table's | ---: |, as it makes it


def _may_need_repair(fragment: str) -> bool:
    """Whether anything ``tidy`` repairs could be in ``fragment``: a quick scan of its tags, no tree."""
    if BAD_HREF.search(fragment) or EMPTY.search(fragment):
        return True
    stack: list[str] = []
    last = 0
    for match in TAG_TOKEN.finditer(fragment):
        closing, tag, attrs = match.groups()
        if stack and stack[-1] in LISTS and fragment[last:match.start()].strip():
            return True  # text directly in a list
        last = match.end()
        if closing:
            if tag in stack:
                del stack[len(stack) - 1 - stack[::-1].index(tag):]
            continue
        if tag == "img" or (tag == "a" and "href=" not in attrs) \
                or (CHECKED_ATTRIBUTE.search(attrs) and not CELL_ALIGN.fullmatch(match.group())) \
                or (tag in LIST_OF and (not stack or stack[-1] not in LIST_OF[tag])) \
                or (tag not in PHRASING and any(open_tag in PHRASING_ONLY for open_tag in stack)) \
                or (tag in HEADINGS and any(open_tag in NO_HEADINGS for open_tag in stack)):
            return True
        if tag not in VOID:
            stack.append(tag)
    return False


# -- the tree -----------------------------------------------------------------------------------

class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root")
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        children = self.open[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def parse(fragment: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(fragment)
    builder.close()
    return builder.root


# The escapes of HTML's serialisation algorithm, as html5ever (and so nh3) writes them.
TEXT_ESCAPES = str.maketrans({"&": "&amp;", "\u00a0": "&nbsp;", "<": "&lt;", ">": "&gt;"})
ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "\u00a0": "&nbsp;", '"': "&quot;"})


def serialize(nodes: list[Element | str]) -> str:
    """The tree as HTML, escaped as the sanitiser (html5ever) escapes it: what it leaves unchanged."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node.translate(TEXT_ESCAPES))
            continue
        attrs = "".join(f' {name}="{value.translate(ATTRIBUTE_ESCAPES)}"' for name, value in node.attrs.items())
        out.append(f"<{node.tag}{attrs}>")
        if node.tag not in VOID:
            out.append(serialize(node.children))
            out.append(f"</{node.tag}>")
    return "".join(out)


# -- the repairs --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Place:
    """What the children of an element may be: phrasing only, or any flow; headings or not."""

    phrasing: bool = False
    headings: bool = True

    def inside(self, tag: str) -> Place:
        return Place(self.phrasing or tag in PHRASING_ONLY, self.headings and tag not in NO_HEADINGS)


def _tidy_children(parent: Element, place: Place) -> list[Element | str]:
    """``parent``'s children repaired for where they are."""
    result: list[Element | str] = []
    for child in parent.children:
        result.extend(_tidy_node(child, parent.tag, place))
    if not place.phrasing:  # where only phrasing may be, lists are unwrapped, not made
        result = _into_lists(parent.tag, result)
    return _figure_captions(result) if parent.tag == "figure" else result


def _tidy_node(node: Element | str, parent: str, place: Place) -> list[Element | str]:
    """One node repaired: itself, or what replaces it (its children when unwrapped, nothing when dropped)."""
    if isinstance(node, str):
        return [node] if node else []
    tag = node.tag
    _fix_attributes(node)
    if tag == "img":
        return [node] if node.attrs.get("src") else []
    node.children = _tidy_children(node, place.inside(tag))
    if (tag == "a" and "href" not in node.attrs) or (place.phrasing and tag not in PHRASING) \
            or (tag in HEADINGS and not place.headings) or (tag == "figcaption" and parent != "figure"):
        return node.children  # unwrapped: the element may not be here (or is no link), its content stays
    if tag in SHOWS_NOTHING_EMPTY and not _shows_something(node):
        return []
    return [node]


def _into_lists(parent: str, children: list[Element | str]) -> list[Element | str]:
    """List items outside a list go into one, text and other elements directly in a list into an item; a term
    or description outside a list of terms is unwrapped, and a list of terms out of order becomes a ``div``."""
    fixed: list[Element | str] = []
    made: set[int] = set()  # the lists and items made here, which take the next orphans too

    def add_to_new(tag: str, child: Element | str) -> None:
        last = fixed[-1] if fixed else None
        if isinstance(last, Element) and id(last) in made and last.tag == tag:
            last.children.append(child)
        else:
            fixed.append(Element(tag, {}, [child]))
            made.add(id(fixed[-1]))

    for child in children:
        tag = child.tag if isinstance(child, Element) else None
        if parent in ITEM_OF:
            if tag == "li" or (tag is None and not child.strip()):  # type: ignore[union-attr]
                fixed.append(child)
            else:
                add_to_new(ITEM_OF[parent], child)
        elif tag == "li":
            add_to_new("ul", child)
        elif tag in ("dt", "dd") and parent != "dl":
            fixed.extend(child.children)  # type: ignore[union-attr]
        elif tag == "dl" and not _terms_in_order(child):  # type: ignore[arg-type]
            child.tag = "div"  # type: ignore[union-attr]
            for item in child.children:  # type: ignore[union-attr]
                if isinstance(item, Element) and item.tag in ("dt", "dd"):
                    item.tag = "div"
            fixed.append(child)
        else:
            fixed.append(child)
    return fixed


def _terms_in_order(dl: Element) -> bool:
    """Whether a list of terms is groups of terms (dt) each followed by descriptions (dd), and nothing else."""
    kinds = {"dt": "t", "dd": "d"}
    sequence = "".join(kinds.get(c.tag, "x") if isinstance(c, Element) else "x" if c.strip() else ""
                       for c in dl.children)
    return re.fullmatch(r"(t+d+)*", sequence) is not None


def _figure_captions(children: list[Element | str]) -> list[Element | str]:
    """A figure's caption must be its first or last child: any other is unwrapped."""
    elements = [i for i, c in enumerate(children) if isinstance(c, Element) or c.strip()]
    ends = {elements[0], elements[-1]} if elements else set()
    fixed: list[Element | str] = []
    for i, child in enumerate(children):
        if isinstance(child, Element) and child.tag == "figcaption" and i not in ends:
            fixed.extend(child.children)
        else:
            fixed.append(child)
    return fixed


def _shows_something(node: Element) -> bool:
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                return True
        elif child.tag in ("img", "br", "hr") or _shows_something(child):
            return True
    return False


def _fix_attributes(node: Element) -> None:
    attrs = node.attrs
    for name in list(attrs):
        value: str | None = FORBIDDEN.sub("", attrs[name])
        if name in NUMBERS:
            value = _number(value, *NUMBERS[name])  # type: ignore[arg-type]
        elif name in URLS:
            value = _url(value)  # type: ignore[arg-type]
        elif name == "scope":
            value = value.strip().lower() if value.strip().lower() in SCOPES else None  # type: ignore[union-attr]
        elif name == "align":
            if value.strip().lower() in ALIGN:  # type: ignore[union-attr]
                attrs["class"] = ALIGN[value.strip().lower()]  # type: ignore[union-attr]
            value = None
        if value is None:
            del attrs[name]
        else:
            attrs[name] = value
    if node.tag == "img":
        attrs.setdefault("alt", "")
    if node.tag == "colgroup" and "span" in attrs and any(isinstance(c, Element) for c in node.children):
        del attrs["span"]  # a colgroup has a span or col elements, not both


def _number(value: str, low: int, high: int) -> str | None:
    text = value.strip()
    if not re.fullmatch(r"-?\d{1,10}", text):
        return None
    number = int(text)
    return str(number) if low <= number <= high else None


def _url(value: str) -> str | None:
    """An address as HTML allows it: spaces and other unsafe characters percent-encoded; None when it cannot be
    one (an http address without a host)."""
    text = URL_UNSAFE.sub(lambda m: quote(m.group(), safe=""), value.strip(" \t\n\f\r"))
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    if scheme and scheme.group(1).lower() in ("http", "https"):
        rest = text[scheme.end():]
        host = re.split(r"[/?#]", rest[2:], maxsplit=1)[0].rsplit("@", 1)[-1] if rest.startswith("//") else ""
        if not HOST.fullmatch(host):
            return None
    return text
