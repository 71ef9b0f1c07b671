"""Read an uploaded spreadsheet (.xlsx, .xlsm, .xlsb, .xls, .ods or CSV) into clean rows.

Offices upload whatever their systems or their hands produced: title rows above the table,
phones stored as floats, dates as text or Excel serials, CSVs in Windows encodings, exports
with commas inside the messages. This package turns that into `SheetRow`s keyed by canonical
column names, and explains in one user-facing sentence why a file (`SpreadsheetError`), a row
or a cell (`SheetRow.errors`) could not be read. Phone normalisation and template rendering
happen in the load (loads.services).

    detect.py     what the file is, from its content
    limits.py     how big it may be, checked before and while a workbook is read
    workbooks.py  workbooks through calamine; formulas.py: formulas never computed
    csvfile.py    CSV, streamed
    header.py     the header row and what each column is
    rows.py       a row's values cleaned; cells.py: one cell cleaned
    reader.py     the one reading path: open_spreadsheet() and read_spreadsheet()
"""

from loads.spreadsheet.cells import AMOUNT, MESSAGE, PHONE, SEND_DATE, clean_cell, column_kind
from loads.spreadsheet.detect import Format
from loads.spreadsheet.errors import SpreadsheetError
from loads.spreadsheet.header import IgnoredColumn, canonical_name, normalise_header
from loads.spreadsheet.limits import MAX_ROWS, MAX_UPLOAD_BYTES
from loads.spreadsheet.reader import SheetReader, open_spreadsheet, read_spreadsheet
from loads.spreadsheet.rows import ROW, Sheet, SheetRow

__all__ = [
    "AMOUNT",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "MESSAGE",
    "PHONE",
    "ROW",
    "SEND_DATE",
    "Format",
    "IgnoredColumn",
    "Sheet",
    "SheetReader",
    "SheetRow",
    "SpreadsheetError",
    "canonical_name",
    "clean_cell",
    "column_kind",
    "normalise_header",
    "open_spreadsheet",
    "read_spreadsheet",
]
