"""The traditional-Chinese mirror: every page, feed and script again under ``zh-hant/``, converted (``hant``).

Characters as Taiwan and Hong Kong readers write them (OpenCC ``s2tw``: 為, 群眾, 啟), no change of
vocabulary (信息 stays 信息: the names of organisations, campaigns and documents in an official
bulletin must stay the words the organisation uses), one spelling per word, and the site's terms
(data/terms.yaml) written as given. Links in the mirror stay in the mirror; each page names its twin.
"""

from __future__ import annotations

import re

from ..hant import converter
from ..model import SiteConfig

MIRROR = "zh-hant/"
LANGUAGE = "zh-Hant"
SWITCH = re.compile(r'<a class="variant-switch"[^>]*>[^<]*</a>')


def to_traditional(text: str, terms: tuple[tuple[str, str], ...] = ()) -> str:
    """Simplified -> traditional characters (ASCII, and so tags and URLs, are left as they are)."""
    return converter(terms).convert(text)


def is_page(path: str) -> bool:
    """Whether an output path is a page that has a mirror (HTML pages and feeds, not data, assets or search)."""
    if path.startswith(("assets/", "pagefind/", MIRROR)):
        return False
    return path == "" or path.endswith(("/", ".html", "feed.xml"))


def is_script(path: str) -> bool:
    """Whether an output path is one of the site's scripts, which the mirror has its own copy of (their messages)."""
    return path.startswith("assets/") and path.endswith(".js")


def mirror_page(data: bytes, page_path: str, config: SiteConfig) -> bytes:
    """The traditional twin of one rendered page or feed: converted text, links kept in the mirror."""
    base_url, base_path, language = config.base_url, config.base_path, config.language
    text = to_traditional(data.decode("utf-8"), config.terms)
    link = re.compile("(" + re.escape(base_url) + '|="' + re.escape(base_path) + ')([^"<>\\s]*)')

    def relink(match: re.Match[str]) -> str:
        path = match.group(2).split("#", 1)[0].split("?", 1)[0]
        if not (is_page(path) or is_script(path)):
            return match.group(0)
        return match.group(1) + MIRROR + match.group(2)

    text = link.sub(relink, text)
    text = text.replace(f'lang="{language}"', f'lang="{LANGUAGE}"', 1)
    # The twins name each other: the simplified page stays where it is.
    original = re.compile(f'<link rel="alternate" hreflang="(?:{re.escape(language)}|x-default)" href="[^"]*">')
    text = original.sub(lambda m: re.sub(r'href="[^"]*"', f'href="{base_url}{page_path}"', m.group(0)), text)
    back = (f'<a class="variant-switch" href="{base_path}{page_path}" hreflang="{language}" lang="{LANGUAGE}">'
            "簡體</a>")
    text = SWITCH.sub(lambda _: back, text, count=1)
    return text.encode("utf-8")


def mirror_script(data: bytes, config: SiteConfig) -> bytes:
    """A script of the mirror: its messages (字号, 大字号…) in traditional characters, its code as it is.

    A script that is not UTF-8 text has no messages to convert and is copied as it is."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return to_traditional(text, config.terms).encode("utf-8")
