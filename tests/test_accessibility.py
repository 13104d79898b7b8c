"""Every page type passes axe-core at WCAG 2.1 AA, works from the keyboard with a visible focus, and its
tables and charts make sense to a screen reader.

The site is the example site plus 20 older bulletins (so the home page has a page 2) and 19 more units
reporting one figure (so the statistics page links to stats/participants/ with all of them).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import pytest
from conftest import copy_example, run_cli, write_files

BASE = "/dsxx/"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
PAGES = {
    "home": "",
    "home page 2": "page/2/",
    "units index": "units/",
    "unit": "units/zhuzhou-gaoke/",
    "bulletin": "units/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu/",
    "statistics": "stats/",
    "one metric": "stats/participants/",
    "archive": "bulletins/",
    "year": "bulletins/2021/",
    "month": "bulletins/2021/06/",
    "tags": "tags/",
    "tag": "tags/xuan-jiang/",
    "free page": "about/",
    "search (results for 实事)": "search/?q=%E5%AE%9E%E4%BA%8B",
    "404": "no/such/page/",
}
WIDTHS = {"phone": 360, "desktop": 1280}


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("a11y"))
    files = {}
    for n in range(20):
        files[f"content/yunxi/2020-{n + 1:02d}.md"] = (
            f"---\ntitle: 云溪区党建工作简报第{n + 1}期\ndate: 2020-{n % 12 + 1:02d}-{n // 12 + 10}\n"
            f"tags: [宣讲]\n---\n第{n + 1}期正文，详见[岳阳市人民政府网站](https://www.yueyang.gov.cn/)。\n")
    for n in range(19):
        files[f"data/units/extra-{n:02d}.yaml"] = (
            f"name: 示范街道{n + 1}\ncategory: 街道\nreports:\n  - date: 2021-06-30\n"
            f"    metrics:\n      participants: {100 + n}\n")
    write_files(root, files)
    assert run_cli("build", "--source", root, "--quiet").code == 0
    return root / "output"


@pytest.fixture(scope="module")
def site(output: Path) -> Iterator[str]:
    from static_server import serve_output

    with serve_output(output, BASE) as url:
        yield url


@pytest.fixture(scope="module")
def axe() -> object:
    sync_playwright = pytest.importorskip("axe_playwright_python.sync_playwright",
                                          reason="the accessibility tests need axe-playwright-python")
    return sync_playwright.Axe()


def test_the_fixture_has_every_page_type(output: Path) -> None:
    for name, path in PAGES.items():
        if name != "404":
            assert (output / path.split("?")[0] / "index.html").is_file(), name


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_page_type_passes_axe_at_wcag_21_aa(browser, axe, site: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    reports = []
    for name, path in PAGES.items():
        response = page.goto(site + path)
        assert response.status == (404 if name == "404" else 200), name
        if path.startswith("search/"):  # results come in after the index has loaded
            page.wait_for_selector("#search-results li")
        results = axe.run(page, options=WCAG_21_AA)
        if results.violations_count:
            reports.append(f"--- {name} ({path or 'home'}) at {width}px:\n{results.generate_report()}")
    page.close()
    assert not reports, "\n".join(reports)


def test_large_text_pages_pass_axe_on_a_phone(browser, axe, site: str) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(site)
    page.get_by_role("button", name="A++").click()
    for name in ("home", "bulletin", "statistics"):
        page.goto(site + PAGES[name])
        assert "text-larger" in page.evaluate("document.documentElement.className")
        results = axe.run(page, options=WCAG_21_AA)
        assert results.violations_count == 0, results.generate_report()
    page.close()


FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])"

DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {key: el.dataset.k || null, tag: el.tagName, text: (el.textContent || '').trim().slice(0, 30),
          outline: style.outlineStyle + ' ' + style.outlineWidth, before: el.dataset.outlineBefore || '',
          style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          inView: (() => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight
                                                                  && r.width > 0 && r.height > 0; })()};
}"""


@pytest.mark.parametrize("name", ["home", "statistics"])
def test_tab_reaches_every_control_with_a_visible_outline(browser, site: str, name: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(site + PAGES[name])
    page.wait_for_selector(".text-size button")
    # Number every visible focusable element and note its outline when not focused.
    total = page.evaluate("""(selector) => {
      let n = 0;
      for (const el of document.querySelectorAll(selector)) {
        if (!el.getClientRects().length) continue;
        const style = getComputedStyle(el);
        el.dataset.k = String(n++);
        el.dataset.outlineBefore = style.outlineStyle + ' ' + style.outlineWidth;
      }
      return n;
    }""", FOCUSABLE)
    reached, bad = [], []
    for _ in range(total + 5):
        page.keyboard.press("Tab")
        focus = page.evaluate(DESCRIBE_FOCUS)
        if focus is None or focus["key"] in reached:
            break
        reached.append(focus["key"])
        if focus["style"] == "none" or focus["width"] < 2 or focus["outline"] == focus["before"]:
            bad.append(focus)
    assert bad == [], f"focused elements without a visible outline: {bad}"
    assert sorted(reached, key=int) == [str(n) for n in range(total)], "Tab skipped some controls"
    page.close()


def test_skip_link_comes_first_and_moves_focus_to_main(browser, site: str) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(site)
    page.keyboard.press("Tab")
    first = page.evaluate(DESCRIBE_FOCUS)
    assert first["text"] == "跳到正文" and first["inView"], first
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside main, not back in the header
    assert page.evaluate("document.activeElement.closest('main') !== null")
    page.close()


class Tables(HTMLParser):
    """Each <table>: its class, whether it has a caption, and its <th> cells without a scope."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table":
            self.tables.append({"class": attributes.get("class") or "", "caption": False, "unscoped": 0})
        elif tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        elif tag == "th" and self.tables and attributes.get("scope") not in ("col", "row", "colgroup", "rowgroup"):
            self.tables[-1]["unscoped"] += 1


def test_theme_tables_have_a_caption_and_scoped_headers(output: Path) -> None:
    problems = []
    count = 0
    for file in sorted(output.rglob("*.html")):
        parser = Tables()
        parser.feed(file.read_text(encoding="utf-8"))
        for table in parser.tables:
            if "data" not in table["class"].split():
                continue  # tables written in a bulletin's Markdown are the editors'
            count += 1
            if not table["caption"] or table["unscoped"]:
                problems.append(f"{file.relative_to(output)}: {table}")
    assert count > 20 and problems == []


def test_charts_are_images_named_by_their_title_and_described_by_their_figures(output: Path) -> None:
    page = (output / "stats/index.html").read_text(encoding="utf-8")
    charts = re.findall(r"<svg [^>]*>", page)
    assert charts
    for svg in charts:
        assert 'role="img"' in svg
        labelled = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        for ident in labelled:
            assert f'id="{ident}"' in page
