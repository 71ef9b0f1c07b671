"""Read an uploaded .xlsx or .csv into clean rows.

Offices upload whatever their systems or their hands produced: title rows above the table,
phones stored as floats, dates as text or Excel serials, CSVs in Windows encodings. This module
turns that into `Sheet` rows keyed by canonical column names, and explains in one user-facing
sentence why a file (`SpreadsheetError`) or a cell (`SheetRow.errors`) could not be read.
Phone normalisation and template rendering happen elsewhere.
"""

import contextlib
import csv
import datetime
import io
import queue
import re
import threading
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Protocol

from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel
from openpyxl.xml.functions import iterparse

PHONE = "phone"
MESSAGE = "message"
SEND_DATE = "send_date"
AMOUNT = "montocuota"

SYNONYMS = {
    PHONE: [
        "telefono", "tel", "celular", "cel", "movil", "nro celular", "numero de celular", "numero", "phone",
        "mobile", "cellphone", "phone number", "whatsapp", "nro de celular", "numero celular", "numero de telefono",
        "nro telefono", "nro de telefono", "telefono celular", "telefono movil", "celulares", "telefonos",
        "cell", "cell phone", "mobile number", "telephone",
    ],
    MESSAGE: ["mensaje", "texto", "sms", "message", "text", "contenido"],
    SEND_DATE: [
        "fecha envio", "fecha de envio", "enviar", "envio", "send date", "send on", "date to send",
        "fecha programada",
    ],
    "nombre": ["nombre", "name", "cliente", "customer", "nombre cliente", "nombre del cliente", "nombres"],
    "numerocuota": ["numerocuota", "nro cuota", "numero de cuota", "cuota", "installment number", "numero cuota"],
    AMOUNT: ["montocuota", "monto", "monto cuota", "importe", "amount", "installment amount", "monto de cuota"],
    "moneda": ["moneda", "currency", "divisa"],
    "fechavencimiento": [
        "fechavencimiento", "fecha vencimiento", "fecha de vencimiento", "vencimiento", "vence", "due date",
    ],
}  # fmt: skip
_CANONICAL = {synonym: canonical for canonical, synonyms in SYNONYMS.items() for synonym in synonyms}

HEADER_SCAN_ROWS = 15
# Excel accepts 1 (1900-01-01) to 2958465 (9999-12-31); below 3654 (1910-01-01) a number in a date
# column is far more likely a year or a day typed alone than a date.
EXCEL_SERIAL_MIN = 3654
EXCEL_SERIAL_MAX = 2958465
EXCEL_ERRORS = {"#N/A", "#DIV/0!", "#REF!", "#NAME?", "#NULL!", "#NUM!", "#VALUE!", "#SPILL!", "#CALC!"}
MAX_UNPACKED_BYTES = 1 << 30  # a full 200,000-row sheet unpacks to about 100 MB
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class SpreadsheetError(ValueError):
    """The whole file is unusable; `message` is a translated sentence for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class SheetRow:
    number: int  # as the user sees it: Excel row number, or CSV line number
    values: dict[str, object]  # canonical column -> cleaned value
    errors: dict[str, str]  # canonical column -> why that cell could not be read


@dataclass
class Sheet:
    columns: list[str]  # canonical names, in file order
    header_row: int
    rows: list[SheetRow]  # blank rows skipped
    ignored_columns: list[str]  # original header texts: unnamed, or a second column with the same meaning


MAX_ROWS = 200_000


def read_spreadsheet(file, filename: str, *, max_rows: int = MAX_ROWS, sink: "RowSink | None" = None) -> Sheet:
    """Read an uploaded .xlsx or .csv. The content decides the format; `filename` is only a hint.

    With a `sink`, rows are handed to it in batches as they are read (each row final: nothing
    read later changes it) and the returned Sheet holds no rows.
    """
    with contextlib.suppress(AttributeError, OSError):  # streams that cannot seek are read as they are
        file.seek(0)  # a view may already have peeked at the upload
    data = file.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise SpreadsheetError(gettext("The file is empty."))
    if data.startswith(b"PK"):
        return _read_xlsx(data, max_rows=max_rows, sink=sink)
    _reject_binary(data)
    return _read_csv(_decode(data), max_rows=max_rows, sink=sink)


class RowSink(Protocol):
    """Where a streaming read puts what it finds: the header once, then batches of rows."""

    batch_size: int

    def header(self, columns: list[str], header_row: int) -> None: ...

    def rows(self, rows: list[SheetRow]) -> None: ...


class _End:
    def __init__(self, sheet: Sheet | None = None, error: BaseException | None = None):
        self.sheet, self.error = sheet, error


class _QueueSink:
    batch_size = 2000

    def __init__(self):
        self.queue: queue.Queue = queue.Queue(maxsize=8)  # a few batches ahead: memory stays flat
        self.cancelled = threading.Event()

    def put(self, item) -> None:
        while not self.cancelled.is_set():
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise _Cancelled

    def header(self, columns: list[str], header_row: int) -> None:
        self.put((columns, header_row))

    def rows(self, rows: list[SheetRow]) -> None:
        self.put(rows)


class _Cancelled(Exception):
    pass


def read_spreadsheet_batches(
    file, filename: str, *, max_rows: int = MAX_ROWS
) -> tuple[list[str], int, Iterator[list[SheetRow]]]:
    """(columns, header row, batches of rows): the reading runs in a thread, so the caller can
    store one batch while the next is parsed (the database works without holding the GIL).
    Raises SpreadsheetError at once for a file without a usable header, or while iterating."""
    sink = _QueueSink()
    language = translation.get_language()

    def produce() -> None:
        try:
            with translation.override(language):
                sheet = read_spreadsheet(file, filename, max_rows=max_rows, sink=sink)
            sink.put(_End(sheet))
        except _Cancelled:
            pass
        except BaseException as exc:  # handed to the reading thread, which raises it
            with contextlib.suppress(_Cancelled):
                sink.put(_End(error=exc))

    threading.Thread(target=produce, name="spreadsheet-reader", daemon=True).start()
    first = sink.queue.get()
    if isinstance(first, _End):
        sink.cancelled.set()
        raise first.error or SpreadsheetError(gettext("The file is empty."))
    columns, header_row = first

    def batches() -> Iterator[list[SheetRow]]:
        try:
            while not isinstance(item := sink.queue.get(), _End):
                yield item
            if item.error:
                raise item.error
        finally:
            sink.cancelled.set()  # the caller stopped early: let the reader end

    return columns, header_row, batches()


# --- file formats -------------------------------------------------------------------------------


def _not_a_spreadsheet() -> SpreadsheetError:
    return SpreadsheetError(
        gettext("The file is not a spreadsheet: upload an Excel file (.xlsx) or a CSV file (.csv).")
    )


def _reject_binary(data: bytes) -> None:
    if data.startswith(OLE_SIGNATURE):
        # Excel saves password-protected .xlsx files inside an OLE container too.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise SpreadsheetError(
                gettext("The file is protected with a password: remove the password in Excel and upload it again.")
            )
        raise SpreadsheetError(
            gettext("Old .xls files are not supported: save the file as .xlsx (Excel 2007 or later) or .csv")
        )
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table")) or b"<html" in head[:512]:
        # Many banking systems export an HTML table and name it .xls.
        raise SpreadsheetError(
            gettext("The file is a web page, not a real Excel file: open it in Excel and save it as .xlsx or .csv.")
        )
    if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]:
        raise SpreadsheetError(
            gettext("The file is in the old Excel XML format: open it in Excel and save it as .xlsx or .csv.")
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text, as Excel's "Unicode text" writes it
    sample = data[:65536]
    if b"\x00" in sample:
        raise _not_a_spreadsheet()
    controls = sum(1 for byte in sample if (byte < 32 and byte not in b"\t\n\r\f\v") or byte == 127)
    if controls > len(sample) // 100:
        raise _not_a_spreadsheet()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _not_a_spreadsheet() from exc
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


def _corrupt() -> SpreadsheetError:
    return SpreadsheetError(gettext("The file could not be opened: it is damaged or it is not an Excel .xlsx file."))


def _check_xlsx_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            # zipfile never inflates past the declared sizes, so this bounds a zip bomb.
            unpacked = sum(info.file_size for info in archive.infolist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _corrupt() from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(gettext("The file is too big; split it in several files."))
    if b"opendocument.spreadsheet" in mimetype:
        raise SpreadsheetError(gettext("OpenDocument (.ods) files are not supported: save the file as .xlsx or .csv."))
    if "xl/workbook.bin" in names:
        raise SpreadsheetError(gettext("Excel binary (.xlsb) files are not supported: save the file as .xlsx or .csv."))
    if not any(name.lower().startswith("xl/workbook") for name in names):
        raise _not_a_spreadsheet()


def _read_xlsx(data: bytes, *, max_rows: int, sink: RowSink | None = None) -> Sheet:
    _check_xlsx_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything from KeyError to ParseError on damaged files
        raise _corrupt() from exc
    try:
        saw_data = False
        for worksheet in workbook.worksheets:
            if worksheet.sheet_state != "visible":
                continue
            worksheet.reset_dimensions()  # some generators write a wrong <dimension>; read what is there
            rows = _xlsx_rows(worksheet)
            header, sheet_has_data = _find_header(rows)
            saw_data = saw_data or sheet_has_data
            if header is None:
                continue
            path = worksheet._worksheet_path
            builder = _SheetBuilder(
                *header,
                epoch=workbook.epoch,
                max_rows=max_rows,
                sink=sink,
                find_formulas=lambda path=path: _uncached_formulas(data, path),
            )
            for number, values in rows:
                builder.add(number, values)
            return builder.sheet()
    finally:
        workbook.close()
    raise _no_phone_column() if saw_data else SpreadsheetError(gettext("The file is empty."))


def _xlsx_rows(worksheet) -> Iterator[tuple[int, tuple]]:
    # Read-only mode fills missing rows with empty tuples, so counting gives Excel's row numbers.
    rows = worksheet.iter_rows(values_only=True)
    number = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # a damaged sheet fails while streaming, not while opening
            raise _corrupt() from exc
        number += 1
        yield number, values


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _sheet_has_formulas(data: bytes, path: str) -> bool:
    """Cheap byte scan so files without formulas never pay for a second parse."""
    tail = b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as source:
        while chunk := source.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find_uncached_formulas(data: bytes, path: str) -> set[tuple[int, int]]:
    """(row, column) of formula cells without a computed value.

    openpyxl's data_only mode returns None both for these and for formulas that computed "",
    so read the XML: Excel writes t="str" and an empty <v> for "", while files written by
    libraries that cannot compute have no <v> or an empty one on a numeric cell.
    """
    if not _sheet_has_formulas(data, path):
        return set()
    found = set()
    row_number = column = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as source:
        for event, element in iterparse(source, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":
                    row_number = int(element.get("r") or row_number + 1)
                    column = 0
                continue
            if tag == "c":
                reference = element.get("r")
                column = _column_index(reference) if reference else column + 1
                children = {_local(child.tag): child for child in element}
                value = children.get("v")
                if "f" in children and (value is None or (not value.text and element.get("t") != "str")):
                    found.add((row_number, column))
            elif tag == "row":
                element.clear()
    return found


def _uncached_formulas(data: bytes, path: str) -> set[tuple[int, int]]:
    try:
        return _find_uncached_formulas(data, path)
    except Exception as exc:  # openpyxl read this XML already, so this is a truncated or odd file
        raise _corrupt() from exc


def _column_index(reference: str) -> int:
    index = 0
    for char in reference:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index


def _read_csv(text: str, *, max_rows: int, sink: RowSink | None = None) -> Sheet:
    if not re.sub(r'[\s;,|"]', "", text):  # nothing but separators, as Excel saves an emptied sheet
        raise SpreadsheetError(gettext("The file is empty."))
    # The delimiter under which a phone header appears, with the most named columns, wins:
    # counting separators alone is fooled by "Bs 1.500,50" in a ';' file.
    best = None
    for delimiter in (";", ",", "\t", "|"):
        header, _ = _find_header(_csv_rows(text, delimiter))
        if header is not None:
            named = sum(1 for value in header[1] if _text(value))
            if best is None or named > best[0]:
                best = (named, delimiter)
    if best is None:
        raise _no_phone_column()
    rows = _csv_rows(text, best[1])
    header, _ = _find_header(rows)
    builder = _SheetBuilder(*header, epoch=CALENDAR_WINDOWS_1900, max_rows=max_rows, sink=sink)
    for number, values in rows:
        builder.add(number, values)
    return builder.sheet()


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    start = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SpreadsheetError(
                gettext("The CSV file is damaged near line %(line)d.") % {"line": reader.line_num}
            ) from exc
        yield start, values
        start = reader.line_num + 1  # a quoted cell can span lines: report where the record starts


# --- header -------------------------------------------------------------------------------------


def _no_phone_column() -> SpreadsheetError:
    return SpreadsheetError(gettext("No column with phone numbers was found: name a column “Teléfono” or “Celular”."))


def normalise_header(text: object) -> str:
    """'  Fecha_de  Envío: ' -> 'fecha de envio'."""
    text = unicodedata.normalize("NFKD", _text(text))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = re.sub(r"[\s_.]+", " ", text).strip()
    return text.rstrip(":*").strip()


def canonical_name(text: object) -> str:
    """Canonical column name for a header cell; '' for an empty header."""
    name = normalise_header(text)
    without_notes = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()  # "Celular (sin 591)"
    without_number = re.sub(r"^(?:n°|no|nro|num|numero|#)\s*(?:de\s+)?", "", without_notes)  # "Nº de cuota"
    for candidate in (name, without_notes, without_number):
        if candidate in _CANONICAL:
            return _CANONICAL[candidate]
    if _CANONICAL.get(re.sub(r"\s*\d+$", "", without_number)) == PHONE:  # "Celular 1", "Celular 2"
        return PHONE
    return name.replace(" ", "")


def _is_unnamed(name: str) -> bool:
    # pandas writes "Unnamed: 3", Excel tables "Column1"/"Columna1".
    return not name or bool(re.fullmatch(r"(?:unnamed:? ?|columna? ?|col ?)\d+", normalise_header(name)))


def _find_header(rows: Iterator[tuple[int, Iterable]]) -> tuple[tuple[int, list] | None, bool]:
    """Consume rows up to the header; return ((number, values) or None, whether any row had data)."""
    scanned = 0
    for number, values in rows:
        values = list(values)
        if all(_is_empty(value) for value in values):
            continue
        if any(canonical_name(value) == PHONE for value in values):
            return (number, values), True
        scanned += 1
        if scanned >= HEADER_SCAN_ROWS:
            break
    return None, scanned > 0


# --- rows ---------------------------------------------------------------------------------------


class _SheetBuilder:
    def __init__(
        self,
        header_row: int,
        header: list,
        *,
        epoch: datetime.datetime,
        max_rows: int,
        sink: RowSink | None = None,
        find_formulas: Callable[[], set[tuple[int, int]]] | None = None,
    ):
        self.header_row = header_row
        self.epoch = epoch
        self.max_rows = max_rows
        self.columns: dict[int, str] = {}  # 0-based index -> canonical name
        self.ignored: dict[int, str] = {}  # 0-based index -> original header text
        self.unnamed: set[int] = set()
        for index, value in enumerate(header):
            text = _text(value)
            name = canonical_name(text)
            if _is_unnamed(text):
                self.unnamed.add(index)
                if text:
                    self.ignored[index] = text
            elif name in self.columns.values():
                self.ignored[index] = text
            else:
                self.columns[index] = name
        self.width = len(header)
        # Per column, once: where it is, its name and its cleaning function (the hot loop).
        self.indexes = list(self.columns)
        self.names = list(self.columns.values())
        self.cleaners = [_CLEANERS[column_kind(name)] for name in self.names]
        self.unnamed_with_data: set[int] = set()
        self.rows: list[SheetRow] = []
        self.count = 0
        self.sink = sink
        if sink:
            sink.header(self.names, header_row)
        self.find_formulas = find_formulas
        # Row number -> names of its columns holding a formula without a computed value. Looked
        # for at the first empty cell (openpyxl reads those formulas as None), so every row
        # before it has none and every row is final once read.
        self.formula_cells: dict[int, list[str]] | None = None

    def add(self, number: int, values: Sequence) -> None:
        width = len(values)
        picked = [values[index] if index < width else None for index in self.indexes]
        if self.formula_cells is None and any(value is None for value in picked):
            self._find_formulas()
        formulas = self.formula_cells.get(number) if self.formula_cells else None
        if not formulas and all(_is_empty(value) for value in picked):
            return
        for index in self.unnamed:
            if index < width and not _is_empty(values[index]):
                self.unnamed_with_data.add(index)
        for index in range(self.width, width):
            if not _is_empty(values[index]):
                self.unnamed_with_data.add(index)
        if self.count >= self.max_rows:
            raise SpreadsheetError(
                gettext("The file has more than %(max)d rows; split it in several files.") % {"max": self.max_rows}
            )
        cleaned, errors, epoch = {}, {}, self.epoch
        for name, clean, value in zip(self.names, self.cleaners, picked, strict=True):
            cleaned[name], error = clean(value, epoch)
            if error:
                errors[name] = error
        if formulas:
            message = gettext("the cell has a formula without a computed value: open and save the file in Excel")
            errors.update(dict.fromkeys(formulas, message))
        self.count += 1
        self.rows.append(SheetRow(number=number, values=cleaned, errors=errors))
        if self.sink and len(self.rows) >= self.sink.batch_size:
            self.sink.rows(self.rows)
            self.rows = []

    def _find_formulas(self) -> None:
        self.formula_cells = {}
        for row_number, column in sorted(self.find_formulas() if self.find_formulas else ()):
            name = self.columns.get(column - 1)
            if name is not None and row_number > self.header_row:
                self.formula_cells.setdefault(row_number, []).append(name)

    def sheet(self) -> Sheet:
        if self.sink and self.rows:
            self.sink.rows(self.rows)
            self.rows = []
        ignored = dict(self.ignored)
        ignored.update({index: "" for index in self.unnamed_with_data if index not in ignored})
        return Sheet(
            columns=list(self.columns.values()),
            header_row=self.header_row,
            rows=self.rows,
            ignored_columns=[ignored[index] for index in sorted(ignored)],
        )


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_kind(name: str) -> str:
    if name == PHONE:
        return "phone"
    if name == AMOUNT:
        return "amount"
    if name in (SEND_DATE, "fechavencimiento") or "fecha" in name or "date" in name:
        return "date"
    return "text"


def clean_cell(name: str, value: object, *, epoch=CALENDAR_WINDOWS_1900) -> tuple[object, str | None]:
    """(cleaned value, user-facing error or None) for one cell of column `name`."""
    return _CLEANERS[column_kind(name)](value, epoch)


def _excel_error(value: object) -> str | None:
    """The message for a cell showing "#N/A" and the like."""
    if value.__class__ is str and "#" in value and value.strip() in EXCEL_ERRORS:
        return gettext("the cell shows the Excel error %(error)s: fix the formula") % {"error": value.strip()}
    return None


def _clean_phone(value: object, epoch) -> tuple[str, str | None]:
    if value.__class__ is int and value > 0:  # the usual: a number cell
        return str(value), None
    if value.__class__ is float and value.is_integer() and 0 < value < 1e15:  # 70000288.0
        return str(int(value)), None
    if message := _excel_error(value):
        return "", message
    return _phone(value)


def _clean_date(value: object, epoch) -> tuple[datetime.date | None, str | None]:
    if message := _excel_error(value):
        return None, message
    return _date(value, epoch)


def _clean_amount(value: object, epoch) -> tuple[Decimal | str | None, str | None]:
    if message := _excel_error(value):
        return None, message
    return _amount(value), None


def _clean_text(value: object, epoch) -> tuple[str, str | None]:
    if message := _excel_error(value):
        return "", message
    if value.__class__ is str:
        text = value.strip()
        if not text or (text[0] < "\xad" and text[-1] < "\xad"):  # no invisible mark: the first Cf is U+00AD
            return text, None
        return _strip(text), None
    return _text(value), None


def _strip(text: str) -> str:
    # Phones copied from WhatsApp carry invisible direction marks (category Cf) around them.
    text = text.strip()
    while text and unicodedata.category(text[0]) == "Cf":
        text = text[1:].strip()
    while text and unicodedata.category(text[-1]) == "Cf":
        text = text[:-1].strip()
    return text


def _number_text(value: int | float | Decimal) -> str:
    """70000288.0 -> '70000288', 150.5 -> '150.5'; never scientific notation."""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _strip(value)
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float | Decimal):
        return _number_text(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M" if value.time() else "%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return _strip(str(value))


_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE]\+?\d+")
_POINT_ZERO = re.compile(r"(\+?\d+)[.,]0+")


def _phone(value: object) -> tuple[str, str | None]:
    text = _text(value)
    if re.fullmatch(r"'[+\d][\d\s-]*", text):  # the apostrophe that keeps Excel from eating digits
        text = text[1:]
    if _SCIENTIFIC.fullmatch(text):  # a CSV written by Excel: "5.9170000288E+10"
        number = Decimal(text.replace(",", "."))
        digits = _number_text(number)
        if len(number.as_tuple().digits) < len(digits.lstrip("+-")):
            # "5,917E+10" is what Excel displayed, not the number: the last digits are gone.
            message = gettext(
                "“%(value)s” lost its last digits: format the column as Text or Number in Excel and export it again"
            )
            return text, message % {"value": text}
        return digits, None
    if match := _POINT_ZERO.fullmatch(text):  # a CSV written by pandas: "70000288.0"
        return match[1], None
    return text, None


# --- dates --------------------------------------------------------------------------------------

_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?\s*m\.?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DMY = re.compile(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4}|\d{2})" + _TIME, re.IGNORECASE)
_YMD = re.compile(r"(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})" + _TIME, re.IGNORECASE)
_D_MONTH_Y = re.compile(r"(\d{1,2})(?:\s+de\s+|[\s/\-.]+)([a-z]{3,})\.?(?:\s+de\s+|[\s/\-.]+)(\d{4}|\d{2})")
_MONTHS = {
    "ene": 1, "jan": 1, "feb": 2, "mar": 3, "abr": 4, "apr": 4, "may": 5, "jun": 6, "jul": 7,
    "ago": 8, "aug": 8, "sep": 9, "set": 9, "oct": 10, "nov": 11, "dic": 12, "dec": 12,
}  # fmt: skip


def _date(value: object, epoch) -> tuple[datetime.date | None, str | None]:
    if _is_empty(value):
        return None, None
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    date = None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        date = _from_serial(value, epoch)
    elif isinstance(value, str):
        date = _parse_date(_strip(value), epoch)
    if date is None:
        message = gettext("“%(value)s” is not a date (use day/month/year)") % {"value": _text(value)}
        return None, message
    return date, None


def _from_serial(value, epoch) -> datetime.date | None:
    if not EXCEL_SERIAL_MIN <= value <= EXCEL_SERIAL_MAX:
        return None
    try:
        return from_excel(float(value), epoch).date()
    except (ValueError, OverflowError):
        return None


def _make_date(year: str, month: str | int, day: str) -> datetime.date | None:
    year = int(year)
    if year < 100:
        year += 2000  # "30/11/26": these are due and send dates, never the 1900s
    try:
        return datetime.date(year, int(month), int(day))
    except ValueError:
        return None


def _parse_date(text: str, epoch) -> datetime.date | None:
    if match := _DMY.fullmatch(text):
        return _make_date(match[3], match[2], match[1])
    if match := _YMD.fullmatch(text):
        return _make_date(match[1], match[2], match[3])
    plain = normalise_header(text)
    if (match := _D_MONTH_Y.fullmatch(plain)) and match[2][:3] in _MONTHS:  # "30-nov-2026", "30 de noviembre de 2026"
        return _make_date(match[3], _MONTHS[match[2][:3]], match[1])
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):  # a serial number that became text in a CSV
        return _from_serial(Decimal(text), epoch)
    if re.fullmatch(r"\d{8}", text):  # "30112026" or "20261130", only when one reading is a date
        dates = {_make_date(text[4:], text[2:4], text[:2]), _make_date(text[:4], text[4:6], text[6:])} - {None}
        return dates.pop() if len(dates) == 1 else None
    return None


# --- amounts ------------------------------------------------------------------------------------

_CURRENCY = re.compile(r"(?i)(?<![a-z])(?:bs|bob|usd|sus)(?![a-z])\.?|\$us|us\$|u\$s|\$b|\$")
_AMOUNT_TEXT = re.compile(r"[\d.,][\d.,' \u00a0]*")
_GROUPED = {".": re.compile(r"\d{1,3}(?:\.\d{3})*"), ",": re.compile(r"\d{1,3}(?:,\d{3})*")}  # thousands
CENT = Decimal("0.01")


def _amount(value: object) -> Decimal | str | None:
    """Decimal with two decimals; text that is not an amount ("a convenir") stays text."""
    if _is_empty(value):
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        return number.quantize(CENT, ROUND_HALF_UP) if number.is_finite() else _text(value)
    text = _text(value)
    number = _parse_amount(text)
    return number.quantize(CENT, ROUND_HALF_UP) if number is not None else text


def _parse_amount(text: str) -> Decimal | None:
    """'Bs 1.500,50', '1,500.50', '1 500,50', '$us 100' -> Decimal; None if it is not an amount."""
    negative = bool(re.match(r"\D*-", text))
    core = _CURRENCY.sub("", text).strip(" -\u00a0").rstrip(".").strip()  # "Bs. 150.-"
    if not _AMOUNT_TEXT.fullmatch(core) or not re.search(r"\d", core):
        return None
    core = re.sub(r"[' \u00a0]", "", core)
    if "," in core and "." in core:
        decimal_mark = "," if core.rfind(",") > core.rfind(".") else "."
        whole, _, fraction = core.rpartition(decimal_mark)
        thousands = "." if decimal_mark == "," else ","
        if not _GROUPED[thousands].fullmatch(whole):
            return None
        digits = whole.replace(thousands, "") + "." + fraction
    elif "," in core or "." in core:
        mark = "," if "," in core else "."
        whole, _, fraction = core.rpartition(mark)
        if core.count(mark) > 1 or (len(fraction) == 3 and whole not in ("", "0") and len(whole) <= 3):
            # "1.500" and "1.500.000" group thousands; "150,5" and "0.500" have decimals
            if not _GROUPED[mark].fullmatch(core):
                return None
            digits = core.replace(mark, "")
        else:
            digits = whole + "." + fraction
    else:
        digits = core
    try:
        number = Decimal(digits.rstrip("."))
    except InvalidOperation:
        return None
    return -number if negative else number


_CLEANERS = {"phone": _clean_phone, "date": _clean_date, "amount": _clean_amount, "text": _clean_text}
