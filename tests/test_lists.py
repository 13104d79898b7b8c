"""Lists that scale: 20 a page, archives by year and month, tags, per-unit feeds."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import run_cli, write_files

from bulletin.render.lists import Pager, paginate

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def busy_site(minimal_site: Path) -> Path:
    """The minimal site with 45 more bulletins of one unit over 2020 and 2021."""
    files = {}
    for n in range(45):
        day = dt.date(2020, 11, 1) + dt.timedelta(days=7 * n)
        tags = "[经验交流]" if n % 3 == 0 else "[]"
        files[f"content/town/b{n:03d}.md"] = f"---\ntitle: 第{n}期简报\ndate: {day}\ntags: {tags}\n---\n第{n}期正文。\n"
    write_files(minimal_site, files)
    assert run_cli("build", "--source", minimal_site).code == 0
    return minimal_site / "output"


def titles(page: Path) -> list[str]:
    """The titles a list shows (without the <wbr> between their phrases)."""
    return re.findall(r"<h3><a href=\"[^\"]+\">([^<]+)</a></h3>", page.read_text(encoding="utf-8").replace("<wbr>", ""))


def test_home_unit_and_archive_show_20_a_page_newest_first(busy_site: Path) -> None:
    for base in ("", "units/town/", "bulletins/"):
        first, second, third = (busy_site / base / "index.html", busy_site / base / "page/2/index.html",
                                busy_site / base / "page/3/index.html")
        assert len(titles(first)) == 20 and len(titles(second)) == 20 and len(titles(third)) == 7
        assert titles(first)[0] == "第44期简报"
        assert not (busy_site / base / "page/4").exists()
        assert not (busy_site / base / "page/1").exists()


def test_pages_link_to_previous_next_and_numbered_pages(busy_site: Path) -> None:
    middle = (busy_site / "bulletins/page/2/index.html").read_text(encoding="utf-8")
    assert 'rel="prev" href="/news/bulletins/"' in middle
    assert 'rel="next" href="/news/bulletins/page/3/"' in middle
    assert 'href="/news/bulletins/page/2/" aria-current="page"' in middle


def test_archive_by_year_and_month(busy_site: Path) -> None:
    year = titles(busy_site / "bulletins/2020/index.html")
    assert year[0] == "第8期简报" and len(year) == 9  # 2020-11-01 … 2020-12-27
    month = titles(busy_site / "bulletins/2021/03/index.html")
    assert month == ["示范街道一季度工作简报", "第21期简报", "第20期简报", "第19期简报", "第18期简报"]


def test_tag_pages_list_the_tagged_bulletins(busy_site: Path) -> None:
    tagged = titles(busy_site / "tags/jing-yan-jiao-liu/index.html")
    assert len(tagged) == 15 and tagged[0] == "第42期简报"
    assert 'href="/news/tags/jing-yan-jiao-liu/"' in (busy_site / "tags/index.html").read_text(encoding="utf-8")


def test_each_unit_has_its_own_atom_feed(busy_site: Path) -> None:
    feed = ET.parse(busy_site / "units/town/feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 20
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://example.org/news/units/town/feed.xml"


@pytest.mark.parametrize("number, count, shown", [
    (1, 1, [1]),
    (1, 3, [1, 2, 3]),
    (1, 10, [1, 2, 3, None, 10]),
    (6, 12, [1, None, 4, 5, 6, 7, 8, None, 12]),
    (12, 12, [1, None, 10, 11, 12]),
])
def test_page_numbers_show_a_window_with_gaps(number: int, count: int, shown: list[int | None]) -> None:
    assert Pager("x/", number, count, []).numbers() == shown


def test_an_empty_list_has_one_page() -> None:
    pages = paginate([], "bulletins/")
    assert len(pages) == 1 and pages[0].path == "bulletins/" and pages[0].next is None
