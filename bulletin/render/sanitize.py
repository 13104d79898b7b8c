"""Safe HTML: an allowlist sanitiser for converted bodies, and summaries cut at a Chinese sentence boundary."""

from __future__ import annotations

import html
import re

import nh3

from .tidy import ALIGN, tidy

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "div",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
ALLOWED_CLASSES = {cell: set(ALIGN.values()) for cell in ("td", "th")}  # what tidy makes of a Markdown table's | :-- |
URL_SCHEMES = {"http", "https", "mailto", "tel"}
DATA_IMAGE = re.compile(r"data:image/(?:png|gif|jpeg|webp);base64,[A-Za-z0-9+/=\s]+$", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "cite"}
URL_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")  # whitespace and control characters
URL_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
SENTENCE_END = "。！？!?"
SUMMARY_LENGTH = 120


H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)


def sanitize_html(raw: str) -> str:
    """Keep only allowlisted tags, attributes and URL schemes (data: only for images).

    A body's ``# heading`` becomes an h2: the page's own title is its one h1. What is left is made valid HTML
    (``tidy``: an ``alt`` for every image, no empty link, no paragraph inside ``<b>``), which the allowlist
    leaves as it is (see ``left_as_it_is``).
    """
    return tidy(_allowed(raw))


def left_as_it_is(html: str) -> bool:
    """Whether the allowlist leaves ``html`` exactly as it is, as it does what ``sanitize_html`` made: HTML kept
    in a cache may then be used without being made again (a file planted there cannot bring a script in)."""
    return _allowed(html) == html


def _allowed(raw: str) -> str:
    return nh3.clean(
        H1.sub(r"<\1h2", raw),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES | {"data"},
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Drop URLs with a scheme outside the allowlist, as a browser would read them; data: only for images.

    nh3 checks href and src, but not cite, and reads "da<TAB>ta:" as data: while letting it through.
    """
    if attribute not in URL_ATTRIBUTES:
        return value
    compact = URL_IGNORED.sub("", value).lower()  # browsers drop tabs and newlines anywhere in a URL
    scheme = URL_SCHEME.match(compact)
    if scheme is None:
        return value  # a relative URL
    if scheme.group(1) == "data":
        return value if tag == "img" and attribute == "src" and DATA_IMAGE.match(value.strip()) else None
    return value if scheme.group(1) in URL_SCHEMES else None


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment with tags removed and whitespace folded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def first_paragraph(body_html: str) -> str:
    """The plain text of the first non-empty paragraph of rendered HTML."""
    for match in re.finditer(r"<p>(.*?)</p>", body_html, re.DOTALL):
        text = plain_text(match.group(1))
        if text:
            return text
    return plain_text(body_html)[:SUMMARY_LENGTH]


def cut_at_sentence(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """Shorten ``text`` to at most ``limit`` characters, ending at 。！？ when one is in reach."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind(mark) for mark in SENTENCE_END)
    if end >= limit // 3:
        return head[: end + 1]
    pause = max(head.rfind(mark) for mark in "；，、;,")
    return (head[:pause] if pause >= limit // 3 else head[: limit - 1]) + "……"


def summarize(body_html: str) -> str:
    """A bulletin's default summary: its first paragraph cut at a sentence boundary."""
    return cut_at_sentence(first_paragraph(body_html))
