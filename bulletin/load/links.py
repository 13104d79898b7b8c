"""Links between sources: ``../yunxi/a.md`` or ``../../data/units/yunxi.yaml`` become page URLs.

Editors link to the files they see in their editor; the build rewrites those links to the
published pages and ``check`` reports every link or image whose target does not exist.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..digest import digest
from ..errors import Problems
from ..messages import Message, _

# [text](target "title") and ![alt](target); <a href="…"> and <img src="…"> in raw HTML
MARKDOWN_TARGET = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\n]*?[\"'])?\s*\)")
HTML_TARGET = re.compile(r"<(?:a|img)\b[^>]*?\s(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")


@dataclass(frozen=True, slots=True)
class LinkIndex:
    """What a link may point at: source files with their page paths, and static files."""

    pages: dict[str, str]  # source path (content/… or data/units/…) -> output path ("units/a/b/")
    drafts: frozenset[str]  # source paths of bulletins left out of this build
    static: frozenset[str]  # paths below static/
    base_path: str  # "/dsxx/"


def make_link_index(published: list, pages: tuple | list, unit_slugs: set[str] | list[str], static: list[str] | tuple[str, ...],
                    base_path: str, drafts: list | tuple = ()) -> LinkIndex:
    """The index of link targets of one build (``published`` bulletins, ``drafts`` left out)."""
    targets = {b.source_path: b.url_path for b in published}
    targets.update({p.source_path: p.url_path for p in pages})
    for slug in unit_slugs:
        targets[f"data/units/{slug}.yaml"] = targets[f"data/units/{slug}.yml"] = f"units/{slug}/"
    return LinkIndex(targets, frozenset(b.source_path for b in drafts), frozenset(static), base_path)


def index_digest(index: LinkIndex) -> str:
    """A digest of everything a link may resolve to: equal digests, equal resolutions."""
    return digest(repr(sorted(index.pages.items())), repr(sorted(index.drafts)), repr(sorted(index.static)),
                  index.base_path)


def resolve(index: LinkIndex, source_path: str, target: str) -> tuple[str | None, Message | None]:
    """(URL to publish, problem) for one link target written in ``source_path``.

    External URLs and fragments are left alone (None, None).
    """
    if EXTERNAL.match(target):
        return None, None
    parts = urlsplit(target)
    path = unquote(parts.path)
    suffix = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
    if path.startswith("/"):
        site_path = path.lstrip("/")
        site_path = site_path.removeprefix("static/")
        if path.startswith("/static/") or site_path in index.static:
            if site_path not in index.static:
                return None, _('link target "{target}" does not exist under static/', target=target)
            return index.base_path + site_path + suffix, None
        return index.base_path + site_path + suffix, None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), path))
    if resolved.startswith("../") or resolved == "..":
        return None, _('link target "{target}" points outside the site folder', target=target)
    if resolved in index.pages:
        return index.base_path + index.pages[resolved] + suffix, None
    if resolved in index.drafts:
        return None, _('link target "{target}" is a draft, which this build does not publish', target=target)
    if resolved.startswith("static/") and resolved.removeprefix("static/") in index.static:
        return index.base_path + resolved.removeprefix("static/") + suffix, None
    if resolved.endswith((".md", ".yaml", ".yml")) or resolved.startswith("static/"):
        return None, _('link target "{target}" does not exist (it would be {path})', target=target, path=resolved)
    return None, None  # a relative link to something else (e.g. a page path): left as written


def check_links(index: LinkIndex, source_path: str, body: str, body_line: int, problems: Problems) -> None:
    """Report every link or image in a Markdown body whose target does not exist."""
    for pattern in (MARKDOWN_TARGET, HTML_TARGET):
        for match in pattern.finditer(body):
            problem = resolve(index, source_path, match.group(1))[1]
            if problem:
                line = body_line + body.count("\n", 0, match.start(1))
                col = match.start(1) - body.rfind("\n", 0, match.start(1))
                problems.error(source_path, line, col, problem)


def link_attributes(html_text: str) -> list[tuple[str, str]]:
    """(attribute, value as written) of every href and src of sanitised HTML."""
    return ATTRIBUTE.findall(html_text)


def rewrite_links(html_text: str, index: LinkIndex, source_path: str) -> str:
    """Point href/src attributes of sanitised HTML that name source files at the published pages."""

    def replace(match: re.Match[str]) -> str:
        url = resolve(index, source_path, html.unescape(match.group(2)))[0]
        return match.group(0) if url is None else f'{match.group(1)}="{html.escape(url)}"'

    return ATTRIBUTE.sub(replace, html_text)
