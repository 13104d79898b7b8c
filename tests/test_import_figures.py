"""``import-figures``: an office's statistics sheet (.xlsx or .csv) -> a report per unit (SPEC section 1, issue 17)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from bulletin.cli import main
from conftest import REPO, run_cli, write_files

SAMPLE = REPO / "docs" / "统计表示例.xlsx"
SAMPLE_CSV = REPO / "docs" / "统计表示例.csv"
UNITS = ("guizhou-gongxin", "jilin-gaoxin", "tianjin-eco-city", "yunxi", "zhuzhou-gaoke")

METRICS = """\
study_sessions:
  label: 集中学习研讨
  unit: 次
participants:
  label: 参与人次
  unit: 人次
  aliases: [参与人数]
matters_listed:
  label: 实事项目
  unit: 项
matters_done:
  label: 已办结实事
  unit: 项
  part_of: matters_listed
"""
GAOKE = "# 株洲高科集团：数据来自简报\nname: 株洲高科集团\nshort_name: 高科集团\nreports:\n  - date: 2021-09-30\n    metrics:\n" \
        "      study_sessions: 9   # 集中学习9次\n"
YUNXI = "name: 岳阳市云溪区\nshort_name: 云溪区\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_files(tmp_path / "site", {
        "data/site.yaml": "title: 简报\nbase_url: https://example.org/\nsearch: false\n",
        "data/metrics.yaml": METRICS,
        "data/units/gaoke.yaml": GAOKE,
        "data/units/yunxi.yaml": YUNXI,
    })


def xlsx(path: Path, rows: list[list[object]], merge: str | None = None, cached: dict[str, str] | None = None) -> Path:
    """A workbook of ``rows``; ``merge`` merges ranges (A1:F1 B2:C2); ``cached`` gives formula cells a saved value,
    as Excel does."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in (merge or "").split():
        sheet.merge_cells(cells)
    data = io.BytesIO()
    book.save(data)
    out = io.BytesIO()
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            for cell, value in (cached or {}).items():
                content = re.sub(rf'(<c r="{cell}"><f>[^<]*</f>)<v></v>'.encode(), rb"\g<1><v>" + value.encode() + b"</v>",
                                 content)
            target.writestr(entry, content)
    path.write_bytes(out.getvalue())
    return path


def run(site: Path, sheet: Path, *args: str) -> tuple[int, str, list[str]]:
    result = run_cli("import-figures", sheet, "--date", "2021-12-31", "--source", site, *args)
    return result.code, result.out, result.err.splitlines()


def reports(site: Path, unit: str) -> list[dict]:
    return yaml.safe_load((site / f"data/units/{unit}.yaml").read_text(encoding="utf-8")).get("reports") or []


HEADER = ["序号", "单位名称", "集中学习研讨（次）", "参与人次(人次)", "实事项目", "已办结实事（项）"]


def test_a_sheet_adds_a_report_per_unit_after_every_byte_of_its_file(site: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "表.xlsx", [HEADER, [1, "高科集团", 12.0, "900余", 40, 38], [2, "岳阳市 云溪区", None, "1.2万", "", ""]])
    before = {unit: (site / f"data/units/{unit}.yaml").read_bytes() for unit in ("gaoke", "yunxi")}
    code, out, err = run(site, sheet)
    assert (code, err) == (0, [])
    assert out.splitlines() == ["data/units/gaoke.yaml: added a report of 2021-12-31 with 4 figure(s)",
                                "data/units/yunxi.yaml: added a report of 2021-12-31 with 1 figure(s)"]
    for unit, old in before.items():
        assert (site / f"data/units/{unit}.yaml").read_bytes().startswith(old)
    assert (site / "data/units/gaoke.yaml").read_text(encoding="utf-8") == GAOKE + (
        "  - date: 2021-12-31    # 表.xlsx 第 2 行 (row 2)\n    metrics:\n      study_sessions: 12\n"
        "      participants: 900余\n      matters_listed: 40\n      matters_done: 38\n")
    assert reports(site, "yunxi") == [{"date": __import__("datetime").date(2021, 12, 31),
                                       "metrics": {"participants": "1.2万"}}]
    assert run_cli("check", "--source", site).code == 0


def test_dry_run_prints_the_reports_and_writes_nothing(site: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "表.xlsx", [HEADER, [1, "高科集团", 12, "900余", 40, 38]])
    before = (site / "data/units/gaoke.yaml").read_bytes()
    code, out, err = run(site, sheet, "--dry-run")
    assert (code, err) == (0, [])
    assert out.splitlines()[:3] == ["data/units/gaoke.yaml: would add a report of 2021-12-31 with 4 figure(s) (株洲高科集团):",
                                    "  - date: 2021-12-31    # 表.xlsx 第 2 行 (row 2)", "    metrics:"]
    assert "not in the sheet: 岳阳市云溪区" in out
    assert (site / "data/units/gaoke.yaml").read_bytes() == before


def test_a_second_report_on_a_date_needs_replace_and_is_replaced_where_it_stood(site: Path, tmp_path: Path) -> None:
    first = xlsx(tmp_path / "a.xlsx", [HEADER, [1, "高科集团", 12, "900余", 40, 38]])
    second = xlsx(tmp_path / "b.xlsx", [HEADER, [1, "高科集团", 13, "950余", 40, 39]])
    assert run(site, first)[0] == 0
    written = (site / "data/units/gaoke.yaml").read_text(encoding="utf-8")
    code, _, err = run(site, second)
    assert code == 1 and err == [
        "data/units/gaoke.yaml:8:1: error: a report of 2021-12-31 already exists; pass --replace to replace it "
        "with the sheet's figures", "1 error(s); nothing was written"]
    assert (site / "data/units/gaoke.yaml").read_text(encoding="utf-8") == written
    assert run(site, second, "--replace")[0] == 0
    assert [r["metrics"].get("study_sessions") for r in reports(site, "gaoke")] == [9, 13]
    assert (site / "data/units/gaoke.yaml").read_text(encoding="utf-8").startswith(GAOKE)


def test_draft_writes_reports_that_count_only_with_drafts(site: Path, tmp_path: Path) -> None:
    sheet = xlsx(tmp_path / "表.xlsx", [HEADER, [1, "高科集团", 12, "900余", 40, 38]])
    assert run(site, sheet, "--draft")[0] == 0
    assert reports(site, "gaoke")[-1]["draft"] is True
    assert run_cli("build", "--source", site, "--quiet").code == 0
    assert json.loads((site / "output/stats.json").read_text(encoding="utf-8"))["as_of"] == "2021-09-30"
    assert run_cli("build", "--source", site, "--quiet", "--drafts").code == 0
    assert json.loads((site / "output/stats.json").read_text(encoding="utf-8"))["as_of"] == "2021-12-31"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_as_excel_saves_it(site: Path, tmp_path: Path, encoding: str) -> None:
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(
        [["统计表"], HEADER, ["1", "株洲高科集团", "12", "900余", "40", "38"], ["2", "云溪区", "", "１，２００", "", ""]])
    sheet = tmp_path / "表.csv"
    sheet.write_bytes(text.getvalue().encode(encoding))
    code, _, err = run(site, sheet)
    assert (code, err) == (0, [])
    assert reports(site, "gaoke")[-1]["metrics"] == {"study_sessions": 12, "participants": "900余", "matters_listed": 40,
                                                     "matters_done": 38}
    assert reports(site, "yunxi")[-1]["metrics"] == {"participants": "１，２００"}


def test_a_title_merged_over_the_columns_and_a_total_row_are_not_units(site: Path, tmp_path: Path) -> None:
    rows = [["2021年党史学习教育进展统计表"], ["填报单位：区委宣传部"], HEADER,
            [1, "高科集团", 12, "900余", 40, 38], [2, "云溪区", 3, "1.2万", None, None], [None, "合 计", 15, "12900余", 40, 38]]
    sheet = xlsx(tmp_path / "表.xlsx", rows, merge="A1:F1")
    code, _, err = run(site, sheet)
    assert (code, err) == (0, [])
    assert len(reports(site, "gaoke")) == 2 and len(reports(site, "yunxi")) == 1


def test_a_header_over_two_rows_with_wrapped_headings(site: Path, tmp_path: Path) -> None:
    rows = [["单位名称", "学习研讨情况", None], [None, "集中学习研讨\n（次）", "参与人次\n(人次)"], ["高科集团", 12, "900余"]]
    code, _, err = run(site, xlsx(tmp_path / "表.xlsx", rows, merge="A1:A2 B1:C1"))
    assert (code, err) == (0, [])
    assert reports(site, "gaoke")[-1]["metrics"] == {"study_sessions": 12, "participants": "900余"}


def test_a_total_that_is_not_the_sum_is_an_error_at_its_cell(site: Path, tmp_path: Path) -> None:
    rows = [HEADER, [1, "高科集团", 12, "900余", 40, 38], [2, "云溪区", 3, "1.2万", None, None], [None, "合计", 16, None, 40, 38]]
    code, _, err = run(site, xlsx(tmp_path / "表.xlsx", rows))
    assert code == 1
    assert err[0] == f"{tmp_path / '表.xlsx'}:4:3: error: C4: the total is 16, but the units' figures above add up to 15"
    assert not reports(site, "yunxi")


def test_every_mistake_is_named_by_its_cell_all_at_once_and_nothing_is_written(site: Path, tmp_path: Path) -> None:
    rows = [["序号", "单位", "集中学习研讨（次）", "走访户数", "参与人次（人）"],
            [1, "高科集团", 12, 3, "800余"],
            [2, "云溪区", "数百", None, None],
            [3, "某某街道", 5, None, None],
            [4, "株洲高科集团", 1, None, None]]
    sheet = xlsx(tmp_path / "表.xlsx", rows)
    before = {p.name: p.read_bytes() for p in (site / "data/units").iterdir()}
    code, _, err = run(site, sheet)
    assert code == 1
    where = tmp_path / "表.xlsx"
    assert err == [
        f'{where}:1:4: error: D1: unknown metric "走访户数": head the column with a metric\'s label, key or alias in '
        "data/metrics.yaml (集中学习研讨（次）、参与人次（人次）)",
        f'{where}:1:5: error: E1: the column counts in "人", but "参与人次" counts in "人次"',
        f'{where}:3:3: error: C3: cannot read "数百" as a quantity: it names no definite figure; expected a number '
        "such as 800, 800余, 1.4万 or 二十三",
        f'{where}:4:2: error: B4: unknown unit "某某街道": write its name or short name as in data/units/ (株洲高科集团)',
        f'{where}:5:2: error: B5: "株洲高科集团" is listed twice (rows 2 and 5); keep one row',
        "5 error(s); nothing was written",
    ]
    assert {p.name: p.read_bytes() for p in (site / "data/units").iterdir()} == before


def test_a_formula_is_read_by_its_saved_value_and_one_without_is_a_warning(site: Path, tmp_path: Path) -> None:
    rows = [HEADER, [1, "高科集团", "=10+2", "=800+100", 40, 38]]
    sheet = xlsx(tmp_path / "表.xlsx", rows, cached={"C2": "12"})
    code, _, err = run(site, sheet)
    assert code == 0
    assert err == [f"{sheet}:2:4: warning: D2: a formula saved without its value is taken as empty; open the sheet "
                   "in Excel or WPS, save it, and import it again"]
    assert reports(site, "gaoke")[-1]["metrics"] == {"study_sessions": 12, "matters_listed": 40, "matters_done": 38}


@pytest.mark.parametrize("name, content, message", [
    ("表.xls", b"\xd0\xcf\x11\xe0", 'cannot read a ".xls" file: save the sheet as .xlsx (Excel workbook) or .csv'),
    ("表.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptionInfo".encode("utf-16-le"),
     "the workbook is protected by a password: save a copy without the password (in Excel: File, Info, "
     "Protect Workbook) and import that"),
    ("表.xlsx", b"PK\x03\x04 not really", "cannot read the workbook (BadZipFile); open it in Excel or WPS and save it "
     "as .xlsx again"),
    ("表.csv", "说明\n本表无表头\n".encode(), "no header row: no row names a metric of data/metrics.yaml (by its label, key "
     "or alias, such as 集中学习研讨（次）、参与人次（人次）)"),
])
def test_a_sheet_that_cannot_be_read_is_one_error_line(site: Path, tmp_path: Path, name: str, content: bytes,
                                                       message: str) -> None:
    sheet = tmp_path / name
    sheet.write_bytes(content)
    code, out, err = run(site, sheet)
    assert (code, out) == (1, "")
    assert err == [f"{sheet}:1:1: error: {message}", "1 error(s); nothing was written"]


def test_errors_are_in_chinese_by_default(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BULLETIN_LANG")
    sheet = xlsx(tmp_path / "表.xlsx", [HEADER, [1, "某某街道", 12, None, None, None]])
    code, _, err = run(site, sheet)
    assert code == 1 and err[0].startswith(f"{sheet}:2:2: error: B2：") and "某某街道" in err[0]


def test_a_date_that_is_not_a_date_is_a_usage_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["import-figures", str(SAMPLE), "--date", "2021-13-01", "--source", str(site)])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "bulletin import-figures: error: --date: expected a date written YYYY-MM-DD, not '2021-13-01'")


@pytest.mark.parametrize("sample", [SAMPLE, SAMPLE_CSV], ids=["xlsx", "csv"])
def test_the_sample_sheet_round_trips_through_the_example_site(example_site: Path, sample: Path) -> None:
    before = {u: (example_site / f"data/units/{u}.yaml").read_bytes() for u in UNITS}
    code, _, err = run(example_site, sample)
    assert (code, err) == (0, [])
    for unit, old in before.items():
        assert (example_site / f"data/units/{unit}.yaml").read_bytes().startswith(old)
    build = run_cli("build", "--source", example_site, "--quiet")
    assert build.code == 0 and build.lines == []
    output = example_site / "output"
    stats = json.loads((output / "stats.json").read_text(encoding="utf-8"))
    assert stats["as_of"] == "2021-12-31"
    sheet = list(csv.reader(io.StringIO(sample.read_text(encoding="utf-8-sig")))) if sample.suffix == ".csv" else \
        [[("" if v is None else str(v)) for v in row] for row in openpyxl.load_workbook(sample).active.iter_rows(
            values_only=True)]
    header = next(row for row in sheet if "单位名称" in row)
    total_row = next(row for row in sheet if "合计" in row)
    book = openpyxl.load_workbook(output / "stats.xlsx")
    written = {row[0]: row for row in book["汇总"].iter_rows(min_row=5, values_only=True)}
    page = (output / "stats/index.html").read_text(encoding="utf-8")
    for metric in stats["metrics"]:
        column = header.index(f"{metric['label']}（{metric['unit']}）")
        sheet_total = total_row[column]
        cell = written[metric["label"]][2]
        assert str(cell) == sheet_total, metric["key"]
        assert metric["units_reporting"] == sum(1 for row in sheet[sheet.index(header) + 1:]
                                                if row[1] != "合计" and row[column] != "")
        assert f'<a href="#metric-{metric["key"]}">{metric["label"]}</a>' in page
    participants = next(m for m in stats["metrics"] if m["key"] == "participants")
    assert (participants["total"], participants["qualifier"]) == (78000, "at_least")
    assert written["参与人次"][2] == "7.8万余"
