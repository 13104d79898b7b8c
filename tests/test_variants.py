"""The traditional-Chinese mirror: every page again under zh-hant/, linked to its twin, searchable."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser import chromium_page
from conftest import run_cli, write_files
from static_server import serve_output

from bulletin.pipeline.build import BuildOptions, build

SWITCH = re.compile(r'<a class="variant-switch" href="([^"]+)" hreflang="([^"]+)"')


@pytest.fixture(scope="module")
def mirrored(example_output: Path) -> Path:
    assert "variants: [zh-Hant]" in (example_output.parent / "data/site.yaml").read_text(encoding="utf-8")
    return example_output


def pages(output: Path) -> list[str]:
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html")
                  if not p.relative_to(output).as_posix().startswith(("zh-hant/", "pagefind/")))


def test_every_page_has_a_traditional_twin_in_zh_hant(mirrored: Path) -> None:
    for rel in pages(mirrored):
        twin = (mirrored / "zh-hant" / rel).read_text(encoding="utf-8")
        assert '<html lang="zh-Hant">' in twin, rel


def test_the_mirror_is_in_traditional_characters(mirrored: Path) -> None:
    page = (mirrored / "zh-hant/units/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu/index.html").read_text("utf-8")
    assert "黨史學習教育" in page and "党史学习教育" not in page


def test_every_page_links_to_its_twin_in_the_other_script(mirrored: Path) -> None:
    for rel in pages(mirrored):
        url = "/dsxx/" + rel.removesuffix("index.html")
        simplified = (mirrored / rel).read_text(encoding="utf-8")
        traditional = (mirrored / "zh-hant" / rel).read_text(encoding="utf-8")
        assert SWITCH.search(simplified).groups() == (url.replace("/dsxx/", "/dsxx/zh-hant/", 1), "zh-Hant"), rel
        assert SWITCH.search(traditional).groups() == (url, "zh-CN"), rel


def test_links_in_the_mirror_stay_in_the_mirror_except_data_and_assets(mirrored: Path) -> None:
    for rel in pages(mirrored):
        html = (mirrored / "zh-hant" / rel).read_text(encoding="utf-8")
        html = SWITCH.sub("", html)
        for url in re.findall(r'(?:href|src)="(/dsxx/[^"]*)"', html):
            inside = url.startswith(("/dsxx/zh-hant/", "/dsxx/assets/", "/dsxx/pagefind/"))
            assert inside or url in ("/dsxx/stats.json", "/dsxx/stats.csv", "/dsxx/stats.xlsx"), (rel, url)
            target = url.removeprefix("/dsxx/").split("#")[0]
            assert (mirrored / (target + "index.html" if target.endswith("/") or not target else target)).exists()


def test_statistics_and_feeds_work_in_the_mirror(mirrored: Path) -> None:
    stats = (mirrored / "zh-hant/stats/index.html").read_text(encoding="utf-8")
    assert "累計統計" in stats and "<svg" in stats
    feed = ET.parse(mirrored / "zh-hant/feed.xml").getroot()
    links = [e.get("href") for e in feed.iter("{http://www.w3.org/2005/Atom}link") if e.get("rel") == "alternate"]
    assert links and all(link.startswith("https://www.example.gov.cn/dsxx/zh-hant/") for link in links)


def test_search_works_in_the_mirror(mirrored: Path) -> None:
    with serve_output(mirrored, "/dsxx/") as site, chromium_page() as page:
        page.goto(site + "zh-hant/search/?q=%E5%AF%A6%E4%BA%8B")  # 實事
        page.wait_for_selector("#search-results li")
        urls = page.locator("#search-results h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert len(urls) >= 2 and all("/zh-hant/" in url for url in urls), urls


def test_a_site_without_variants_has_no_mirror_and_no_switch(minimal_site: Path) -> None:
    assert run_cli("build", "--source", minimal_site).code == 0
    assert not (minimal_site / "output/zh-hant").exists()
    assert "variant-switch" not in (minimal_site / "output/index.html").read_text(encoding="utf-8")


def test_an_unknown_variant_is_an_error(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/site.yaml": "title: 示范\nbase_url: https://example.org/news/\nvariants: [zh-HK]\n"})
    assert run_cli("check", "--source", minimal_site).lines == [
        'data/site.yaml:3:11: error: unknown variant "zh-HK"; the one there is: zh-Hant']


def test_the_progress_line_counts_pages_not_their_twins_too(example_site: Path) -> None:
    counts: list[tuple[int, int]] = []
    options = BuildOptions(example_site, example_site / "output", jobs=1)
    assert build(options, progress=lambda done, total: counts.append((done, total))).ok
    assert counts and all(done <= total for done, total in counts)
    bulletins = len(list((example_site / "content").glob("*/*.md"))) - len(list((example_site / "content/pages").glob("*.md")))
    assert (bulletins, bulletins) in counts  # every bulletin page, each counted once
