"""The statistics page says what stats.json says: totals, tables, charts; and reads well on a phone."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO

from bulletin.model import Qualifier, Quantity
from bulletin.quantities import format_quantity

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def built(example_output: Path) -> Path:
    return example_output


def sections(page: str) -> dict[str, str]:
    """The HTML of each metric's section of the statistics page, by metric key."""
    return dict(re.findall(r'<section class="metric" aria-labelledby="metric-([a-z_]+)">(.*?)</section>', page, re.S))


class Cells(HTMLParser):
    """The text of each table row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_cell = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self.in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self.in_cell = False

    def handle_data(self, data: str) -> None:
        if self.in_cell:
            self.rows[-1][-1] += data.strip()


def quantity(entry: dict) -> Quantity | None:
    value = entry.get("total", entry.get("value"))
    return None if value is None else Quantity(Decimal(str(value)), Qualifier(entry["qualifier"]))


def test_every_metric_total_table_and_chart_agree_with_stats_json(built: Path) -> None:
    stats = json.loads((built / "stats.json").read_text(encoding="utf-8"))
    html = sections((built / "stats/index.html").read_text(encoding="utf-8"))
    names = {u.stem: u for u in (REPO / "data/units").glob("*.yaml")}
    assert set(html) == {m["key"] for m in stats["metrics"]}
    for metric in stats["metrics"]:
        section = html[metric["key"]]
        assert f'<p class="total"><span class="figure">{format_quantity(quantity(metric), metric["unit"])}</span>' in section
        assert f"{metric['units_reporting']} / {stats['units']} 个单位报送" in section
        table = section[section.index("<table"): section.index("</table>")]
        parser = Cells()
        parser.feed(table)
        body_rows = parser.rows[1:-1]  # without header and the 合计 row
        assert [row[1] for row in body_rows] == [format_quantity(quantity(u)) for u in metric["by_unit"]]
        assert len(body_rows) == len(metric["by_unit"]) and all(names for _ in body_rows)
        start = section.index('<svg', section.index('<div class="linechart">'))
        svg = ET.fromstring(section[start: section.index("</svg>", start) + 6])
        desc = svg.find(f"{SVG}desc").text
        for point in metric["series"]:  # every figure in words, qualifiers kept: 2021年4月30日：81余次
            if point["total"] is not None:
                assert f"{date_zh(point['date'])}：{format_quantity(quantity(point), metric['unit'])}" in desc
        markers = [g for g in svg.iter(f"{SVG}g") if "marker" in g.get("class", "")]
        assert len(markers) == sum(p["total"] is not None for p in metric["series"])


def date_zh(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{year}年{month}月{day}日"


def completion_of(stats: dict, key: str) -> str:
    """34/40项，85%（1个单位报告完成情况）, worked out from stats.json alone."""
    metric = next(m for m in stats["metrics"] if m["key"] == key)
    units = [u["unit"] for u in metric["by_unit"]]
    whole_metric = next(m for m in stats["metrics"] if m["key"] == metric["part_of"])
    pairs = [(u, w) for u in metric["by_unit"] for w in whole_metric["by_unit"] if w["unit"] == u["unit"]]
    assert len(pairs) == metric["ratio_units"] and units
    part, whole = sum(u["value"] for u, _ in pairs), sum(w["value"] for _, w in pairs)
    assert metric["ratio"] == pytest.approx(part / whole)
    share = round(100 * part / whole)
    return f"{part}/{whole}{metric['unit']}，{share}%（{metric['ratio_units']}个单位报告完成情况）"


def text_of(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def test_every_page_gives_the_same_completion_ratio_over_like_units(built: Path) -> None:
    stats = json.loads((built / "stats.json").read_text(encoding="utf-8"))
    expected = completion_of(stats, "matters_done")
    assert expected == "34/40项，85%（1个单位报告完成情况）"  # 高科集团's own 34 of 40; never 34 of every unit's 214

    stats_page = (built / "stats/index.html").read_text(encoding="utf-8")
    # the overview, and the completion bar of the metric's section: its caption and its text alternative
    assert text_of(stats_page).count(expected) == 3
    assert f"完成情况：{expected}" in text_of(stats_page)
    bar = sections(stats_page)["matters_done"]
    svg = ET.fromstring(bar[bar.index("<svg"): bar.index("</svg>") + 6])
    assert svg.find(f"{SVG}desc").text == f"已办结实事 {expected}"
    assert f"已办结实事{expected}" in text_of((built / "index.html").read_text(encoding="utf-8"))
    unit_page = text_of((built / "units/zhuzhou-gaoke/index.html").read_text(encoding="utf-8"))
    assert unit_page.count("已办结实事34/40项，85%") == 3  # its latest figures; its completion bar and its desc
    assert "7%" not in text_of(stats_page) and "482" not in text_of(stats_page)


def test_statistics_say_each_units_latest_report_date_where_they_differ(built: Path) -> None:
    stats = json.loads((built / "stats.json").read_text(encoding="utf-8"))
    page = text_of((built / "stats/index.html").read_text(encoding="utf-8"))
    home = text_of((built / "index.html").read_text(encoding="utf-8"))

    assert "数据截至各单位最近一次报告（生态城2021年3月19日、贵州省工信厅2021年4月30日、云溪区2021年6月4日、" \
           "吉林高新区2021年8月31日、高科集团2021年11月30日）" in page
    assert "累计成效（截至各单位最近一次报告）" in home
    assert f"截至{date_zh(stats['as_of'])}" not in home


def test_statistics_page_never_shows_machine_numbers(built: Path) -> None:
    text = re.sub(r"<[^>]+>", " ", (built / "stats/index.html").read_text(encoding="utf-8"))
    for bad in ("at_least", "approx", "E+", "None", "20000.0"):
        assert bad not in text
    assert not re.search(r"\d\.0(?!\d)", text)


def test_screenshots_of_statistics_page_at_desktop_and_phone_width(built: Path) -> None:
    from browser import launch_chromium
    from static_server import serve_output

    ARTIFACTS.mkdir(exist_ok=True)
    with serve_output(built, "/dsxx/") as site, launch_chromium() as browser:
        for name, width in (("desktop", 1280), ("phone", 360)):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto(site + "stats/")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"the page scrolls sideways at {width}px"
            page.screenshot(path=str(ARTIFACTS / f"stats-{name}.png"), full_page=True)
            page.close()
    assert (ARTIFACTS / "stats-phone.png").stat().st_size > 0


def test_home_statistics_and_unit_pages_agree_on_every_figure(built: Path) -> None:
    stats = json.loads((built / "stats.json").read_text(encoding="utf-8"))
    home = text_of((built / "index.html").read_text(encoding="utf-8"))
    for metric in stats["metrics"]:
        if metric["total"] is None:
            continue
        shown = completion_of(stats, metric["key"]) if metric["ratio_units"] else \
            format_quantity(quantity(metric), metric["unit"])
        assert f"{metric['label']}{shown}" in home, metric["key"]
        for entry in metric["by_unit"]:
            unit_page = text_of((built / "units" / entry["unit"] / "index.html").read_text(encoding="utf-8"))
            figure = format_quantity(quantity(entry), metric["unit"])
            if metric["ratio_units"]:
                figure = completion_of(stats, metric["key"]).split("（")[0]  # its own ratio: no coverage to say
            assert f"{metric['label']}{figure}截至{date_zh(entry['date'])}" in unit_page, (entry["unit"], metric["key"])
