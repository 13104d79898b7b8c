"""The search relevance set: real bulletin texts, 30+ queries, truth by plain substring search, the real
search page in headless Chromium; prints precision and recall per query and overall (bench/RELEVANCE.md).

    .venv/bin/python -m bench.relevance [--repo CHECKOUT] [--work DIR] [--label TEXT] [--markdown FILE]

The corpus is the example site (the five seeds) and the same seeds' paragraphs again as more bulletins of
2020 and 2022 (a few paragraphs each, under their section's heading), so a word is in many pages and the
index has three year shards. ``--repo`` builds it with another checkout (say main's, in a worktree, for
the figures before) and measures that checkout's search page and index.

Truth: a bulletin is expected for a query when its title and text, as a reader sees them (spaces between
Chinese characters do not count), contain every space-separated term, ignoring case. Scored results are
bulletin pages; unit pages that a search lists are counted apart (their searchable text is the indexer's
choice, not a bulletin's words). A query with no word gets the "enter a word" message and no result.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent

BASE_PATH = "/dsxx/"
ALNUM = re.compile(r"[A-Za-z0-9]")
WORD = re.compile(r"[^\W_]")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    mirror: bool = False  # asked on zh-hant/search/, of the mirror's pages


QUERIES = [
    # two-character words, in many bulletins
    Query("党史", "2-char word"), Query("实事", "2-char word"), Query("红色", "2-char word"),
    Query("宣讲", "2-char word"), Query("基因", "2-char word"), Query("群众", "2-char word"),
    Query("读书", "2-char word"),
    # four-character words and longer phrases
    Query("学习教育", "4-char word"), Query("红色基因", "4-char word"), Query("主题党日", "4-char word"),
    Query("志愿服务", "4-char word"), Query("农家书屋", "4-char word"), Query("学史明理", "4-char word"),
    Query("我为群众办实事", "phrase"), Query("“四个意识”", "phrase in quotes"),
    Query("学党史、悟思想", "phrase with inner punctuation"),
    # words in no bulletin (whose characters are)
    Query("量子计算", "absent word"), Query("人工智能", "absent word"), Query("党史学校", "absent word"),
    Query("习参", "absent (only across punctuation)"),
    # figures as written
    Query("800余人次", "figure"), Query("800余人", "figure"), Query("166.3亿元", "figure"),
    Query("11543", "figure"), Query("534个", "figure"), Query("3700余名", "figure"), Query("2万余人次", "figure"),
    # names
    Query("张中于", "name"), Query("刘正仁", "name"), Query("刘玉盐", "name"), Query("张新卓", "name in the byline only"),
    Query("钟慧", "name"),
    # several terms: every one must be in the page
    Query("党史 11543", "multi-term"), Query("红色基因 志愿服务", "multi-term"), Query("高科集团 800余人", "multi-term"),
    Query("量子计算 党史", "multi-term, one absent"), Query("宣讲  读书班", "multi-term"),
    # the mirror, traditional queries
    Query("黨史", "traditional", True), Query("紅色基因", "traditional", True), Query("辦實事", "traditional", True),
    Query("學習教育", "traditional", True), Query("11543名黨員", "traditional figure", True),
    Query("量子計算", "traditional absent", True),
    # nothing to search for
    Query("，。！", "punctuation only"), Query("…… ——", "punctuation only"),
]


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
    """A bulletin page's language, title (its h1), text (its .prose, blocks on lines), meta and filter spans."""
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    body = re.sub(r"\n\s*\n+", "\n", "".join(parser.body)).strip()
    return {"lang": parser.lang, "title": html.unescape("".join(parser.title)).strip(), "body": body,
            "meta": parser.meta, "filters": parser.filters}


def plain(text: str) -> str:
    """Text as read: spaces dropped except one between two ASCII letters or digits (as search.js does)."""
    def space(match: re.Match[str]) -> str:
        before, after = match.string[match.start() - 1:match.start()], match.string[match.end():match.end() + 1]
        return " " if ALNUM.match(before) and ALNUM.match(after) else ""
    return re.sub(r"\s+", space, text).strip()


def terms_of(query: str) -> list[str]:
    return [term for term in query.split() if WORD.search(term)]


# -- the corpus ---------------------------------------------------------------------------------------------

def make_corpus(folder: Path) -> Path:
    """The example site plus its seeds' paragraphs as more bulletins (2020 and 2022)."""
    shutil.rmtree(folder, ignore_errors=True)
    for part in ("data", "content"):
        shutil.copytree(REPO / part, folder / part)
    for number, source in enumerate(sorted((REPO / "content").glob("*/*.md"))):
        if source.parent.name == "pages":
            continue
        text = source.read_text(encoding="utf-8")
        front, body = text.split("\n---\n", 1)
        title = re.search(r"^title: (.*)$", front, re.M).group(1).strip()  # type: ignore[union-attr]
        for index, (heading, paragraphs) in enumerate(chunks(body)):
            year = 2020 if index % 2 else 2022
            date = f"{year}-{1 + (number * 2 + index) % 12:02d}-{1 + index % 28:02d}"
            name = f"{date}-{source.stem.split('-', 3)[-1]}-{index + 1}.md"
            part_title = f"{title}（摘编之{index + 1}）" if not heading else f"{heading}（{title}摘编之{index + 1}）"
            target = folder / "content" / source.parent.name / name
            target.write_text(f"---\ntitle: {part_title}\ndate: {date}\n---\n\n" + "\n\n".join(paragraphs) + "\n",
                              encoding="utf-8")
    return folder


def chunks(body: str, size: int = 3) -> list[tuple[str, list[str]]]:
    """The body's paragraphs in groups of ``size`` within a section, with the section's heading."""
    out: list[tuple[str, list[str]]] = []
    heading, group = "", []
    for block in [b.strip() for b in body.split("\n\n") if b.strip()]:
        if block.startswith("#"):
            if group:
                out.append((heading, group))
            heading, group = block.lstrip("#").strip(), []
            continue
        group.append(block)
        if len(group) == size:
            out.append((heading, group))
            group = []
    if group:
        out.append((heading, group))
    return out


def build(repo: Path, site: Path) -> Path:
    python = REPO / ".venv/bin/python"
    env = dict(os.environ, PYTHONPATH=str(repo), BULLETIN_LANG="en")
    done = subprocess.run([str(python), str(repo / "build.py"), "build", "--source", str(site), "--quiet"],
                          cwd=repo, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"build failed:\n{done.stderr}")
    return site / "output"


# -- truth and measurement ----------------------------------------------------------------------------------

def pages_text(output: Path, mirror: bool) -> dict[str, str]:
    """Each bulletin page's path (as its URL below the base path) -> its title and text as read."""
    prefix = "zh-hant/" if mirror else ""
    out = {}
    for page in sorted(output.glob(prefix + "units/*/*/index.html")):
        data = read_page(page)
        if data["body"]:
            out[page.parent.relative_to(output).as_posix() + "/"] = plain(f"{data['title']}\n{data['body']}").lower()
    return out


def unit_page_text(output: Path, path: str) -> str:
    """What a unit page shows in its main part (for results that are unit pages), as read."""
    page = output / path / "index.html"
    if not page.is_file():
        return ""
    html = page.read_text(encoding="utf-8")
    main = html[html.find("<main"):html.find("</main>")]
    return plain(re.sub(r"<[^>]+>", "", main)).lower()


def expected(pages: dict[str, str], query: str) -> set[str]:
    terms = [term.lower() for term in terms_of(query)]
    if not terms:
        return set()
    return {path for path, text in pages.items() if all(term in text for term in terms)}


@dataclass
class Outcome:
    query: Query
    expected: set[str]
    found: list[str]
    units: int
    status: str
    units_right: int = 0
    candidates: int | None = None  # what Pagefind returned for all the terms, before the page's check
    prompt_ok: bool = True
    wrong: set[str] = field(default_factory=set)

    @property
    def true_positives(self) -> int:
        return len(self.expected & set(self.found))

    @property
    def precision(self) -> float:
        if not self.prompt_ok:
            return 0.0
        return self.true_positives / len(self.found) if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / len(self.expected) if self.expected else 1.0


def settled(page: object) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "(() => { const s = document.getElementById('search-status').textContent;"
        " const busy = document.getElementById('search-results').getAttribute('aria-busy');"
        " return s && !/正在搜索|正在搜尋/.test(s) && busy !== 'true'; })()", timeout=60_000)


def ask(page: object, site: str, query: Query) -> tuple[list[str], str]:
    """The hrefs of every result the search page lists for ``query`` (pressing 显示更多 while it shows)."""
    prefix = "zh-hant/" if query.mirror else ""
    page.goto(site + prefix + "search/?" + urlencode({"q": query.text}))  # type: ignore[attr-defined]
    settled(page)
    more = page.locator("#search-more")  # type: ignore[attr-defined]
    while more.count() and more.is_visible():
        before = page.locator("#search-results li").count()  # type: ignore[attr-defined]
        more.click()
        page.wait_for_function(f"document.querySelectorAll('#search-results li').length > {before} || "
                               "document.getElementById('search-more').hidden")  # type: ignore[attr-defined]
        settled(page)
    hrefs = page.locator("#search-results li h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")  # type: ignore[attr-defined]
    return hrefs, page.locator("#search-status").inner_text()  # type: ignore[attr-defined]


# The candidates search.js gets from Pagefind (each term as a phrase of its tokens, or its tokens when
# punctuation stands inside; the pages every term found), counted on a page that has not loaded the index.
CANDIDATES = """async ([bundles, terms]) => {
  const TOKEN = /[\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3ffff}]|[A-Za-z0-9]+/gu;
  const pf = await import(bundles[0] + "pagefind.js");
  await pf.options({ baseUrl: "/" });
  for (const b of bundles.slice(1)) await pf.mergeIndex(b, { baseUrl: "/" });
  let ids = null;
  for (const term of terms) {
    const found = [...term.matchAll(TOKEN)];
    const inner = found.some((m, i) => i && m.index > found[i - 1].index + found[i - 1][0].length);
    const tokens = found.map(m => m[0]).join(" ");
    const search = await pf.search(!tokens ? term : inner ? tokens : '"' + tokens + '"');
    const these = new Set(search.results.map(r => r.id));
    ids = ids === null ? these : new Set([...ids].filter(id => these.has(id)));
  }
  return ids ? ids.size : 0;
}"""


def candidates(page: object, site: str, output: Path, query: Query) -> int | None:
    """How many pages Pagefind offers for ``query`` before the check (None for an index without data-bundles)."""
    search_page = output / ("zh-hant/" if query.mirror else "") / "search/index.html"
    bundles = re.search(r'data-bundles="([^"]*)"', search_page.read_text(encoding="utf-8"))
    if not bundles or not terms_of(query.text):
        return None
    page.goto(site + ("zh-hant/" if query.mirror else ""))  # type: ignore[attr-defined]
    return page.evaluate(CANDIDATES, [bundles.group(1).split(), terms_of(query.text)])  # type: ignore[attr-defined]


def measure(output: Path) -> list[Outcome]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "tests"))
    from static_server import serve_output

    pages = {False: pages_text(output, False), True: pages_text(output, True)}
    outcomes = []
    with serve_output(output, BASE_PATH) as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(60_000)
        for query in QUERIES:
            hrefs, status = ask(page, site, query)
            paths = [re.sub(r"^(https?://[^/]+)?" + re.escape(BASE_PATH), "", href) for href in hrefs]
            bulletins = [p for p in paths if p in pages[query.mirror]]
            truth = expected(pages[query.mirror], query.text)
            outcome = Outcome(query, truth, bulletins, len(paths) - len(bulletins), status)
            terms = [term.lower() for term in terms_of(query.text)]
            outcome.units_right = sum(all(term in unit_page_text(output, p) for term in terms)
                                      for p in paths if p not in pages[query.mirror])
            if not terms_of(query.text):
                outcome.prompt_ok = not paths and ("请输入" in status or "請輸入" in status)
            outcome.wrong = set(bulletins) - truth
            outcome.candidates = candidates(page, site, output, query)
            outcomes.append(outcome)
        browser.close()
    return outcomes


def report(outcomes: list[Outcome], label: str) -> str:
    lines = [f"### {label}", "", "| query | kind | expected | found | right | unit pages also listed | Pagefind's candidates | precision | recall |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for o in outcomes:
        lines.append(f"| `{o.query.text}`{' (mirror)' if o.query.mirror else ''} | {o.query.kind} | {len(o.expected)} | "
                     f"{len(o.found)} | {o.true_positives} | {o.units} ({o.units_right} right) | {'' if o.candidates is None else o.candidates} | {o.precision:.2f} | {o.recall:.2f} |")
    found = sum(len(o.found) for o in outcomes)
    right = sum(o.true_positives for o in outcomes)
    wanted = sum(len(o.expected) for o in outcomes)
    prompts = [o for o in outcomes if not terms_of(o.query.text)]
    lines += ["", f"Overall (every result of every query): precision {right / found if found else 1:.3f} "
                  f"({right}/{found}), recall {right / wanted if wanted else 1:.3f} ({right}/{wanted}); "
                  f"mean per query: precision {sum(o.precision for o in outcomes) / len(outcomes):.3f}, "
                  f"recall {sum(o.recall for o in outcomes) / len(outcomes):.3f}; "
                  f"punctuation-only queries answered with the enter-a-word message: "
                  f"{sum(o.prompt_ok for o in prompts)}/{len(prompts)}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout that builds the site (default: this one)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bulletin-relevance"), help="corpus and output")
    parser.add_argument("--label", default="", help="the heading of the figures")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    site = make_corpus(args.work / "site")
    output = build(args.repo.resolve(), site)
    count = len(pages_text(output, False))
    outcomes = measure(output)
    label = args.label or f"{args.repo.resolve()} ({count} bulletins, {len(QUERIES)} queries)"
    text = report(outcomes, label)
    print(text)
    for o in outcomes:
        if o.precision < 1 or o.recall < 1:
            missed = sorted(o.expected - set(o.found))[:3]
            print(f"  {o.query.text!r}: wrong {sorted(o.wrong)[:3]} missed {missed} status {o.status!r}")
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
