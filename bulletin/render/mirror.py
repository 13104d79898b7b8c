"""The traditional-Chinese mirror: every page again under ``zh-hant/``, converted with OpenCC.

Profile ``s2t`` (OpenCC's standard traditional characters) converts characters and the phrases
whose characters differ, but does not swap mainland words for Taiwanese or Hong Kong ones
(``s2twp`` would turn 信息 into 資訊 and 软件 into 軟體): the names of organisations, campaigns
and documents in an official bulletin must stay the words the organisation uses.
"""

from __future__ import annotations

import functools
import re

import opencc

MIRROR = "zh-hant/"
LANGUAGE = "zh-Hant"
PROFILE = "s2t"
SWITCH = re.compile(r'<a class="variant-switch"[^>]*>[^<]*</a>')


@functools.lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC(PROFILE)


def to_traditional(text: str) -> str:
    """Simplified -> traditional characters (ASCII, and so tags and URLs, are left as they are)."""
    return _converter().convert(text)


def is_page(path: str) -> bool:
    """Whether an output path is a page that has a mirror (HTML pages and feeds, not data, assets or search)."""
    if path.startswith(("assets/", "pagefind/", MIRROR)):
        return False
    return path == "" or path.endswith(("/", ".html", "feed.xml"))


def mirror_page(data: bytes, page_path: str, base_url: str, base_path: str, language: str) -> bytes:
    """The traditional twin of one rendered page or feed: converted text, links kept in the mirror."""
    text = to_traditional(data.decode("utf-8"))
    link = re.compile("(" + re.escape(base_url) + '|="' + re.escape(base_path) + ')([^"<>\\s]*)')

    def relink(match: re.Match[str]) -> str:
        path = match.group(2)
        if not is_page(path.split("#", 1)[0].split("?", 1)[0]):
            return match.group(0)
        return match.group(1) + MIRROR + path

    text = link.sub(relink, text)
    text = text.replace(f'lang="{language}"', f'lang="{LANGUAGE}"', 1)
    back = (f'<a class="variant-switch" href="{base_path}{page_path}" hreflang="{language}" lang="{language}">'
            "简体</a>")
    text = SWITCH.sub(lambda _: back, text, count=1)
    return text.encode("utf-8")
