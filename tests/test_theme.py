"""The built-in theme: a text size switch for older readers that needs no cookie and is simply absent
without JavaScript, pages that a strict Content-Security-Policy does not break, and no sideways
scrolling on a 360 px phone at any text size."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest

BASE = "/dsxx/"
BULLETIN = "units/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu/"
PHONE = {"width": 360, "height": 740}
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'"


@pytest.fixture(scope="module")
def output(example_output: Path) -> Path:
    return example_output


@pytest.fixture(scope="module")
def site(output: Path) -> Iterator[str]:
    from static_server import serve_output

    with serve_output(output, BASE) as url:
        yield url


def body_px(page) -> float:
    return float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.prose p, main p')).fontSize)"))


def size_button(page, text: str):
    """The switch's button whose visible text is ``text`` (its name is "A+ 大字号")."""
    return page.get_by_role("button", name=re.compile("^" + re.escape(text) + " "))


def pressed(page) -> list[str]:
    return page.eval_on_selector_all(".text-size button", "bs => bs.map(b => b.getAttribute('aria-pressed'))")


def test_a_plus_plus_enlarges_the_text_and_is_remembered_on_the_next_page(browser, site: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site + BULLETIN)
    default = body_px(page)
    buttons = page.locator(".text-size button")
    assert buttons.all_inner_texts() == ["A", "A+", "A++"]
    assert pressed(page) == ["true", "false", "false"]

    size_button(page, "A++").click()
    larger = body_px(page)
    assert larger >= default * 1.3
    assert pressed(page) == ["false", "false", "true"]
    assert page.evaluate("document.documentElement.className") == "text-larger"

    page.get_by_role("link", name="高科集团").first.click()  # on to the unit's page
    page.wait_for_url("**/units/zhuzhou-gaoke/")
    assert page.evaluate("document.documentElement.className") == "text-larger"
    assert pressed(page) == ["false", "false", "true"]
    page.goto(site + BULLETIN)
    assert body_px(page) == larger

    size_button(page, "A+").click()
    assert default < body_px(page) < larger
    size_button(page, "A").click()
    assert body_px(page) == default
    page.reload()
    assert page.evaluate("document.documentElement.className") == "" and body_px(page) == default
    assert context.cookies() == [] and page.evaluate("document.cookie") == ""  # remembered without a cookie
    context.close()


def test_without_javascript_the_page_renders_normally_with_no_switch(browser, site: str) -> None:
    with_js = browser.new_context(viewport=PHONE)
    page = with_js.new_page()
    page.goto(site + BULLETIN)
    default = body_px(page)
    with_js.close()

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + BULLETIN)
    assert page.locator(".text-size").count() == 0
    assert page.get_by_text("A++").count() == 0
    assert body_px(page) == default
    assert page.locator("h1").inner_text() == "高科集团扎实推进党史学习教育"
    assert page.locator(".site-nav a").count() >= 4
    context.close()


def test_the_theme_works_under_a_strict_content_security_policy(browser, site: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()

    def with_csp(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page.route("**/*", with_csp)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text
            else None)
    for path in ("", BULLETIN, "stats/", "units/zhuzhou-gaoke/"):
        page.goto(site + path)
        assert page.locator(".text-size button").count() == 3
    size_button(page, "A++").click()
    assert page.evaluate("document.documentElement.className") == "text-larger"
    assert blocked == []
    context.close()


def test_pages_have_no_inline_script_style_or_event_handler(output: Path) -> None:
    for file in sorted(output.rglob("*.html")):
        html = file.read_text(encoding="utf-8")
        for script in re.findall(r"<script\b[^>]*>", html, re.I):
            assert re.fullmatch(r'<script src="/dsxx/(zh-hant/)?assets/[a-z]+\.js"( data-bundles="(/dsxx/pagefind/[0-9a-z-]+/ ?)+"'
                                    r'( data-mirror-bundles="(/dsxx/pagefind/hant-[0-9a-z-]+/ ?)+")? defer)?>',
                                script), (file, script)
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I), file
        assert not re.search(r"<[^>]+\sstyle\s*=", html, re.I), file
        assert "<style" not in html and "javascript:" not in html, file


@pytest.mark.parametrize("size", ["A", "A++"])
def test_no_page_scrolls_sideways_on_a_360px_phone(browser, site: str, size: str) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(site)
    size_button(page, size).click()
    wide = []
    for path in ("", "units/", "units/zhuzhou-gaoke/", BULLETIN, "stats/", "bulletins/",
                 "bulletins/2021/", "bulletins/2021/06/", "tags/", "tags/xuan-jiang/", "about/", "search/?q=%E5%AE%9E%E4%BA%8B",
                 "no/such/page/"):
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            wide.append(f"{path or 'home'}: {overflow}px")
    page.close()
    assert wide == []


def test_at_a_plus_plus_the_header_takes_at_most_a_quarter_of_a_phones_first_screen(browser, site: str) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(site)
    size_button(page, "A++").click()
    for path in ("", BULLETIN, "stats/", "search/"):
        page.goto(site + path)
        height = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
        assert height <= PHONE["height"] / 4, (path, height)
    page.close()


def test_a_wide_table_scrolls_in_its_box_with_a_cue_and_its_first_column_in_view(browser, site: str) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(site + "units/jilin-gaoxin/")
    box = page.locator(".table-scroll").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # six metrics do not fit 328 px
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]  # the page itself does not scroll
    hint = box.locator(".scroll-hint")
    assert hint.is_visible() and hint.inner_text() == "左右滑动查看全表 →"
    first = box.locator("tbody th").first
    before = first.bounding_box()["x"]
    box.evaluate("b => b.scrollLeft = 200")
    assert first.bounding_box()["x"] == pytest.approx(before, abs=1)  # the date column stays
    assert box.locator("tbody td").first.bounding_box()["x"] < before + 100  # the figures moved under it
    page.close()


def test_a_column_header_keeps_its_counting_word_whole(browser, site: str) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(site + "units/jilin-gaoxin/")
    words = page.locator("thead .counting-word")
    assert words.count() >= 5
    for n in range(words.count()):
        rects = words.nth(n).evaluate("w => w.getClientRects().length")
        assert rects == 1, words.nth(n).inner_text()  # one line box: （场次） never broken
    page.close()


def test_the_article_offers_text_sizes_and_printing_and_hides_them_without_javascript(browser, site: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site + BULLETIN)
    tools = page.locator("[data-article-tools]")
    assert tools.is_visible()
    assert tools.locator(".article-size button").all_inner_texts() == ["大", "中", "小"]
    default = body_px(page)
    tools.get_by_role("button", name="大", exact=True).click()
    assert page.evaluate("document.documentElement.className") == "text-larger" and body_px(page) > default
    assert pressed(page) == ["false", "false", "true"]  # the strip's A++ shows the same choice
    tools.get_by_role("button", name="小", exact=True).click()
    assert body_px(page) == default
    page.evaluate("window.print = () => { window.printed = true; }")
    tools.get_by_role("button", name="打印本页").click()
    assert page.evaluate("window.printed === true")
    context.close()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + BULLETIN)
    assert not page.locator("[data-article-tools]").is_visible()
    assert page.get_by_text("打印本页").count() == 0
    context.close()
