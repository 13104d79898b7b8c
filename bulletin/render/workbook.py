"""stats.xlsx: the statistics as an office's workbook (SPEC section 3), the same bytes for the same sources.

Two sheets, Chinese headers: 汇总 (each metric's total as of the latest report, with its
qualifier as written, the units reporting it, and its completion ratio over the units that
report both it and its whole, with their number) and 明细 (one row per
report: the unit, the date, then each metric's value as written: ``800余``; an exact value is a
number, so that a spreadsheet can add it up). Each sheet starts with the site's title and the
as-of date, then its header row, which stays on screen when scrolling; columns are as wide as
their text.

Every text is written as text, never as a formula, whatever it starts with. openpyxl stamps a
workbook with the time it is saved, and its zip entries with the clock; both
are set from the sources instead (the as-of date), so that a rebuild writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..model import Qualifier, Quantity, Site
from ..quantities import format_exactly
from ..stats import Stats
from .ratios import completion_share

if TYPE_CHECKING:  # openpyxl is imported when a workbook is made: a build with nothing to do never needs it
    from openpyxl.worksheet.worksheet import Worksheet

NO_DATE = dt.datetime(1980, 1, 1)  # a workbook of a site without reports: the earliest time a zip entry can carry
HEADER_ROW = 4  # the title, the as-of date, a blank row, then the header
MAX_WIDTH = 60  # characters: a very long name wraps instead of widening its column further
_MODIFIED = re.compile(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>")


@dataclass(frozen=True, slots=True)
class WorkbookContent:
    """Everything a workbook shows: equal contents, equal bytes (so its ``repr`` is its fingerprint)."""

    title: str
    as_of: str  # the as-of line, as the statistics page says it
    stamp: dt.datetime  # the time its zip entries carry
    totals: tuple[list[str], list[list[object]]]  # 汇总: its header and rows
    details: tuple[list[str], list[list[object]]]  # 明细: the same


def workbook_content(site: Site, stats: Stats) -> WorkbookContent:
    """What the workbook of the site's statistics shows (cheap: no workbook is made)."""
    stamp = dt.datetime.combine(stats.as_of, dt.time()) if stats.as_of else NO_DATE
    totals = ["指标", "计量单位", "合计", "报送单位数", "完成比例", "完成比例所含单位数"]
    details = ["单位", "报送日期", *(f"{m.label}（{m.unit}）" for m in site.metrics)]
    return WorkbookContent(site.config.title, _as_of(site, stats), stamp, (totals, _total_rows(stats)),
                           (details, _report_rows(site)))


def workbook_bytes(content: WorkbookContent) -> bytes:
    """The workbook that shows ``content``."""
    from openpyxl import Workbook

    book = Workbook()
    totals = book.active
    totals.title = "汇总"
    _fill(totals, content, *content.totals)
    _fill(book.create_sheet("明细"), content, *content.details)
    book.properties.creator = "bulletin"
    book.properties.title = content.title
    book.properties.created = book.properties.modified = content.stamp
    saved = io.BytesIO()
    book.save(saved)
    return _stamped(saved.getvalue(), content.stamp)


def _total_rows(stats: Stats) -> list[list[object]]:
    rows = []
    for ms in stats.metrics:
        completion = ms.completion
        rows.append([ms.metric.label, ms.metric.unit, written(ms.total), ms.units_reporting,
                     completion_share(completion) if completion else None, len(completion.units) if completion else None])
    return rows


def _report_rows(site: Site) -> list[list[object]]:
    rows = []
    for unit in site.units:
        for report in unit.reports:
            rows.append([unit.name, report.date.isoformat(),
                         *(written(report.values.get(m.key)) for m in site.metrics)])
    return rows


def written(quantity: Quantity | None) -> int | Decimal | str | None:
    """A figure for a cell: an exact value as a number (11543), one with a qualifier as text (800余, 约300)."""
    if quantity is None:
        return None
    if quantity.qualifier is Qualifier.EXACT:
        value = Decimal(quantity.value)
        return int(value) if value == value.to_integral_value() else value
    return format_exactly(quantity)


def _fill(sheet: Worksheet, content: WorkbookContent, header: list[str], rows: list[list[object]]) -> None:
    """The title, the as-of date, the header (frozen) and the rows, in columns as wide as their text."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for number, values in enumerate([[content.title], [content.as_of], [], header, *rows], 1):
        for column, value in enumerate(values, 1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, always: a name such as =HYPERLINK(…) is never a formula
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    for index, _name in enumerate(header, 1):
        cells = [header[index - 1]] + [row[index - 1] for row in rows if index - 1 < len(row)]
        width = max(_width(value) for value in cells)
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)


def _as_of(site: Site, stats: Stats) -> str:
    """The as-of line, as the statistics page says it: 数据截至2021年11月30日, or each unit's date where they differ."""
    if stats.as_of is None:
        return "尚无报送数据"
    if stats.dates_differ:
        names = {u.slug: u.display_name for u in site.units}
        dates = "、".join(f"{names.get(slug, slug)}{_date_zh(day)}" for slug, day in stats.unit_dates)
        return f"数据截至各单位最近一次报告（{dates}），共 {stats.units} 个单位"
    return f"数据截至{_date_zh(stats.as_of)}，共 {stats.units} 个单位"


def _width(value: object) -> int:
    """How many columns of a spreadsheet ``value`` takes: a Chinese character two, others one."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _stamped(data: bytes, stamp: dt.datetime) -> bytes:
    """The workbook with its save time and every zip entry's time set to ``stamp``, not the clock."""
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                content = _MODIFIED.sub(lambda m: b"<dcterms:modified" + m.group(1) + b">" + when +
                                        b"</dcterms:modified>", content)
            info = zipfile.ZipInfo(entry.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o600 << 16
            target.writestr(info, content)
    return out.getvalue()
