"""Write the sample statistics sheet of the README: docs/统计表示例.xlsx and docs/统计表示例.csv.

A made-up return of the example site's five units for 2021-12-31, laid out as offices lay out
their 统计表: a title merged across the columns, a header row with counting words in brackets,
序号 and 备注 columns, units by full or short name, figures as written (300余, 2.3万余), empty
cells for what a unit does not report, and a 合计 row. ``bulletin import-figures`` reads either
file; the tests import it into a copy of the example site. Run: .venv/bin/python scripts/sample_sheet.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

DOCS = Path(__file__).resolve().parent.parent / "docs"
TITLE = "党史学习教育工作进展统计表（截至2021年12月31日）"
HEADER = ["序号", "单位名称", "党委（党组）集中学习研讨（次）", "各级组织集中学习研讨（次）", "宣讲报告（场次）", "参与人次（人次）",
          "参与人数（人）", "党员（名）", "实事项目（项）", "已办结实事（项）", "宣传信息（篇）", "巡回指导组（个）", "备注"]
ROWS = [
    [1, "贵州省工信厅", 2, "95余", 24, "2.3万余", None, None, None, None, None, None, None],
    [2, "吉林高新区", None, "320余", "56余", "5.5万余", None, None, None, None, "1100余", 3, None],
    [3, "中新天津生态城", None, None, None, None, None, "3750余", None, None, None, None, "党员数为年末数"],
    [4, "云溪区", None, None, None, None, None, 11600, 174, 150, None, 5, None],
    [5, "株洲高科集团", 12, None, 6, None, "900余", None, 40, 38, None, None, None],
    [None, "合计", 14, "415余", "86余", "7.8万余", "900余", "15350余", 214, 188, "1100余", 8, None],
]
STAMP = dt.datetime(2022, 1, 5)


def main() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "统计表"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["填报单位：各单位党史学习教育领导小组办公室"])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJKLM", (6, 18, 32, 28, 18, 18, 16, 12, 16, 18, 16, 18, 16)):
        sheet.column_dimensions[column].width = width
    book.properties.creator = "bulletin"
    book.properties.created = book.properties.modified = STAMP
    saved = io.BytesIO()
    book.save(saved)
    (DOCS / "统计表示例.xlsx").write_bytes(_fixed_times(saved.getvalue()))
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerows([[TITLE], [], HEADER, *[["" if v is None else v for v in row] for row in ROWS]])
    (DOCS / "统计表示例.csv").write_bytes(text.getvalue().encode("utf-8-sig"))


def _fixed_times(data: bytes) -> bytes:
    """The same bytes every run: zip entries and the save time from STAMP, not the clock."""
    out = io.BytesIO()
    when = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                start = content.index(b"<dcterms:modified")
                start = content.index(b">", start) + 1
                content = content[:start] + when + content[content.index(b"<", start):]
            info = zipfile.ZipInfo(entry.filename, date_time=STAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


if __name__ == "__main__":
    main()
