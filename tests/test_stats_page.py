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
        start = section.index('<div class="chart"><svg') + len('<div class="chart">')
        svg = ET.fromstring(section[start: section.index("</svg>", start) + 6])
        desc = svg.find(f"{SVG}desc").text
        for point in metric["series"]:
            if point["total"] is not None:
                assert f"{point['date']}：{point['total']}" in desc
        markers = [c for c in svg.iter(f"{SVG}circle")]
        assert len(markers) == sum(p["total"] is not None for p in metric["series"])


def test_part_of_metric_shows_a_completion_bar_with_real_numbers(built: Path) -> None:
    stats = json.loads((built / "stats.json").read_text(encoding="utf-8"))
    done = next(m for m in stats["metrics"] if m["key"] == "matters_done")
    listed = next(m for m in stats["metrics"] if m["key"] == "matters_listed")
    section = sections((built / "stats/index.html").read_text(encoding="utf-8"))["matters_done"]
    assert f"已办结实事 {done['total']} / {listed['total']} 项" in section
    assert done["ratio"] == pytest.approx(done["total"] / listed["total"])


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
