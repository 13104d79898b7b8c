"""End to end: the pages of SPEC section 3 exist, link to each other under the sub-path, load nothing foreign."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import run_cli

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FILING_SITES = ("https://beian.miit.gov.cn/", "https://beian.mps.gov.cn/")  # the footer's 备案 links
EXAMPLE_UNITS = ["zhuzhou-gaoke", "tianjin-eco-city", "yunxi", "jilin-gaoxin", "guizhou-gongxin"]


class References(HTMLParser):
    """Collects every URL a page links to or loads."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []  # navigated to: <a href>
        self.loads: list[str] = []  # fetched by the browser: src, <link href>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "link" and values.get("href") and values.get("rel") == "alternate":
            self.links.append(values["href"])  # a feed, or the page in another script: not fetched by the browser
        elif tag == "link" and values.get("href") and values.get("rel") != "canonical":
            self.loads.append(values["href"])
        for name in ("src", "srcset", "poster", "data"):
            if values.get(name):
                self.loads.append(values[name])


def references(page: Path) -> References:
    parser = References()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def target_file(output: Path, base_path: str, url: str) -> Path | None:
    """The output file a root-relative URL under ``base_path`` is served from."""
    path = urlsplit(url).path
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path):]
    return output / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


@pytest.fixture(scope="module")
def built_example(example_output: Path) -> Path:
    return example_output


def test_example_site_has_every_page_of_the_spec(built_example: Path) -> None:
    expected = ["index.html", "units/index.html", "stats/index.html", "stats.json", "stats.csv", "stats.xlsx", "feed.xml",
                "sitemap.xml", "404.html", "about/index.html"]
    expected += [f"units/{unit}/index.html" for unit in EXAMPLE_UNITS]
    for rel in expected:
        assert (built_example / rel).is_file(), rel
    for unit in EXAMPLE_UNITS:
        bulletin_pages = [p for p in (built_example / "units" / unit).glob("*/index.html")]
        assert len(bulletin_pages) == 1, unit


def test_example_site_publishes_seed_000_in_simplified_chinese(built_example: Path) -> None:
    page = next((built_example / "units" / "zhuzhou-gaoke").glob("*/index.html")).read_text(encoding="utf-8")
    assert "学习" in page and "學習" not in page
    assert "(xué)" not in page and "xué" not in page


def test_every_internal_link_and_asset_resolves_under_the_sub_path(built_example: Path) -> None:
    base_path = "/dsxx/"
    broken = []
    for page in sorted(built_example.rglob("*.html")):
        refs = references(page)
        page_url = base_path + page.relative_to(built_example).as_posix().removesuffix("index.html")
        for url in refs.links + refs.loads:
            if url.startswith(("mailto:", "tel:", "#")):
                continue
            absolute = urljoin(page_url, url)
            if urlsplit(absolute).netloc:
                continue  # external links are checked by the next test
            target = target_file(built_example, base_path, absolute)
            if target is None or not target.is_file():
                broken.append(f"{page.relative_to(built_example)} -> {url}")
    assert broken == []


def test_no_page_loads_anything_from_another_host(built_example: Path) -> None:
    foreign = []
    for page in sorted(built_example.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        foreign += [f"{page.name}: {u}" for u in references(page).loads if urlsplit(u).netloc]
        foreign += [f"{page.name}: @import {m}" for m in re.findall(r"@import\s+url\(([^)]*)\)", text)]
    css = (built_example / "assets" / "style.css").read_text(encoding="utf-8")
    foreign += re.findall(r"url\((?:['\"])?(?:https?:)?//[^)]*\)", css)
    assert foreign == []


def test_404_page_links_work_at_any_depth(built_example: Path) -> None:
    refs = references(built_example / "404.html")
    for url in refs.links + refs.loads:
        assert url.startswith(("/dsxx/", "#", *FILING_SITES)), url


def test_feed_is_atom_with_absolute_urls_newest_first(built_example: Path) -> None:
    feed = ET.parse(built_example / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert 1 <= len(entries) <= 20
    for element in [feed, *entries]:
        assert element.find(f"{ATOM}id") is not None and element.find(f"{ATOM}updated") is not None
        assert element.find(f"{ATOM}title").text
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert all(link.startswith("https://www.example.gov.cn/dsxx/units/") for link in links)
    dates = [e.find(f"{ATOM}published").text for e in entries]
    assert dates == sorted(dates, reverse=True)


def test_sitemap_lists_every_page_with_an_absolute_url(built_example: Path) -> None:
    urls = {loc.text for loc in ET.parse(built_example / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")}
    pages = {"https://www.example.gov.cn/dsxx/" + p.relative_to(built_example).as_posix().removesuffix("index.html")
             for p in built_example.rglob("index.html")}
    assert urls == pages


def test_bulletin_page_shows_title_date_unit_and_body(built_example: Path) -> None:
    page = (built_example / "units/yunxi/2021-06-04-chuancheng-hongse-jiyin/index.html").read_text(encoding="utf-8")
    assert '<h1><span class="title-main">传承红色<wbr>基因 凝聚奋进力量</span><span class="subtitle">——云溪区' in page
    assert '<time datetime="2021-06-04">2021年6月4日</time>' in page
    assert 'href="/dsxx/units/yunxi/"' in page
    assert "11543" in page


def test_home_shows_headline_figures_latest_bulletins_and_units(built_example: Path) -> None:
    page = (built_example / "index.html").read_text(encoding="utf-8")
    stats = json.loads((built_example / "stats.json").read_text(encoding="utf-8"))
    assert 'href="/dsxx/stats/"' in page
    for unit in EXAMPLE_UNITS:
        assert f'href="/dsxx/units/{unit}/"' in page
    assert "2万余" in page or "万余" in page  # participants, written the Chinese way
    assert stats["units"] == 5 and stats["bulletins"] == 5


def test_minimal_site_builds_with_the_builtin_theme(minimal_site: Path) -> None:
    run = run_cli("build", "--source", minimal_site)
    assert run.code == 0, run.err
    output = minimal_site / "output"
    assert (output / "units/town/2021-06-30-gong-zuo-dong-tai/index.html").is_file()
    assert (output / "units/town/report-q1/index.html").is_file()
    assert 'href="/news/assets/style.css"' in (output / "index.html").read_text(encoding="utf-8")


def test_bulletin_links_to_older_and_newer_bulletins_of_its_unit(minimal_site: Path) -> None:
    run_cli("build", "--source", minimal_site)
    newer = (minimal_site / "output/units/town/2021-06-30-gong-zuo-dong-tai/index.html").read_text(encoding="utf-8")
    older = (minimal_site / "output/units/town/report-q1/index.html").read_text(encoding="utf-8")
    assert 'rel="prev" href="/news/units/town/report-q1/"' in newer
    assert 'rel="next" href="/news/units/town/2021-06-30-gong-zuo-dong-tai/"' in older


def test_summary_defaults_to_first_paragraph_cut_at_a_sentence(minimal_site: Path) -> None:
    (minimal_site / "content/town/long.md").write_text(
        "---\ntitle: 长文\ndate: 2021-01-05\n---\n" + "第一句话很长" * 15 + "。" + "第二句话也很长" * 15 + "。\n",
        encoding="utf-8")
    run_cli("build", "--source", minimal_site)
    unit_page = (minimal_site / "output/units/town/index.html").read_text(encoding="utf-8")
    assert '<p class="summary">' + "第一句话很长" * 15 + "。</p>" in unit_page


def test_base_url_option_overrides_site_yaml(minimal_site: Path) -> None:
    run_cli("build", "--source", minimal_site, "--base-url", "https://other.example/a/b")
    page = (minimal_site / "output/index.html").read_text(encoding="utf-8")
    assert 'href="/a/b/units/"' in page
    assert "https://other.example/a/b/feed.xml" in (minimal_site / "output/feed.xml").read_text(encoding="utf-8")


def test_drafts_are_published_only_with_the_drafts_option(minimal_site: Path) -> None:
    (minimal_site / "content/town/draft.md").write_text(
        "---\ntitle: 草稿\ndate: 2021-07-01\ndraft: true\n---\n草稿正文。\n", encoding="utf-8")
    run_cli("build", "--source", minimal_site)
    assert not (minimal_site / "output/units/town/draft").exists()
    run_cli("build", "--source", minimal_site, "--drafts")
    assert (minimal_site / "output/units/town/draft/index.html").is_file()
