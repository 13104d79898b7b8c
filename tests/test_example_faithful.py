"""The example site publishes real texts as their sources give them: every word of each seed (tests/seeds/),
corrections only as 编者注, and what the editors supplied (titles, dates) marked as theirs."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import opencc
import pytest
import yaml
from conftest import REPO

SEEDS = REPO / "tests/seeds"
CONTENT = {"000": "zhuzhou-gaoke", "001": "tianjin-eco-city", "002": "yunxi", "003": "jilin-gaoxin",
           "004": "guizhou-gongxin"}
# What a seed holds that is not the text: its page's heading, 来源 line, byline and leftovers of the web page.
# Each is published elsewhere (title, source and author fields) or, for the leftovers, not at all.
FURNITURE = {
    "000": ("", ""),
    "001": ("", "来源:中新生态城发布"),
    "002": ("凝聚奋进力量——云溪区扎实推进党史学习教育纪实来源:-->",
            "(邓志强易松)2021-06-0400:00:00:0——云溪区扎实推进党史学习教育纪实498010"
            "http://192.168.99.30:8088/pc/content/202106/04/content_4980.htmlnullcontent_4980.html11"
            "传承红色基因凝聚奋进力量/enpproperty-->热点文章推荐相关文章推荐"),
    "003": ("吉林高新区扎实开展党史学习教育综述", "(吉林高新区党工委办公室张新卓)"),
    "004": ("", ""),
}
EDITORS_NOTE = re.compile(r"（编者注：[^）]*）")
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


def normal(text: str) -> str:
    """Text without what the About page says the editors changed: width of punctuation, spaces, list marks."""
    text = unicodedata.normalize("NFKC", text).replace("■", "").replace("・", "·")
    return re.sub(r"\s+", "", text)


def seed(number: str) -> str:
    text = next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")
    if number == "000":  # traditional characters with pinyin after some (續(xù)): published in simplified
        text = opencc.OpenCC("t2s").convert(PINYIN.sub("", text)).replace("著力", "着力")  # t2s keeps 著 of 著作
    return normal(text)


def bulletin(number: str) -> tuple[dict, str]:
    source = next((REPO / "content" / CONTENT[number]).glob("*.md")).read_text(encoding="utf-8")
    _, front, body = source.split("---\n", 2)
    body = re.sub(r"^(#{2,3} |- )", "", body, flags=re.M)
    return yaml.safe_load(front), body


@pytest.mark.parametrize("number", sorted(CONTENT))
def test_every_word_of_the_source_is_published_and_nothing_else_but_editors_notes(number: str) -> None:
    _, body = bulletin(number)
    before, after = FURNITURE[number]
    assert before + normal(EDITORS_NOTE.sub("", body)) + after == seed(number)


def test_a_suspected_misprint_stays_with_an_editors_note_and_a_cut_off_text_says_so() -> None:
    _, jilin = bulletin("003")
    _, gaoke = bulletin("000")
    assert "市第二实验小区（编者注：原文如此，疑为“小学”）高新校区" in jilin
    assert gaoke.rstrip().endswith("我为企业做服务”\n\n（编者注：原文至此中断，以下内容缺失。）")
    assert "……" not in gaoke


def test_titles_and_dates_the_sources_do_not_give_are_marked_as_the_editors() -> None:
    fronts = {number: bulletin(number)[0] for number in CONTENT}
    assert {n for n, f in fronts.items() if f.get("title_note")} == {"000", "001", "004"}
    assert {n for n, f in fronts.items() if f.get("date_note")} == {"000", "001", "003", "004"}
    assert {n: f.get("source") for n, f in fronts.items()} == {"000": None, "001": "中新生态城发布", "002": None,
                                                               "003": None, "004": None}


def test_the_bulletin_page_shows_the_editors_notes_under_the_date(example_output: Path) -> None:
    page = (example_output / "units/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu/index.html").read_text("utf-8")
    meta = page.index('<p class="meta article-meta">')
    note = page.index('<p class="editor-note">')
    assert meta < note < page.index('<div class="prose">')
    assert "<span>标题：原文无标题，标题为编者所拟。</span>" in page
    assert "<span>日期：原文未署日期，日期为编者根据文中提及的党的十九届六中全会（2021年11月11日闭幕）推定。</span>" in page
    assert "来源：" not in page[meta:note]
    yunxi = (example_output / "units/yunxi/2021-06-04-chuancheng-hongse-jiyin/index.html").read_text("utf-8")
    assert 'class="editor-note"' not in yunxi and "来源：" not in yunxi


def test_the_about_page_lists_what_the_editors_did(example_output: Path) -> None:
    about = re.sub(r"<[^>]+>", "", (example_output / "about/index.html").read_text(encoding="utf-8"))
    for done in ("繁简转换", "标点和空格", "网页残留", "署名和来源", "标题为编者所拟", "日期为编者根据", "编者注",
                 "摘要和标签"):
        assert done in about, done
