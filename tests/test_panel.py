"""The preview's panel: an editor cannot miss a failed build, wherever they had scrolled to, and sees the warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import chromium_page, needs_chromium
from test_serve import BASE, BULLETIN_FILE, BULLETIN_PAGE, PANEL, UNIT_FILE, Preview, copy_site, wait_for_live_reload

from bulletin.errors import Severity, SourceError
from bulletin.messages import Language
from bulletin.serve.panel import problem_panel

BROKEN, FIXED = "\nreports: [\n", "\nreports:\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site(tmp_path / "site")


def in_viewport(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("""s => { const r = document.querySelector(s).getBoundingClientRect();
                                   return r.height > 0 && r.top >= 0 && r.top < window.innerHeight; }""", selector)


@needs_chromium
@pytest.mark.parametrize("width, height", [(1280, 800), (360, 740)])
def test_the_panel_is_on_screen_wherever_the_editor_had_scrolled_and_goes_without_a_jump(
        site: Path, width: int, height: int) -> None:
    server = Preview(site).start()
    try:
        with chromium_page() as page:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(server.origin + BULLETIN_PAGE)
            wait_for_live_reload(page)
            page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
            scrolled = page.evaluate("window.scrollY")
            assert scrolled > 1500, "the end of a long bulletin"
            server.edit(UNIT_FILE, FIXED, BROKEN)
            page.locator(f"#{PANEL_ID} [role=alert]").wait_for()
            assert page.evaluate("window.scrollY") == scrolled, "the page came back where the editor was"
            assert in_viewport(page, f"#{PANEL_ID} [role=alert]")
            assert page.title().startswith("✖ ")
            assert "data/units/zhuzhou-gaoke.yaml:10:10: error:" in page.locator(f"#{PANEL_ID}").inner_text()
            page.screenshot(path=str(site / f"panel-{width}.png"))

            wait_for_live_reload(page)
            server.edit(UNIT_FILE, BROKEN, FIXED)
            page.locator(f"#{PANEL_ID}").wait_for(state="detached")
            assert page.evaluate("window.scrollY") == scrolled, "nothing moved when the panel went"
            assert not page.title().startswith("✖")
    finally:
        server.kill()


@needs_chromium
def test_the_panel_can_be_folded_and_closed(site: Path) -> None:
    (site / UNIT_FILE).write_text((site / UNIT_FILE).read_text("utf-8").replace(FIXED, BROKEN, 1), "utf-8")
    server = Preview(site).start()
    try:
        with chromium_page() as page:
            page.goto(server.origin + BASE)
            alert = page.locator(f"#{PANEL_ID} [role=alert]")
            errors = alert.locator("ol").first
            assert errors.is_visible()
            alert.locator("summary").first.click()  # folds it, without a script
            assert not errors.is_visible() and alert.is_visible()
            top = page.evaluate("document.querySelector('main, body > *:not(section)').getBoundingClientRect().top")
            alert.get_by_role("button").click()  # × removes it
            assert page.locator(f"#{PANEL_ID}").count() == 0
            assert page.evaluate("document.querySelector('main, body > *:not(section)').getBoundingClientRect().top") == top
    finally:
        server.kill()


@needs_chromium
def test_the_warnings_of_a_good_build_are_listed_folded_in_a_quieter_bar(site: Path) -> None:
    text = (site / BULLETIN_FILE).read_text("utf-8")
    (site / BULLETIN_FILE).write_text(text.replace("\ntitle:", "\nsumary: 摘要\ntitle:", 1), "utf-8")
    server = Preview(site).start()
    try:
        with chromium_page() as page:
            page.goto(server.origin + BULLETIN_PAGE)
            bar = page.locator(f"#{PANEL_ID} [role=status]")
            assert bar.is_visible() and page.locator(f"#{PANEL_ID} [role=alert]").count() == 0
            assert not page.title().startswith("✖")
            listed = bar.locator("li").first
            assert not listed.is_visible(), "folded"
            bar.locator("summary").click()
            assert listed.is_visible()
            assert 'unknown key "sumary" in front matter (did you mean "summary"?)' in listed.inner_text()
    finally:
        server.kill()


PANEL_ID = PANEL.split('"')[1]


def test_a_failed_builds_panel_lists_its_warnings_folded_below_the_errors(tmp_path: Path) -> None:
    problems = [SourceError("data/units/a.yaml", 2, 1, "bad", Severity.ERROR),
                SourceError("content/a/b.md", 3, 1, "odd", Severity.WARNING)]
    panel = problem_panel(problems, tmp_path, Language.load("zh")).decode("utf-8")
    assert panel.index("data/units/a.yaml:2:1: error: bad") < panel.index("<details style") < panel.index(
        "content/a/b.md:3:1: warning: odd")
    assert "构建失败（1 个错误）" in panel and "上次构建有 1 个警告" in panel
    assert problem_panel([], tmp_path, Language.load("zh")) == b""


@needs_chromium
def test_a_save_that_only_adds_a_warning_brings_it_to_the_open_page(site: Path) -> None:
    server = Preview(site).start()
    try:
        with chromium_page() as page:
            page.goto(server.origin + BULLETIN_PAGE)
            wait_for_live_reload(page)
            server.edit(BULLETIN_FILE, "\ntitle:", "\nsumary: 摘要\ntitle:")  # the page itself does not change
            page.locator(f"#{PANEL_ID} [role=status]").wait_for()
    finally:
        server.kill()
