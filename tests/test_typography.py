"""Chinese typography: headings break only between phrases (never inside a word) on a phone and on a desktop,
measured in the browser; a title and its subtitle are separate lines; punctuation is drawn by the Chinese face."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest
from conftest import output_files, run_cli, write_files

from bulletin.render.phrases import Phrases

BASE = "/dsxx/"
WIDTHS = {"phone": 360, "desktop": 1280}
YUNXI = "units/yunxi/2021-06-04-chuancheng-hongse-jiyin/"
# Where a line of a heading may end: after these (and before the opening ones), at a space, at a <wbr>.
LINE_BREAKS = """(heading) => {
  const chars = [], wbr = new Set(), blocks = new Set();
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        for (let i = 0; i < child.data.length; i++) chars.push([child, i]);
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.tagName === 'WBR') { wbr.add(chars.length); continue; }
        if (getComputedStyle(child).display === 'block') blocks.add(chars.length);
        walk(child);
      }
    }
  };
  walk(heading);
  const text = chars.map(([n, i]) => n.data[i]).join('');
  const size = parseFloat(getComputedStyle(heading).fontSize);
  const breaks = [];
  let top = null;
  chars.forEach(([node, i], k) => {
    if (/\\s/.test(node.data[i])) return;
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const rect = range.getClientRects()[0];
    if (!rect) return;
    if (top !== null && rect.top > top + size / 2) breaks.push(k);
    top = rect.top;
  });
  return {text, breaks, allowed: [...wbr, ...blocks]};
}"""
CLOSING = set("，。、；：？！）》」』】〕”’…")
OPENING = set("（《「『【〔“‘")


def breaks_inside_words(found: dict) -> list[str]:
    """The line breaks of a heading that fall neither at a <wbr>, a space, a block's start nor beside punctuation."""
    text, allowed = found["text"], set(found["allowed"])
    bad = []
    for at in found["breaks"]:
        before, after = text[:at].rstrip(), text[at:].lstrip()
        if at in allowed or len(before) < at or not before or before[-1] in CLOSING or after[:1] in OPENING \
                or not after or before[-1].isspace():
            continue
        bad.append(f"{text[:at]} / {text[at:]}")
    return bad


@pytest.fixture(scope="module")
def site(example_output: Path) -> Iterator[str]:
    from static_server import serve_output

    with serve_output(example_output, BASE) as url:
        yield url


def example_pages(output: Path) -> list[str]:
    """Every page of the example site (its simplified pages: the mirror has the same lines)."""
    return sorted(p.parent.relative_to(output).as_posix() + "/" for p in output.rglob("index.html")
                  if not p.relative_to(output).as_posix().startswith(("zh-hant/", "search/")))


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_heading_of_the_example_site_breaks_inside_a_word(browser, example_output: Path, site: str,
                                                            width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    bad, headings, broken = [], 0, 0
    for path in example_pages(example_output):
        page.goto(site + path.removeprefix("./"))
        for found in page.eval_on_selector_all("h1, h2, h3, h4", f"hs => hs.map({LINE_BREAKS})"):
            headings += 1
            broken += bool(found["breaks"])
            bad += [f"{path}: {b}" for b in breaks_inside_words(found)]
    page.close()
    assert headings > 100 and (broken > 5 or width > 1000), (headings, broken)  # the test sees broken headings
    assert bad == []


def test_a_title_and_its_subtitle_are_separate_lines(browser, site: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(site + YUNXI)
    main = page.locator("h1 .title-main").bounding_box()
    sub = page.locator("h1 .subtitle").bounding_box()
    assert page.locator("h1 .title-main").inner_text() == "传承红色基因 凝聚奋进力量"
    assert page.locator("h1 .subtitle").inner_text() == "——云溪区扎实推进党史学习教育纪实"
    assert sub["y"] >= main["y"] + main["height"] - 1  # a line of its own, under the title
    assert page.locator("h1").inner_text().replace("\n", "") == "传承红色基因 凝聚奋进力量——云溪区扎实推进党史学习教育纪实"
    page.close()


@pytest.mark.parametrize("text, words", [
    ("高科集团扎实推进党史学习教育", ["高科集团", "扎实", "推进", "党史", "学习", "教育"]),
    ("吉林高新区扎实开展党史学习教育综述", ["吉林高新区", "开展", "党史"]),
    ("云溪区：以“我为群众办实事”实践活动为抓手 推动党史学习教育走深走实", ["云溪区", "我为群众办实事", "走深走实"]),
    ("坚持学史力行 开展我为群众办实事实践活动", ["学史力行", "群众"]),
    ("传承红色基因 凝聚奋进力量", ["凝聚", "奋进", "力量"]),
    ("在成效上求“实” 全面覆盖广泛学", ["成效", "全面", "覆盖"]),
    ("已办结实事", ["已办结实事"]),
])
def test_phrase_boundaries_never_split_these_words(text: str, words: list[str]) -> None:
    phrases = Phrases(("吉林高新区", "云溪区", "高科集团", "已办结实事"))
    breaks = phrases.breaks(text)
    for word in words:
        start = text.index(word)
        assert not [b for b in breaks if start < b < start + len(word)], (word, str(phrases(text)))
    assert phrases.breaks(text) == breaks  # the same text, the same breaks


def test_a_line_never_starts_with_closing_punctuation_nor_ends_with_an_opening_one() -> None:
    phrases = Phrases(("云溪区",))
    for text in ("云溪区：以“我为群众办实事”实践活动为抓手", "一、以上率下、迅速动员，让党史学习教育“热起来”"):
        for at in phrases.breaks(text):
            assert text[at] not in CLOSING and text[at - 1] not in OPENING, (text[:at], text[at:])


def test_list_pages_break_titles_as_their_own_pages_do_whichever_process_rendered_them(minimal_site: Path,
                                                                                        tmp_path: Path) -> None:
    """Render workers hand the breaks they found in bulletins' titles to the workers of the list pages: the
    site is the same as one process makes."""
    titles = ["扎实推进党史学习教育——第{}期工作简报", "以“我为群众办实事”实践活动为抓手 推动走深走实（{}）"]
    write_files(minimal_site, {f"content/town/m{n:03d}.md": f"---\ntitle: {titles[n % 2].format(n)}\n"
                                                          f"date: 2021-04-{1 + n % 28:02}\n---\n正文{n}。\n"
                               for n in range(80)})  # enough bulletins for worker processes
    outputs = {}
    for jobs in ("1", "2"):
        assert run_cli("build", "--source", minimal_site, "--output", tmp_path / jobs, "--jobs", jobs).code == 0
        outputs[jobs] = output_files(tmp_path / jobs)
    assert outputs["2"] == outputs["1"]
    archive = (tmp_path / "2" / "bulletins/index.html").read_text(encoding="utf-8")
    assert '<span class="title-main">扎实<wbr>推进<wbr>党史<wbr>学习<wbr>教育</span>' in archive


def test_quotes_and_ellipsis_are_drawn_by_the_chinese_face(browser, site: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(site + YUNXI)
    widths = page.evaluate("""() => {
      const p = document.querySelector('.prose p');
      const measure = (text) => { const s = document.createElement('span'); s.textContent = text;
                                  s.style.textSpacingTrim = 'space-all'; p.appendChild(s);  // the glyph's own width
                                  const w = s.getBoundingClientRect().width; s.remove(); return w; };
      const size = parseFloat(getComputedStyle(p).fontSize);
      return {quote: measure('“') / size, ellipsis: measure('……') / size, han: measure('党') / size};
    }""")
    page.close()
    assert widths["han"] == pytest.approx(1, abs=0.05)
    assert widths["quote"] == pytest.approx(1, abs=0.05)  # a full-width quotation mark, not a narrow Latin one
    assert widths["ellipsis"] == pytest.approx(2, abs=0.1)


def test_every_font_stack_ends_in_a_generic_family_and_no_web_font_can_hide_text() -> None:
    css = (Path(__file__).resolve().parent.parent / "bulletin/theme/static/style.css").read_text(encoding="utf-8")
    assert "@font-face" not in css  # the machine's own faces only: nothing to wait for, nothing invisible meanwhile
    stacks = re.findall(r"(?:font-family|--sans|--song|--fangsong|--kai|--hei)\s*:\s*([^;]+);", css)
    assert len(stacks) >= 5
    for stack in stacks:
        last = stack.split(",")[-1].strip()
        assert last in ("serif", "sans-serif", "inherit") or last.startswith("var(--"), stack


@pytest.mark.parametrize("media, selector", [("screen", ".prose p"), ("print", ".prose p"), ("print", "h1")])
def test_the_text_is_drawn_by_an_installed_chinese_face_on_screen_and_paper(browser, site: str, media: str,
                                                                          selector: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.emulate_media(media=media)
    page.goto(site + YUNXI)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    text = page.locator(selector).first.inner_text()
    page.close()
    assert fonts and sum(f["glyphCount"] for f in fonts) >= len(re.sub(r"\s", "", text))  # every character drawn
    assert any(re.search(r"CJK|AR PL|WenQuanYi", f["familyName"]) for f in fonts), fonts
