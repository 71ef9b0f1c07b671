"""Reading a spreadsheet, the one path for the web and the command line.

    with open_spreadsheet(file) as sheet:      # format, limits, header: refused here if unusable
        sheet.columns, sheet.phone_columns     # what the load can use
        for batch in sheet.batches():          # rows as they are read, never the whole file
            ...
        sheet.ignored_columns()                # complete once the rows are read

Any failure reaches the caller as a SpreadsheetError with a sentence for the user: the file's
own problems by name, a MemoryError as such, and an error of ours as ours (logged with its
traceback), never as "the file is damaged".
"""

import contextlib
import logging
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

import python_calamine
from django.utils.translation import gettext

from loads.spreadsheet.csvfile import CsvSource
from loads.spreadsheet.detect import Format, detect_format
from loads.spreadsheet.errors import SpreadsheetError, damaged, empty, out_of_memory, unexpected
from loads.spreadsheet.formulas import hidden_values
from loads.spreadsheet.header import IgnoredColumn, Layout, find_header, layout_from_header, no_phone_column
from loads.spreadsheet.limits import MAX_ROWS
from loads.spreadsheet.rows import RowBuilder, Sheet, SheetRow
from loads.spreadsheet.workbooks import open_workbook

logger = logging.getLogger("smsmotor.loads")
BATCH_ROWS = 2000


def _as_spreadsheet_error(exc: BaseException) -> SpreadsheetError:
    if isinstance(exc, SpreadsheetError):
        return exc
    if isinstance(exc, MemoryError):
        return out_of_memory()
    if isinstance(exc, python_calamine.CalamineError | zipfile.BadZipFile | expat.ExpatError | EOFError):
        return damaged()
    logger.exception("Unexpected error while reading a spreadsheet")
    return unexpected()


@contextlib.contextmanager
def _guarded() -> Iterator[None]:
    try:
        yield
    except Exception as exc:  # MemoryError included
        raise _as_spreadsheet_error(exc) from exc


class SheetReader:
    """An open spreadsheet whose header is known; its rows are read once, on demand."""

    def __init__(
        self, *, fmt: Format, sheet_name: str, layout: Layout, rows: Iterator, builder: RowBuilder, last_row: int = 0
    ):
        self.format, self.sheet_name, self.layout = fmt, sheet_name, layout
        self._rows, self._builder, self._last_row = rows, builder, last_row

    @property
    def columns(self) -> list[str]:
        return self.layout.columns

    @property
    def header_row(self) -> int:
        return self.layout.header_row

    @property
    def phone_columns(self) -> list[str]:
        return self.layout.phone_headers

    def ignored_columns(self) -> list[IgnoredColumn]:
        return self.layout.ignored_columns()

    def use_only(self, names: set[str]) -> None:
        """Clean only these columns (the phone always): the others are left out of the rows."""
        self._builder.use_only(names)

    def rows(self) -> Iterator[SheetRow]:
        build = self._builder.build
        number = self.layout.header_row
        try:
            for number, values in self._rows:
                row = build(number, values)
                if row is not None:
                    yield row
            yield from self._builder.trailing(number, self._last_row)
        except Exception as exc:  # MemoryError included; the caller's own errors never come here
            raise _as_spreadsheet_error(exc) from exc
        if self._builder.count == 0:
            raise SpreadsheetError(
                gettext(
                    "The file has its header (row %(row)d) but no rows with data below it: "
                    "write one row per message under the header."
                )
                % {"row": self.layout.header_row}
            )

    def batches(self, size: int = BATCH_ROWS) -> Iterator[list[SheetRow]]:
        batch = []
        for row in self.rows():
            batch.append(row)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch


@contextlib.contextmanager
def open_spreadsheet(file, filename: str = "", *, max_rows: int = MAX_ROWS) -> Iterator[SheetReader]:
    """Open an uploaded or local file; the content decides the format, `filename` is only shown."""
    workbook = None
    try:
        with _guarded():
            fmt, package = detect_format(file)
            if fmt is Format.CSV:
                reader = _open_csv(file, max_rows=max_rows)
            else:
                workbook = open_workbook(file, fmt, package)
                reader = _open_workbook_sheet(workbook, max_rows=max_rows)
        yield reader
    finally:
        if workbook is not None:
            workbook.close()


def _open_csv(file, *, max_rows: int) -> SheetReader:
    source = CsvSource(file)
    rows = source.rows()
    header, _has_data = find_header(rows)
    if header is None:
        raise no_phone_column()
    layout = layout_from_header(*header)
    builder = RowBuilder(layout, max_rows=max_rows, split_by=source.delimiter)
    return SheetReader(fmt=Format.CSV, sheet_name="", layout=layout, rows=rows, builder=builder)


def _open_workbook_sheet(workbook, *, max_rows: int) -> SheetReader:
    saw_data = False
    for worksheet in workbook.worksheets():
        header, has_data = find_header(worksheet.rows)
        saw_data = saw_data or has_data
        if header is None:
            continue
        layout = layout_from_header(*header, offset=worksheet.offset)
        find_hidden = None
        if worksheet.part is not None:

            def find_hidden(part=worksheet.part, offset=worksheet.offset):
                return hidden_values(workbook.package, part, offset)

        builder = RowBuilder(layout, max_rows=max_rows, find_hidden=find_hidden)
        return SheetReader(
            fmt=workbook.fmt,
            sheet_name=worksheet.name,
            layout=layout,
            rows=worksheet.rows,
            builder=builder,
            last_row=worksheet.last_row,
        )
    raise no_phone_column() if saw_data else empty()


def read_spreadsheet(file, filename: str = "", *, max_rows: int = MAX_ROWS) -> Sheet:
    """The whole sheet at once: for small files and tests (loads stream with open_spreadsheet)."""
    with open_spreadsheet(file, filename, max_rows=max_rows) as reader:
        rows = list(reader.rows())
        return Sheet(
            columns=reader.columns,
            header_row=reader.header_row,
            rows=rows,
            ignored_columns=reader.ignored_columns(),
            phone_columns=reader.phone_columns,
        )
