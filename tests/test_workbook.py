"""stats.xlsx: the statistics as a workbook for the office, the same bytes for the same sources (SPEC section 3)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import copy_example, run_cli, write_files

from bulletin.pipeline import emit

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("workbook"))
    assert run_cli("build", "--source", root, "--quiet").code == 0
    return root / "output"


def sheet_rows(path: Path, name: str) -> list[list[object]]:
    book = openpyxl.load_workbook(path)
    return [list(row) for row in book[name].iter_rows(values_only=True)]


def test_the_totals_sheet_agrees_with_stats_json(built: Path) -> None:
    stats = json.loads((built / "stats.json").read_text(encoding="utf-8"))
    rows = sheet_rows(built / "stats.xlsx", "汇总")
    assert rows[0][0] == "党史学习教育工作简报"
    # the units report on different dates: each unit's, as the statistics page says it
    assert rows[1][0] == ("数据截至各单位最近一次报告（生态城2021年3月19日、贵州省工信厅2021年4月30日、云溪区2021年6月4日、"
                          "吉林高新区2021年8月31日、高科集团2021年11月30日），共 5 个单位")
    assert rows[3] == ["指标", "计量单位", "合计", "报送单位数", "完成比例", "完成比例所含单位数"]
    by_label = {row[0]: row for row in rows[4:]}
    assert len(by_label) == len(stats["metrics"])
    for metric in stats["metrics"]:
        label, unit, total, reporting, ratio, ratio_units = by_label[metric["label"]]
        assert (unit, reporting, ratio_units) == (metric["unit"], metric["units_reporting"], metric["ratio_units"])
        assert (ratio is None) == (metric["ratio"] is None)
        if metric["qualifier"] == "exact":
            assert total == metric["total"]
        else:
            mark = {"at_least": "余", "approx": "约"}[metric["qualifier"]]
            assert isinstance(total, str) and mark in total, total
    assert by_label["参与人次"][2] == "7万余"  # 2万余人次 + 5万余人次
    assert by_label["已办结实事"][4:] == ["85%", 1]  # 34 of 40, over the one unit that reports both


def test_the_report_sheet_has_every_report_with_values_as_written(built: Path) -> None:
    rows = sheet_rows(built / "stats.xlsx", "明细")
    header = rows[3]
    assert header[:2] == ["单位", "报送日期"] and "参与人次（人次）" in header
    reports = {(row[0], row[1]): dict(zip(header, row)) for row in rows[4:]}
    assert len(reports) == 5
    gaoke = reports[("株洲高科集团", "2021-11-30")]
    assert gaoke["参与人数（人）"] == "800余" and gaoke["党委（党组）集中学习研讨（次）"] == 9
    assert reports[("贵州省工业和信息化厅", "2021-04-30")]["参与人次（人次）"] == "2万余"
    assert reports[("中新天津生态城", "2021-03-19")]["参与人次（人次）"] is None  # not reported


def test_the_header_row_stays_on_screen_and_columns_fit_their_text(built: Path) -> None:
    book = openpyxl.load_workbook(built / "stats.xlsx")
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A5"
        for cell in sheet[4]:
            width = sheet.column_dimensions[cell.column_letter].width
            assert width >= 2 * len(str(cell.value)), (sheet.title, cell.value, width)
    assert book["明细"].column_dimensions["A"].width >= 2 * len("吉林高新技术产业开发区")


def test_the_workbook_is_the_same_bytes_for_the_same_sources(built: Path, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "again")
    env = {"TZ": "Asia/Shanghai", "SOURCE_DATE_EPOCH": "1700000000"}
    old = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    time.tzset()  # another time zone and another clock: neither may show in the workbook
    try:
        assert run_cli("build", "--source", root, "--quiet", "--jobs", "1").code == 0
    finally:
        for key, value in old.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
        time.tzset()
    assert (root / "output/stats.xlsx").read_bytes() == (built / "stats.xlsx").read_bytes()
    with zipfile.ZipFile(built / "stats.xlsx") as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(2021, 11, 30, 0, 0, 0)}
        assert b"2021-11-30T00:00:00Z" in archive.read("docProps/core.xml")


def test_a_site_without_reports_still_has_a_workbook(minimal_site: Path) -> None:
    write_files(minimal_site, {"data/units/town.yaml": "name: 示范街道办事处\n"})
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0
    rows = sheet_rows(minimal_site / "output/stats.xlsx", "汇总")
    assert rows[1][0] == "尚无报送数据" and rows[4][2] is None


def test_the_statistics_page_links_the_workbook_beside_the_csv(built: Path) -> None:
    html = (built / "stats/index.html").read_text(encoding="utf-8")
    assert 'href="/dsxx/stats.xlsx">stats.xlsx</a>' in html and 'href="/dsxx/stats.csv">stats.csv</a>' in html


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
def test_libreoffice_opens_the_workbook_with_chinese_headers_and_qualifiers(built: Path, tmp_path: Path) -> None:
    # Options of LibreOffice's CSV filter: comma, double quote, UTF-8, from line 1, ..., every sheet (-1).
    spec = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    done = subprocess.run([SOFFICE, profile, "--headless", "--convert-to", spec, "--outdir", str(tmp_path),
                           str(built / "stats.xlsx")], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    totals = list(csv.reader(io.StringIO((tmp_path / "stats-汇总.csv").read_text(encoding="utf-8"))))
    details = list(csv.reader(io.StringIO((tmp_path / "stats-明细.csv").read_text(encoding="utf-8"))))
    assert totals[3] == ["指标", "计量单位", "合计", "报送单位数", "完成比例", "完成比例所含单位数"]
    assert ["参与人次", "人次", "7万余", "2", "", ""] in totals and ["已办结实事", "项", "34", "1", "85%", "1"] in totals
    assert details[3][:3] == ["单位", "报送日期", "党委（党组）集中学习研讨（次）"]
    assert any(row[:2] == ["株洲高科集团", "2021-11-30"] and "800余" in row for row in details)


def test_draft_reports_are_marked_in_a_build_with_drafts(example_site: Path) -> None:
    unit_file = example_site / "data/units/zhuzhou-gaoke.yaml"
    unit_file.write_text(unit_file.read_text(encoding="utf-8") + "  - date: 2021-12-31\n    draft: true\n"
                         "    metrics:\n      study_sessions: 12\n", encoding="utf-8")
    assert run_cli("build", "--source", example_site, "--quiet").code == 0
    output = example_site / "output"
    assert "草稿" not in (output / "units/zhuzhou-gaoke/index.html").read_text(encoding="utf-8")
    assert json.loads((output / "stats.json").read_text(encoding="utf-8"))["as_of"] == "2021-11-30"
    assert run_cli("build", "--source", example_site, "--quiet", "--drafts").code == 0
    unit_page = (output / "units/zhuzhou-gaoke/index.html").read_text(encoding="utf-8")
    stats_page = (output / "stats/index.html").read_text(encoding="utf-8")
    mark = 'class="draft-mark"'
    assert unit_page.count(mark) == 2  # the latest 集中学习研讨, and the report in the table of reports
    assert stats_page.count(mark) == 3  # its row, the metric's total in the overview and under its table
    assert json.loads((output / "stats.json").read_text(encoding="utf-8"))["as_of"] == "2021-12-31"


def test_the_workbook_is_made_again_only_when_what_it_shows_changes(minimal_site: Path, monkeypatch) -> None:
    made: list[bytes] = []
    real = emit.workbook_bytes
    monkeypatch.setattr(emit, "workbook_bytes", lambda content: made.append(real(content)) or made[-1])
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0 and len(made) == 1
    bulletin = minimal_site / "content/town/report-q1.md"
    bulletin.write_text(bulletin.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0 and len(made) == 1  # figures unchanged
    units = minimal_site / "data/units/town.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("示范街道办事处", "示范镇人民政府", 1), encoding="utf-8")
    assert run_cli("build", "--source", minimal_site, "--quiet").code == 0 and len(made) == 2
    assert (minimal_site / "output/stats.xlsx").read_bytes() == made[-1]
    assert sheet_rows(minimal_site / "output/stats.xlsx", "明细")[4][0] == "示范镇人民政府"
