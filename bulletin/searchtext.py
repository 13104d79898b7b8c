"""The text of search records: HTML made plain, and plain text made into the tokens the search index holds.

Pagefind's own word segmentation misses and over-matches in Chinese. The index is given text already
cut into tokens instead: each CJK ideograph on its own, each run of ASCII letters and digits as one,
punctuation glued to the end of the token before it. The browser cuts a query the same way (a
contract with ``assets/search.js``: change both or neither), so a quoted phrase ``"党 史"`` finds
exactly the pages where 党史 is written.
"""

from __future__ import annotations

import html
import re

_IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_OTHER = f"[^\\sA-Za-z0-9{_IDEOGRAPH}]"
_SPACE_BEFORE_OTHER = re.compile(f"\\s+(?={_OTHER})")  # punctuation goes with the token before, space or not
_TOKEN = re.compile(f"(?:[{_IDEOGRAPH}]|[A-Za-z0-9]+|{_OTHER}){_OTHER}*")  # a token and the punctuation after it
_BLOCK = re.compile(r"</?(?:p|div|li|ul|ol|h[1-6]|br|hr|tr|td|th|table|thead|tbody|caption|blockquote|pre|"
                    r"figure|figcaption|dl|dt|dd|section|article)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SPACE = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\s*\n\s*")


def search_tokens(text: str) -> str:
    """``text`` as index tokens separated by one space (see the module's docstring)::

        党史学习，参与800余人次。 -> 党 史 学 习， 参 与 800 余 人 次。
    """
    return " ".join(_TOKEN.findall(_SPACE_BEFORE_OTHER.sub("", text)))


def plain_text(markup: str) -> str:
    """The words a reader sees in an HTML fragment: tags gone (a block's end as a new line), entities unescaped."""
    text = _COMMENT.sub("", markup)
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = _SPACE.sub(" ", text)
    return _LINES.sub("\n", text).strip()
