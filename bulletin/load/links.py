"""Links as editors write them: a source file, a page's path, or an address copied from the browser.

Editors link to what they have in front of them: the file in their editor (``../yunxi/a.md``,
``/data/units/yunxi.yaml``, ``../../static/files/a.pdf``), the page's path with or without the site's
base path (``/dsxx/units/yunxi/``, ``/units/yunxi/``), or a full address copied from the address bar
of the published site (``base_url``) or of the preview (``http://127.0.0.1:8000/dsxx/…``). Each
becomes a link to that page under the site's base path; ``check`` reports every link or image whose
target does not exist, at its position.
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

# [text](target "title") and ![alt](target); [ref]: target; <https://…>; <a href="…"> and <img src="…"> in raw HTML
MARKDOWN_TARGET = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\n]*?[\"'])?\s*\)")
REFERENCE_TARGET = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)>?", re.MULTILINE)
AUTOLINK_TARGET = re.compile(r"<(https?://[^>\s]+)>")
HTML_TARGET = re.compile(r"<(?:a|img)\b[^>]*?\s(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
PLAUSIBLE = re.compile(r"[^\s<>{}\[\]\"'`]+")  # what an address an editor wrote may hold
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
LOOPBACK = re.compile(r"^(localhost|127(\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\])(:\d+)?$")
SOURCE_FOLDERS = ("content/", "data/", "static/")
# Pages every site has, and the lists' further pages and archive (beyond the bulletins', units' and pages' own).
GENERATED = re.compile(r"(|units/|stats/|search/|bulletins/(\d{4}/(\d{2}/)?)?|tags/[^/]+/)(page/\d+/)?"
                       r"|feed\.xml|sitemap\.xml|404\.html|stats\.(json|csv|xlsx)|(assets|pagefind)/.+")
MIRROR = "zh-hant/"


@dataclass(frozen=True, slots=True)
class LinkIndex:
    """What a link may point at: source files with their page paths, the site's pages, and static files."""

    pages: dict[str, str]  # source path (content/… or data/units/…) -> output path ("units/a/b/")
    drafts: frozenset[str]  # source paths of bulletins left out of this build
    static: frozenset[str]  # paths below static/
    base_path: str  # "/dsxx/"
    addresses: tuple[str, ...] = ()  # the site's own addresses (base_url, and data/site.yaml's when overridden)
    units: frozenset[str] = frozenset()  # unit slugs: units/<slug>/ and its feed
    mirrored: bool = False  # the site has a traditional mirror under zh-hant/

    @property
    def published(self) -> frozenset[str]:
        return frozenset(self.pages.values())

    @property
    def draft_pages(self) -> dict[str, str]:
        """Output path -> source path of the bulletins left out of this build."""
        return {_draft_url(path): path for path in self.drafts}


def make_link_index(published: list, pages: tuple | list, unit_slugs: set[str] | list[str], static: list[str] | tuple[str, ...],
                    base_path: str, drafts: list | tuple = (), addresses: tuple[str, ...] = (),
                    mirrored: bool = False) -> LinkIndex:
    """The index of link targets of one build (``published`` bulletins, ``drafts`` left out)."""
    targets = {b.source_path: b.url_path for b in published}
    targets.update({p.source_path: p.url_path for p in pages})
    for slug in unit_slugs:
        targets[f"data/units/{slug}.yaml"] = targets[f"data/units/{slug}.yml"] = f"units/{slug}/"
    return LinkIndex(targets, frozenset(b.source_path for b in drafts), frozenset(static), base_path,
                     tuple(dict.fromkeys(a for a in addresses if a)), frozenset(unit_slugs), mirrored)


def index_digest(index: LinkIndex) -> str:
    """A digest of everything a link may resolve to: equal digests, equal resolutions."""
    return digest(repr(sorted(index.pages.items())), repr(sorted(index.drafts)), repr(sorted(index.static)),
                  index.base_path, repr(index.addresses), repr(sorted(index.units)), str(index.mirrored))


def resolve(index: LinkIndex, source_path: str, target: str) -> tuple[str | None, Message | None]:
    """(URL to publish, problem) for one link target written in ``source_path``.

    Links elsewhere, fragments of the page itself, and relative links that work as written are
    left alone (None, None).
    """
    target = target.strip()
    if not target or target.startswith("#"):
        return None, None
    if SCHEME.match(target) or target.startswith("//"):
        site_path = _own_address(index, target)
        return (None, None) if site_path is None else _page(index, target, *site_path)
    parts = urlsplit(target.replace("\\", "/"))
    path, suffix = unquote(parts.path).replace("\\", "/"), _suffix(parts.query, parts.fragment)  # ..\a.md, also as %5C
    if path.startswith("/"):
        if path.startswith(("/content/", "/data/", "/static/")):
            return _source(index, target, path[1:], suffix)
        for base in _base_paths(index):
            if path.startswith(base):
                return _page(index, target, path[len(base):], suffix)
        return _page(index, target, path[1:], suffix)
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), path))
    if resolved.startswith("../") or resolved == "..":
        return None, _('link target "{target}" points outside the site folder', target=target)
    if _is_source(index, resolved) or resolved.endswith((".md", ".yaml", ".yml")) or resolved.startswith("static/"):
        if not _is_source(index, resolved) and path.startswith(SOURCE_FOLDERS):  # written from the site root
            resolved = posixpath.normpath(path)
        return _source(index, target, resolved, suffix)
    here = index.pages.get(source_path, "")
    page_path = posixpath.normpath(posixpath.join(here, path)).removeprefix(".") + ("/" if path.endswith("/") else "")
    if page_path.startswith("../") or _page(index, target, page_path, suffix)[1] is not None:
        return None, _('link target "{target}" is no page or file of this site (it would be {url})', target=target,
                       url=index.base_path + page_path)
    return None, None  # a page-relative link to a page that exists: it works as written


def _own_address(index: LinkIndex, target: str) -> tuple[str, str] | None:
    """(path on the site, ?query#fragment) of an address of the published site or of the preview; None elsewhere."""
    parts = urlsplit(target if not target.startswith("//") else "http:" + target)
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host, path, suffix = parts.netloc.lower(), unquote(parts.path) or "/", _suffix(parts.query, parts.fragment)
    for address in index.addresses:
        own = urlsplit(address)
        if host == own.netloc.lower() and path.startswith(own.path or "/"):
            return path[len(own.path or "/"):], suffix
    if LOOPBACK.match(host):  # the preview, whatever its port
        for base in _base_paths(index):
            if path.startswith(base):
                return path[len(base):], suffix
        return path[1:], suffix
    return None


def _base_paths(index: LinkIndex) -> list[str]:
    """The site's base paths that a path may start with, longest first ("/" last)."""
    paths = {index.base_path, *(urlsplit(a).path or "/" for a in index.addresses)}
    return sorted((p if p.endswith("/") else p + "/" for p in paths), key=len, reverse=True)


def _source(index: LinkIndex, target: str, rel: str, suffix: str) -> tuple[str | None, Message | None]:
    """A link to a source file (a bulletin, a page, a unit file, a static file)."""
    if rel in index.pages:
        return index.base_path + index.pages[rel] + suffix, None
    if rel in index.drafts:
        return None, _('link target "{target}" is a draft, which this build does not publish', target=target)
    if rel.startswith("static/"):
        if rel.removeprefix("static/") in index.static:
            return index.base_path + rel.removeprefix("static/") + suffix, None
        return None, _('link target "{target}" does not exist under static/', target=target)
    return None, _('link target "{target}" does not exist (it would be {path})', target=target, path=rel)


def _page(index: LinkIndex, target: str, site_path: str, suffix: str) -> tuple[str | None, Message | None]:
    """A link to a page of the site by its path below the base path ("units/yunxi/")."""
    path = site_path.removesuffix("index.html") if site_path.endswith("/index.html") or site_path == "index.html" \
        else site_path
    inner = path.removeprefix(MIRROR) if index.mirrored else path
    if _exists(index, inner + "/") and not _exists(index, inner):
        path, inner = path + "/", inner + "/"  # a page's address without its last slash
    if _exists(index, inner):
        return index.base_path + path + suffix, None
    if inner in index.draft_pages:
        return None, _('link target "{target}" is a draft, which this build does not publish', target=target)
    return None, _('link target "{target}" is no page or file of this site (it would be {url})', target=target,
                   url=index.base_path + path)


def _exists(index: LinkIndex, path: str) -> bool:
    if path in index.static or path in index.published or GENERATED.fullmatch(path):
        return True
    unit = re.fullmatch(r"units/([^/]+)/(page/\d+/|feed\.xml)?", path)
    return unit is not None and unit.group(1) in index.units


def _is_source(index: LinkIndex, rel: str) -> bool:
    return rel in index.pages or rel in index.drafts or rel.removeprefix("static/") in index.static


def _suffix(query: str, fragment: str) -> str:
    return ("?" + query if query else "") + ("#" + fragment if fragment else "")


def _draft_url(source_path: str) -> str:
    """The page a draft bulletin would have (content/<unit>/<slug>.md -> units/<unit>/<slug>/)."""
    parts = source_path.split("/")
    return f"units/{parts[1]}/{posixpath.splitext(parts[-1])[0]}/" if len(parts) == 3 else ""


def check_links(index: LinkIndex, source_path: str, body: str, body_line: int, problems: Problems) -> None:
    """Report every link or image in a Markdown body whose target does not exist.

    What can be no address an editor wrote (a bare word, text with spaces or brackets: broken HTML the
    sanitiser removes anyway) is not looked at.
    """
    for pattern in (MARKDOWN_TARGET, REFERENCE_TARGET, AUTOLINK_TARGET, HTML_TARGET):
        for match in pattern.finditer(body):
            target = html.unescape(match.group(1)).strip()
            if not PLAUSIBLE.fullmatch(target) or not any(mark in target for mark in "/.\\:"):
                continue
            problem = resolve(index, source_path, target)[1]
            if problem:
                line = body_line + body.count("\n", 0, match.start(1))
                col = match.start(1) - body.rfind("\n", 0, match.start(1))
                problems.error(source_path, line, col, problem)


def link_attributes(html_text: str) -> list[tuple[str, str]]:
    """(attribute, value as written) of every href and src of sanitised HTML."""
    return ATTRIBUTE.findall(html_text)


def rewrite_links(html_text: str, index: LinkIndex, source_path: str) -> str:
    """Point href/src attributes of sanitised HTML that name source files, pages or the site's addresses at the
    published pages."""

    def replace(match: re.Match[str]) -> str:
        url = resolve(index, source_path, html.unescape(match.group(2)))[0]
        return match.group(0) if url is None else f'{match.group(1)}="{html.escape(url)}"'

    return ATTRIBUTE.sub(replace, html_text)
