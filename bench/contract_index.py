"""A search index by the shared records contract, for a build whose own index is still Pagefind's CLI.

Until the indexer writes custom records itself, this reads the built bulletin pages (their title and
``.prose`` text, their meta and filter spans), writes one Pagefind bundle per year under
``pagefind/<year>/`` through Pagefind's Python API, and points the search pages' script at them
(``data-bundles``). It is what the relevance set and the search tests measure the browser side on.
"""

from __future__ import annotations

import asyncio
import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
ASCII_RUN = re.compile(r"[A-Za-z0-9]+")


def search_tokens(text: str) -> str:
    """The contract's tokens: each ideograph alone, each ASCII letter/digit run whole, any other
    non-space character glued to the end of the token before it; one space between tokens."""
    tokens: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if CJK.match(char):
            tokens.append(char)
            i += 1
            continue
        run = ASCII_RUN.match(text, i)
        if run:
            tokens.append(run.group(0))
            i = run.end()
            continue
        if tokens:
            tokens[-1] += char
        else:
            tokens.append(char)
        i += 1
    return " ".join(tokens)


class _Page(HTMLParser):
    """Title (the article's h1), body (the .prose text, blocks on lines), meta and filter spans."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "div", "br", "table", "figcaption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.title: list[str] = []
        self.body: list[str] = []
        self.meta: dict[str, str] = {}
        self.filters: dict[str, str] = {}
        self._in_h1 = False
        self._prose_depth = 0
        self._span: tuple[str, str] | None = None
        self._span_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag == "h1" and not self.title and not self._prose_depth:
            self._in_h1 = True
        if tag == "span" and ("data-pagefind-meta" in a or "data-pagefind-filter" in a):
            kind = "meta" if "data-pagefind-meta" in a else "filter"
            self._span = (kind, a.get("data-pagefind-" + kind) or "")
            self._span_text = []
        if self._prose_depth:
            if tag == "div":
                self._prose_depth += 1
            if tag in self.BLOCKS:
                self.body.append("\n")
        elif tag == "div" and "prose" in (a.get("class") or "").split():
            self._prose_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False
        if tag == "span" and self._span:
            kind, name = self._span
            (self.meta if kind == "meta" else self.filters)[name] = "".join(self._span_text)
            self._span = None
        if self._prose_depth and tag == "div":
            self._prose_depth -= 1
        if self._prose_depth and tag in self.BLOCKS:
            self.body.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.title.append(data)
        if self._span:
            self._span_text.append(data)
        if self._prose_depth:
            self.body.append(data)


def read_page(path: Path) -> dict[str, object]:
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    body = re.sub(r"\n\s*\n+", "\n", "".join(parser.body)).strip()
    return {"lang": parser.lang, "title": html.unescape("".join(parser.title)).strip(), "body": body,
            "meta": parser.meta, "filters": parser.filters}


def bulletin_pages(output: Path) -> list[Path]:
    """The built bulletin pages, simplified and mirrored: units/<unit>/<bulletin>/index.html."""
    pages = sorted(output.glob("units/*/*/index.html")) + sorted(output.glob("zh-hant/units/*/*/index.html"))
    return [p for p in pages if "data-pagefind-body" in p.read_text(encoding="utf-8")]


async def _write(shards: dict[str, list[dict[str, object]]], folder: Path) -> None:
    from pagefind.index import IndexConfig, PagefindIndex

    for shard, records in sorted(shards.items()):
        async with PagefindIndex(IndexConfig(output_path=str(folder / shard))) as index:
            for record in records:
                await index.add_custom_record(**record)  # type: ignore[arg-type]


def build_contract_index(output: Path, base_path: str) -> list[str]:
    """Replace ``output/pagefind`` by year shards of contract records; returns the bundles' URLs."""
    shards: dict[str, list[dict[str, object]]] = {}
    for page in bulletin_pages(output):
        data = read_page(page)
        meta = dict(data["meta"])  # type: ignore[arg-type]
        filters = dict(data["filters"])  # type: ignore[arg-type]
        year = filters.get("year") or "other"
        language = "zh-hant" if str(data["lang"]).lower().startswith("zh-hant") else "zh-cn"
        shards.setdefault(year, []).append({
            "url": page.parent.relative_to(output).as_posix() + "/",
            "content": search_tokens(f"{data['title']}\n{data['body']}"),
            "language": language,
            "meta": {"title": str(data["title"]), "unit": meta.get("unit", ""), "date": meta.get("date", "")},
            "filters": {name: [value] for name, value in filters.items()},
        })
    folder = output / "pagefind"
    shutil.rmtree(folder, ignore_errors=True)
    asyncio.run(_write(shards, folder))
    order = sorted(shards, reverse=True)
    urls = [f"{base_path}pagefind/{shard}/" for shard in order]
    for search_page in (output / "search/index.html", output / "zh-hant/search/index.html"):
        if search_page.is_file():
            text = search_page.read_text(encoding="utf-8")
            text = re.sub(r' data-bundles?="[^"]*"', f' data-bundles="{" ".join(urls)}"', text, count=1)
            search_page.write_text(text, encoding="utf-8")
    return urls


if __name__ == "__main__":
    import sys

    print(build_contract_index(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "/dsxx/"))
