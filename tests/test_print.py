"""Bulletin and statistics pages print on A4: no navigation, the title kept, tables and charts whole,
and an external link's address printed after it; a bulletin in the manner of GB/T 9704 (a 公文), the statistics
on at most three sheets, every sheet numbered "— 1 —". Printed to PDF in Chromium, read back with pypdf."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import Iterator

import pytest
from conftest import copy_example, run_cli

BASE = "/dsxx/"
BULLETIN = "units/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu/"
A4 = (595.3, 841.9)  # points; Chromium writes 595.92 x 842.88
MENU = "首页简报各单位统计关于本站"  # the main navigation, as printed text would run
NAVIGATION = ["首页", "关于本站", "字号", "A++", "上一篇", "下一篇", "订阅（Atom）", "跳到正文"]
LINK_PARAGRAPH = "\n更多信息见[株洲市人民政府网站](https://www.zhuzhou.gov.cn/)。\n"


def without_radicals(text: str) -> str:
    """Some CJK fonts name characters by their radical look-alikes in a PDF's text layer (⾼ for 高, ⻚ for 页)."""
    return RADICAL.sub(lambda m: SIMPLIFIED_RADICALS.get(m.group(), unicodedata.normalize("NFKC", m.group())), text)


RADICAL = re.compile("[\u2e80-\u2fdf]")
# The CJK radicals supplement has no normalisation to the characters they look like: the simplified ones by hand.
SIMPLIFIED_RADICALS = dict(zip("⺁⺇⺊⺌⺒⺓⺝⺟⺠⺩⺮⺶⺻⺼⺽⻁⻄⻅⻆⻉⻋⻓⻔⻗⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻬⻮⻰⻳",
                                "厂几卜小巳幺月母民王竹羊聿肉臼虎西见角贝车长门雨青韦页风飞食马骨鬼鱼鸟卤麦黄齐齿龙龟"))


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("print"))
    bulletin = root / "content/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu.md"
    bulletin.write_text(bulletin.read_text(encoding="utf-8") + LINK_PARAGRAPH, encoding="utf-8")
    assert run_cli("build", "--source", root, "--quiet").code == 0
    return root / "output"


@pytest.fixture(scope="module")
def pdfs(output: Path) -> dict[str, bytes]:
    """The bulletin and the statistics page printed to PDF on A4 in Chromium."""
    from browser import chromium_page
    from static_server import serve_output

    with serve_output(output, BASE) as site, chromium_page() as page:
        files = {}
        for name, path in (("bulletin", BULLETIN), ("stats", "stats/")):
            page.goto(site + path)
            files[name] = page.pdf(format="A4")
    return files


@pytest.fixture(scope="module")
def printed(pdfs: dict[str, bytes]) -> Iterator[dict[str, list[str]]]:
    """The text, without white space, of each PDF page of the bulletin and the statistics page, printed on A4."""
    pypdf = pytest.importorskip("pypdf", reason="the print tests read the PDF with pypdf")
    pages = {}
    for name, data in pdfs.items():
        reader = pypdf.PdfReader(io.BytesIO(data))
        for sheet in reader.pages:
            width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
            assert abs(width - A4[0]) < 2 and abs(height - A4[1]) < 2, (name, width, height)
        # pypdf puts spaces between Chinese and Latin text and breaks lines anywhere: drop them all.
        pages[name] = [re.sub(r"\s+", "", without_radicals(sheet.extract_text())) for sheet in reader.pages]
    yield pages


def test_bulletin_prints_title_and_body_without_navigation(printed: dict[str, list[str]]) -> None:
    text = "".join(printed["bulletin"])
    assert printed["bulletin"][0].count("高科集团扎实推进党史学习教育") == 1
    assert "百年征程" in printed["bulletin"][0]
    assert "党史学习教育工作简报" in printed["bulletin"][0]  # the site's name heads the first sheet
    assert MENU not in text and "各单位" not in text  # nor the breadcrumb 首页 › 各单位 › 高科集团
    assert [word for word in NAVIGATION if word in text] == []
    assert 1 < len(printed["bulletin"]) < 9


def test_external_link_prints_its_address_and_the_page_its_own(printed: dict[str, list[str]]) -> None:
    text = "".join(printed["bulletin"])
    assert "株洲市人民政府网站（https://www.zhuzhou.gov.cn/）" in text
    assert f"本页网址：https://www.example.gov.cn/dsxx/{BULLETIN}" in text


@pytest.mark.parametrize("name", ["bulletin", "stats"])
def test_sheets_are_numbered_with_dashes_as_official_documents_are(printed: dict[str, list[str]], name: str) -> None:
    for number, sheet in enumerate(printed[name], start=1):
        assert f"—{number}—" in sheet, (number, sheet[-40:])


def test_the_statistics_print_on_three_sheets_at_most(printed: dict[str, list[str]]) -> None:
    assert len(printed["stats"]) <= 3


def test_statistics_page_prints_without_navigation(printed: dict[str, list[str]]) -> None:
    text = "".join(printed["stats"])
    assert "累计统计" in printed["stats"][0] and "总览" in printed["stats"][0]
    assert MENU not in text
    assert [word for word in NAVIGATION if word in text] == []


def test_statistics_tables_and_charts_are_not_split_across_sheets(printed: dict[str, list[str]]) -> None:
    labels = ["党委（党组）集中学习研讨", "各级组织集中学习研讨", "宣讲报告", "参与人次", "参与人数", "党员", "实事项目",
              "已办结实事", "宣传信息", "巡回指导组"]
    for label in labels:
        table = [sheet for sheet in printed["stats"] if f"{label}：各单位最新数据" in sheet]
        assert len(table) == 1, label
        after = table[0].split(f"{label}：各单位最新数据", 1)[1]
        assert "合计（" in after, f"the table of {label} runs onto the next sheet"
    for unit in ("次", "场次", "人次", "人", "名", "篇", "个"):
        charts = [sheet for sheet in printed["stats"] if f"单位：{unit}日期" in sheet]
        assert charts, unit
        for sheet in charts:  # the axis label at the top and the last date at the bottom share the sheet
            assert "11月30日" in sheet.split(f"单位：{unit}日期", 1)[1], f"the chart in {unit} is split"



def text_positions(data: bytes, sheet: int) -> list[tuple[float, float, str]]:
    """(x, y, text) of each piece of text on one sheet of a PDF, in millimetres from the bottom left."""
    pypdf = pytest.importorskip("pypdf", reason="the print tests read the PDF with pypdf")
    found: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            found.append((x / 72 * 25.4, y / 72 * 25.4, text.strip()))

    pypdf.PdfReader(io.BytesIO(data)).pages[sheet].extract_text(visitor_text=visit)
    return found


def test_a_bulletin_prints_in_the_type_area_of_gb_t_9704_numbered_outside(pdfs: dict[str, bytes]) -> None:
    for sheet, side in ((0, "right"), (1, "left")):  # odd sheets are numbered on the right, even on the left
        found = text_positions(pdfs["bulletin"], sheet)
        text = [item for item in found if item[1] > 35]  # above the foot margin: the type area
        numbers = [item for item in found if item[1] < 35]
        assert min(x for x, _, _ in text) == pytest.approx(28, abs=1)  # 订口 28 mm
        assert max(y for _, y, _ in text) < 297 - 37  # 天头 37 mm
        assert numbers and all(y == pytest.approx(23.5, abs=2.5) for _, y, _ in numbers)  # 7 mm under the type area
        xs = [x for x, _, _ in numbers]
        assert (min(xs) > 105) if side == "right" else (max(xs) < 105), (side, numbers)
