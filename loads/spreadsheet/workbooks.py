"""Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) through calamine, a reader written in Rust.

Only visible worksheets are read, the first with a phone column wins. Each sheet is measured
(limits.py) before calamine allocates it. calamine gives cached values of formulas and an
empty string for a formula Excel never computed: those are told apart by formulas.py.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass

import python_calamine

from loads.spreadsheet import binary_limits, limits
from loads.spreadsheet.detect import Format
from loads.spreadsheet.errors import damaged, password_protected


@dataclass
class WorksheetRows:
    name: str
    part: str | None  # the .xlsx part, to look for formulas
    offset: int  # index of the first column calamine returns
    rows: Iterator[tuple[int, list]]  # (row number as Excel shows it, values)
    last_row: int = 0  # the last row with a cell in the file, where known (.xlsx)


def open_workbook(file, fmt: Format, package: limits.Package | None) -> "Workbook":
    shared = None
    if fmt is Format.XLSX:
        shared = limits.check_shared_strings(package)
    elif fmt is Format.ODS:
        limits.check_ods(package)  # calamine reads every table of an .ods when it opens it
    elif fmt is Format.XLSB:
        binary_limits.check_xlsb_sheets(package, binary_limits.xlsb_shared_strings(package))
    elif fmt is Format.XLS:
        file.seek(0)
        binary_limits.check_xls(file.read(limits.MAX_WORKBOOK_BYTES + 1))  # all its sheets are read at once
    file.seek(0)
    path = getattr(file, "name", None)
    try:
        if isinstance(path, str) and os.path.isfile(path):
            book = python_calamine.CalamineWorkbook.from_path(path)
        else:
            book = python_calamine.CalamineWorkbook.from_filelike(file)
    except python_calamine.PasswordError as exc:
        raise password_protected() from exc
    except python_calamine.CalamineError as exc:
        raise damaged() from exc
    return Workbook(book, fmt, package, shared)


class Workbook:
    def __init__(self, book, fmt: Format, package: limits.Package | None, shared: limits.SharedStrings | None):
        self.book, self.fmt, self.package, self.shared = book, fmt, package, shared
        self.parts = limits.xlsx_sheet_parts(package) if fmt is Format.XLSX else []

    def close(self) -> None:
        self.book.close()

    def worksheets(self) -> Iterator[WorksheetRows]:
        """The visible worksheets, each measured then read when the caller gets to it."""
        for index, meta in enumerate(self.book.sheets_metadata):
            if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                continue
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            part = self.parts[index] if index < len(self.parts) else None
            last_row = 0
            if self.fmt is Format.XLSX and part is not None:
                last_row = limits.check_xlsx_sheet(self.package, part, self.shared, meta.name).last_row
            try:
                sheet = self.book.get_sheet_by_index(index)
            except python_calamine.CalamineError as exc:
                raise damaged() from exc
            start = sheet.start
            if start is None:
                continue  # an empty sheet
            yield WorksheetRows(meta.name, part, start[1], _numbered(sheet), last_row)
            del sheet  # the grid is freed as soon as the next sheet is wanted


def _numbered(sheet) -> Iterator[tuple[int, list]]:
    """calamine's rows start at row 1 (blank ones above the data included) but at the first
    column with data: rows keep Excel's numbers, columns need the offset (pinned by a test)."""
    yield from enumerate(sheet.iter_rows(), start=1)
