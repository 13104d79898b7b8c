"""An office's statistics sheet read into cells: .xlsx (openpyxl) or .csv (UTF-8, with or without BOM, or GB18030).

Cells keep what the sheet holds (text, a number, a date, or None when empty); a formula is read by
the value the spreadsheet saved with it. Cells are named as a spreadsheet names them (``B7``), rows
and columns counted from 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..messages import Message, _

SUFFIXES = (".xlsx", ".csv")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound document: an old .xls, or an encrypted workbook
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")

Value = str | int | float | dt.datetime | dt.date | dt.time | bool | None


class SheetError(Exception):
    """The file cannot be read as a sheet; ``message`` says why and what to do."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True, slots=True)
class Sheet:
    """The cells of a sheet's first worksheet, row by row (``rows[0]`` is row 1)."""

    rows: list[list[Value]]
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # (row, col) -> its range's first
    uncached: frozenset[tuple[int, int]] = frozenset()  # formulas saved without their value

    def value(self, row: int, col: int) -> Value:
        """The cell at 1-based ``row`` and ``col``; None outside the sheet."""
        if 1 <= row <= len(self.rows) and 1 <= col <= len(self.rows[row - 1]):
            return self.rows[row - 1][col - 1]
        return None

    def heading(self, row: int, col: int) -> str:
        """A header cell's text; a cell inside merged cells reads as the merged cells' text."""
        first = self.merged.get((row, col), (row, col))
        value = self.value(*first)
        return "" if value is None else str(value).strip()

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)


def cell_name(row: int, col: int) -> str:
    """B7 for row 7, column 2."""
    return f"{get_column_letter(col)}{row}"


def read_sheet(path: Path) -> Sheet:
    """The cells of ``path`` (.xlsx or .csv)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SheetError(_('cannot read a "{suffix}" file: save the sheet as .xlsx (Excel workbook) or .csv',
                           suffix=path.suffix or path.name))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetError(_("cannot read the file: {why}", why=exc.strerror or str(exc))) from None
    return read_csv(data) if suffix == ".csv" else read_xlsx(data)


def read_xlsx(data: bytes) -> Sheet:
    """The first worksheet of a workbook, by the values saved with it."""
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise SheetError(_("the workbook is protected by a password: save a copy without the password "
                               "(in Excel: File, Info, Protect Workbook) and import that"))
        raise SheetError(_("this is an old Excel workbook (.xls) named .xlsx: save it as .xlsx and import that"))
    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SheetError(_("cannot read the workbook ({why}); open it in Excel or WPS and save it as .xlsx again",
                           why=type(exc).__name__)) from None
    sheet, source = values.worksheets[0], formulas.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    uncached = frozenset((cell.row, cell.column) for row in source.iter_rows() for cell in row
                         if cell.data_type == "f" and sheet.cell(cell.row, cell.column).value is None)
    merged = {}
    for ranges in sheet.merged_cells.ranges:
        for row in range(ranges.min_row, ranges.max_row + 1):
            for col in range(ranges.min_col, ranges.max_col + 1):
                merged[(row, col)] = (ranges.min_row, ranges.min_col)
    return Sheet(rows, merged, uncached)


def read_csv(data: bytes) -> Sheet:
    """A CSV file as Excel saves it: UTF-8 (with or without BOM) or GB18030, comma- or tab-separated."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise SheetError(_("cannot read the text: it is neither UTF-8 nor GB18030; "
                                   "save the sheet as .xlsx, or as CSV (UTF-8)")) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows: list[list[Value]] = [[cell if cell.strip() else None for cell in row]
                               for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return Sheet(rows)
