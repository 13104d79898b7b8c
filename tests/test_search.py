"""Site search: Pagefind's index of the site's own pages, a search page, filters; off with `search: false`."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import chromium_page
from conftest import output_files, run_cli, write_files
from static_server import serve_output


@pytest.fixture(scope="module")
def searchable(example_output: Path) -> Path:
    return example_output


def test_build_writes_a_search_index_and_page_and_a_search_box_on_every_page(searchable: Path) -> None:
    assert (searchable / "pagefind/2021/pagefind.js").is_file()  # a shard per year of bulletins
    assert (searchable / "pagefind/units/pagefind.js").is_file()  # and one of the units
    assert not (searchable / "pagefind/pagefind.js").exists()
    assert (searchable / "search/index.html").is_file()
    assert 'data-bundles="/dsxx/pagefind/2021/ /dsxx/pagefind/units/"' in (
        searchable / "search/index.html").read_text(encoding="utf-8")
    for page in ("index.html", "units/yunxi/index.html", "stats/index.html"):
        html = (searchable / page).read_text(encoding="utf-8")
        assert '<form class="site-search" role="search" action="/dsxx/search/"' in html


def search(output: Path, query: str, **filters: str) -> tuple[list[str], list[str], str]:
    """(result titles, their meta lines, status) of the search page in Chromium."""
    from urllib.parse import urlencode

    with serve_output(output, "/dsxx/") as site, chromium_page() as page:
        page.goto(site + "search/?" + urlencode({"q": query, **filters}))
        page.wait_for_function("document.getElementById('search-status').textContent.indexOf('结果') >= 0 || "
                               "document.getElementById('search-status').textContent.indexOf('没有') >= 0")
        titles = page.locator("#search-results h2").all_inner_texts()
        metas = page.locator("#search-results .meta").all_inner_texts()
        marks = page.locator("#search-results mark").count()
        assert marks > 0 or not titles
        return titles, metas, page.locator("#search-status").inner_text()


def test_searching_实事_lists_bulletins_of_several_units(searchable: Path) -> None:
    titles, metas, _ = search(searchable, "实事")
    units = {meta.split(" · ")[0] for meta in metas}
    assert len(titles) >= 3
    assert len(units) >= 3, metas


def test_searching_a_unit_name_finds_its_page(searchable: Path) -> None:
    titles, _, _ = search(searchable, "云溪区")
    assert any("云溪" in t for t in titles)


def test_results_can_be_filtered_by_unit(searchable: Path) -> None:
    titles, metas, _ = search(searchable, "实事", unit="高科集团")
    assert titles and all(meta.startswith("株洲高科集团") for meta in metas), metas


def test_site_with_search_off_builds_without_pagefind(minimal_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(minimal_site, {"data/site.yaml": "title: 示范\nbase_url: https://example.org/news/\nsearch: false\n"})
    monkeypatch.setattr("bulletin.output.search.pagefind_executable", lambda: None)
    assert run_cli("build", "--source", minimal_site).code == 0
    files = output_files(minimal_site / "output")
    assert not any(path.startswith(("pagefind/", "search/")) for path in files)
    assert b'class="site-search"' not in files["index.html"]


def test_search_without_pagefind_is_an_error_saying_what_to_do(minimal_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(minimal_site, {"data/site.yaml": "title: 示范\nbase_url: https://example.org/news/\n"})  # search on
    monkeypatch.setattr("bulletin.output.search.pagefind_executable", lambda: None)
    run = run_cli("build", "--source", minimal_site)
    assert run.code == 1
    assert run.lines == ["data/site.yaml:1:1: error: search needs Pagefind: pip install 'pagefind[extended]', "
                         "or set `search: false` in data/site.yaml"]
