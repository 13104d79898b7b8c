"""Search finds what it is asked (SPEC section 3): every term of the query in each result's page, nothing for a word
the site does not have, figures as written, excerpts from the bulletin's text, the mirror searched in traditional
characters; in headless Chromium on the built site and its index."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

import pytest
from conftest import copy_example, run_cli, write_files
from static_server import serve_output

BASE = "/dsxx/"
# Bulletins of this test beside the example's five: a figure as a unit might write it, text that looks like
# markup, and enough short notes of other years that one word is in more bulletins than a page of results shows.
EXTRA = {
    "content/zhuzhou-gaoke/2022-03-31-jidu-jianbao.md": """
        ---
        title: 一季度党史学习教育简报
        date: 2022-03-31
        ---
        一季度，集团开展专题宣讲，参与800余人次；完成投资166.3亿元。

        会上展示了写作“<b>加粗</b>”的标记文字&lt;img src=x onerror=alert(1)&gt;示例。
        """,
    **{f"content/yunxi/2020-{1 + n // 28:02d}-{1 + n % 28:02d}-gongzuo-jilu-{n}.md": f"""
        ---
        title: 工作记录第{n}期
        date: 2020-{1 + n // 28:02d}-{1 + n % 28:02d}
        ---
        本期记录乡村振兴第{n}项工作进展。
        """ for n in range(33)},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("search-finds"))
    write_files(root, EXTRA)
    run = run_cli("build", "--source", root, "--quiet")
    assert run.code == 0, run.err
    return root / "output"


@pytest.fixture(scope="module")
def page(site: Path, browser: object) -> Iterator[tuple[object, str]]:
    with serve_output(site, BASE) as url:
        tab = browser.new_page()  # type: ignore[attr-defined]
        tab.set_default_timeout(30_000)
        yield tab, url
        tab.close()


def page_text(output: Path, path: str) -> str:
    """What a reader reads of a bulletin page: its title and text, spaces between Chinese characters dropped."""
    from bench.relevance import read_page

    data = read_page(output / path / "index.html")
    return re.sub(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])", "", f"{data['title']}\n{data['body']}")


def bulletins_with(output: Path, words: list[str], mirror: bool = False) -> set[str]:
    """The bulletin pages whose title and text contain every word (plain substring search)."""
    prefix = "zh-hant/" if mirror else ""
    found = set()
    for index in output.glob(prefix + "units/*/*/index.html"):
        path = index.parent.relative_to(output).as_posix() + "/"
        if all(word in page_text(output, path) for word in words):
            found.add(path)
    return found


def search(page: tuple[object, str], query: str, mirror: bool = False, every: bool = True) -> dict[str, object]:
    """The search page's status, result paths and excerpts for ``query`` (pressing 显示更多 until all are shown)."""
    tab, url = page
    tab.goto(url + ("zh-hant/" if mirror else "") + "search/?" + urlencode({"q": query}))  # type: ignore[attr-defined]
    settle = ("(() => { const s = document.getElementById('search-status').textContent; return s && "
              "!/正在搜/.test(s) && document.getElementById('search-results').getAttribute('aria-busy') !== 'true'; })()")
    tab.wait_for_function(settle)  # type: ignore[attr-defined]
    more = tab.locator("#search-more")  # type: ignore[attr-defined]
    while every and more.is_visible():
        more.click()
        tab.wait_for_function(settle)  # type: ignore[attr-defined]
    links = tab.locator("#search-results li h2 a").evaluate_all("as => as.map(a => a.getAttribute('href'))")  # type: ignore[attr-defined]
    return {
        "status": tab.locator("#search-status").inner_text(),  # type: ignore[attr-defined]
        "paths": [link.removeprefix(BASE) for link in links],
        "excerpts": tab.locator("#search-results .summary").all_inner_texts(),  # type: ignore[attr-defined]
        "marks": tab.locator("#search-results .summary mark").all_inner_texts(),  # type: ignore[attr-defined]
    }


def test_a_two_character_word_finds_every_bulletin_containing_it_and_no_other(site: Path, page: tuple) -> None:
    found = search(page, "党史")
    expected = bulletins_with(site, ["党史"])
    assert len(expected) >= 6
    bulletins = {p for p in found["paths"] if p.count("/") == 3}
    assert bulletins == expected
    assert found["status"] == f"找到 {len(found['paths'])} 条结果。"
    assert set(found["marks"]) == {"党史"}


def test_a_word_in_no_bulletin_finds_nothing_though_its_characters_are_there(site: Path, page: tuple) -> None:
    assert sum(bool(bulletins_with(site, [c])) for c in "量子计算") >= 3
    found = search(page, "量子计算")
    assert found["paths"] == []
    assert found["status"] == "没有找到与“量子计算”相关的内容。"


@pytest.mark.parametrize("figure", ["800余人次", "166.3亿元", "11543", "800余人"])
def test_figures_are_found_as_written(site: Path, page: tuple, figure: str) -> None:
    found = search(page, figure)
    expected = bulletins_with(site, [figure])
    assert expected
    assert set(found["paths"]) == expected
    assert figure in found["marks"]


def test_a_figure_is_not_found_in_a_longer_one_that_differs(site: Path, page: tuple) -> None:
    assert search(page, "166.4亿元")["paths"] == []


def test_the_excerpt_is_the_bulletins_own_text_around_the_match(site: Path, page: tuple) -> None:
    found = search(page, "11543")
    (path,) = found["paths"]
    (excerpt,) = found["excerpts"]
    words = excerpt.strip("…")
    assert "11543" in words
    assert words in page_text(site, path)
    assert "2021年6月4日" not in excerpt and "云溪区2021" not in excerpt


def test_index_text_is_shown_as_text_never_as_markup(page: tuple) -> None:
    found = search(page, "标记文字")
    (excerpt,) = found["excerpts"]
    assert "<img src=x onerror=alert(1)>" in excerpt
    tab, _ = page
    assert tab.locator("#search-results img").count() == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("query", ["，。！", "  …… —— ", "“”"])
def test_a_query_of_only_punctuation_asks_for_a_word(page: tuple, query: str) -> None:
    found = search(page, query)
    assert found["status"] == "请输入要搜索的词语。"
    assert found["paths"] == []


def test_every_term_of_a_query_must_be_in_the_page(site: Path, page: tuple) -> None:
    found = search(page, "党史  11543")
    assert set(found["paths"]) == bulletins_with(site, ["党史", "11543"]) == {
        "units/yunxi/2021-06-04-chuancheng-hongse-jiyin/"}
    assert search(page, "量子计算 党史")["paths"] == []


def test_more_results_than_a_page_are_shown_on_asking(site: Path, page: tuple) -> None:
    expected = bulletins_with(site, ["乡村振兴"])
    assert len(expected) > 30
    first = search(page, "乡村振兴", every=False)
    assert len(first["paths"]) == 30
    assert first["status"] == f"找到 {len(expected)} 条结果，显示前 30 条。"
    assert set(search(page, "乡村振兴")["paths"]) == expected


def test_the_mirror_searches_its_own_pages_in_traditional_characters(site: Path, page: tuple) -> None:
    found = search(page, "黨史", mirror=True)
    expected = bulletins_with(site, ["黨史"], mirror=True)
    assert expected and all(path.startswith("zh-hant/units/") for path in expected)
    assert {p for p in found["paths"] if p.count("/") == 4} == expected
    assert found["status"] == f"找到 {len(found['paths'])} 條結果。"
    tab, _ = page
    switch = tab.locator("a.variant-switch").get_attribute("href")  # type: ignore[attr-defined]
    assert switch.endswith("search/?" + urlencode({"q": "黨史"}))
    assert search(page, "，", mirror=True)["status"] == "請輸入要搜索的詞語。"


def test_the_simplified_page_switches_to_the_mirror_with_its_query(page: tuple) -> None:
    search(page, "党史")
    tab, _ = page
    assert tab.locator("a.variant-switch").get_attribute("href").endswith(  # type: ignore[attr-defined]
        "zh-hant/search/?" + urlencode({"q": "党史"}))


def test_without_javascript_the_search_page_points_to_the_lists(site: Path, browser: object) -> None:
    with serve_output(site, BASE) as url:
        context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
        tab = context.new_page()
        tab.goto(url + "search/?q=党史")
        notice = tab.locator("#search-needs-script")
        assert notice.is_visible()
        assert notice.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))") == [
            BASE + "bulletins/", BASE + "units/"]
        context.close()


def test_results_read_well_on_a_phone_and_to_a_screen_reader(page: tuple) -> None:
    tab, _ = page
    tab.set_viewport_size({"width": 390, "height": 844})  # type: ignore[attr-defined]
    try:
        found = search(page, "乡村振兴", every=False)
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390  # type: ignore[attr-defined]
        status = tab.locator("#search-status")  # type: ignore[attr-defined]
        assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
        assert tab.locator("ol#search-results > li > h2 > a").count() == len(found["paths"]) == 30  # type: ignore[attr-defined]
        more = tab.get_by_role("button", name="显示更多")  # type: ignore[attr-defined]
        more.click()
        tab.wait_for_function("document.getElementById('search-results').getAttribute('aria-busy') === 'false' && "  # type: ignore[attr-defined]
                              "document.querySelectorAll('#search-results li').length > 30")
        # The reader is taken to the first result it had not seen.
        assert tab.evaluate("document.activeElement === document.querySelectorAll('#search-results li h2 a')[30]")  # type: ignore[attr-defined]
        assert not more.is_visible()
    finally:
        tab.set_viewport_size({"width": 1280, "height": 720})  # type: ignore[attr-defined]


def test_a_count_not_yet_checked_is_said_to_be_at_least(site: Path, browser: object) -> None:
    """With more candidates than the page checks unasked (300; 5 here), the count says 至少 until all are checked."""
    expected = bulletins_with(site, ["乡村振兴"])
    with serve_output(site, BASE) as url:
        tab = browser.new_page()  # type: ignore[attr-defined]

        def fewer_ahead(route: object) -> None:
            response = route.fetch()  # type: ignore[attr-defined]
            script = response.text()
            assert "var CHECK_AHEAD = 300;" in script
            route.fulfill(response=response, body=script.replace("var CHECK_AHEAD = 300;", "var CHECK_AHEAD = 5;"))  # type: ignore[attr-defined]

        tab.route("**/assets/search.js", fewer_ahead)
        found = search((tab, url), "乡村振兴", every=False)
        assert found["status"] == "找到至少 30 条结果，显示前 30 条。"
        found = search((tab, url), "乡村振兴")
        assert set(found["paths"]) == expected
        assert found["status"] == f"找到 {len(expected)} 条结果。"
        tab.close()


def test_filters_cover_every_shard_of_the_index(site: Path, page: tuple) -> None:
    tab, url = page
    search(page, "乡村振兴")
    years = tab.locator("select[name=year] option").evaluate_all("os => os.map(o => o.value)")  # type: ignore[attr-defined]
    assert {"2020", "2021", "2022"} <= set(years)
    tab.goto(url + "search/?" + urlencode({"q": "党史", "year": "2022"}))  # type: ignore[attr-defined]
    tab.wait_for_function("document.getElementById('search-results').getAttribute('aria-busy') === 'false'")  # type: ignore[attr-defined]
    links = tab.locator("#search-results li h2 a").evaluate_all("as => as.map(a => a.getAttribute('href'))")  # type: ignore[attr-defined]
    assert links == [BASE + "units/zhuzhou-gaoke/2022-03-31-jidu-jianbao/"]
