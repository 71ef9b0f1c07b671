"""How big a file may be, and the checks that hold a workbook to it before the reader runs.

The reader (calamine) holds a whole sheet as a grid of cells in memory, every cell with its own
copy of its text, and the shared-strings table of an .xlsx whole. A small compressed file can
ask for gigabytes that way: a shared-strings table that unpacks to 1 GB, two cells a million rows
apart, one long text referenced from every cell. So before a workbook is opened its package is
checked twice: the sizes it declares, then the real sizes while each part is inflated here in
bounded chunks (a declared size can lie). Sheets are measured the same way before they are read.
The limits leave room for a full upload (20 MB, 200 000 rows) and refuse what no office exports.
"""

import re
import struct
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from django.utils.translation import gettext

from loads.spreadsheet.errors import SpreadsheetError, damaged, password_protected, too_big

MAX_UPLOAD_BYTES = 20 * 2**20  # the web form's limit
MAX_WORKBOOK_BYTES = 64 * 2**20  # a workbook given on the command line (CSV files are streamed)
MAX_ROWS = 200_000  # data rows of one load
MAX_COLUMNS = 256
MAX_CELLS = 4_000_000  # the grid the reader allocates (rows x columns), about 32 bytes a cell
MAX_UNPACKED_BYTES = 512 * 2**20  # a package's parts once inflated (a full upload unpacks to ~250 MB)
MAX_PART_BYTES = 256 * 2**20  # one part: a sheet, or the shared-strings table
MAX_SHARED_STRINGS = 1_000_000
MAX_SHARED_STRINGS_BYTES = 64 * 2**20
MAX_CELL_TEXT_BYTES = 128 * 2**20  # text the grid holds, every cell with its own copy
CHUNK = 1 << 20


def _mb(size: int) -> int:
    return max(1, round(size / 2**20))


class Package:
    """A zip package (.xlsx, .xlsm, .xlsb, .ods) whose parts are inflated with a real size limit."""

    def __init__(self, file):
        self.file = file
        try:
            self.zip = zipfile.ZipFile(file)
            self.infos = {info.filename: info for info in self.zip.infolist()}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error) as exc:
            raise damaged() from exc
        self.names = set(self.infos)
        self.folded = {name.lower(): name for name in self.names}
        declared = sum(info.file_size for info in self.infos.values())
        if declared > MAX_UNPACKED_BYTES:
            raise too_big(gettext("once unpacked it would take %(mb)d MB.") % {"mb": _mb(declared)})
        self.inflated: dict[str, int] = {}  # part -> bytes it unpacked to (a part may be read twice)

    def find(self, name: str) -> str | None:
        """The part's real name: packages written by hand differ in case."""
        return self.folded.get(name.lower())

    def read_small(self, name: str, limit: int = 8 * 2**20) -> bytes:
        return b"".join(self.inflate(name, limit=limit))

    def inflate(self, name: str, *, limit: int = MAX_PART_BYTES) -> Iterator[bytes]:
        """The part in chunks, inflated here from the raw bytes: the limit is on what comes
        out, whatever the package declares."""
        info = self.infos[name]
        if info.flag_bits & 0x1:
            raise password_protected()
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise damaged()
        try:
            self.file.seek(info.header_offset)
            header = self.file.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                raise damaged()
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            self.file.seek(info.header_offset + 30 + name_length + extra_length)
        except (OSError, ValueError, struct.error) as exc:
            raise damaged() from exc
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        left, produced = info.compress_size, 0
        while left > 0:
            raw = self.file.read(min(CHUNK, left))
            if not raw:
                raise damaged()  # truncated
            left -= len(raw)
            pending = raw
            while pending:
                try:
                    out = inflater.decompress(pending, CHUNK) if inflater else pending
                except zlib.error as exc:
                    raise damaged() from exc
                pending = inflater.unconsumed_tail if inflater else b""
                produced += len(out)
                self.inflated[name] = max(self.inflated.get(name, 0), produced)
                if produced > limit or sum(self.inflated.values()) > MAX_UNPACKED_BYTES:
                    raise too_big(gettext("once unpacked it takes more than %(mb)d MB.") % {"mb": _mb(limit)})
                if out:
                    yield out


# --- .xlsx / .xlsm ------------------------------------------------------------------------------

_SHEET_RELATION = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')


def _attributes(tag: bytes) -> dict[bytes, bytes]:
    return {key.rsplit(b":", 1)[-1]: value for key, value in _ATTRIBUTE.findall(tag)}


def xlsx_sheet_parts(package: Package) -> list[str | None]:
    """The part of each sheet, in the workbook's order (the reader's sheet index)."""
    workbook = package.find("xl/workbook.xml")
    rels = package.find("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return []
    targets = {}
    for tag in _SHEET_RELATION.findall(package.read_small(rels)):
        attributes = _attributes(tag)
        target = attributes.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
        targets[attributes.get(b"Id")] = target if target.startswith("xl/") else f"xl/{target}"
    parts = []
    for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", package.read_small(workbook)):
        attributes = _attributes(tag)
        target = targets.get(attributes.get(b"id"))
        parts.append(package.find(target) if target else None)
    return parts


@dataclass
class SharedStrings:
    count: int
    longest: int  # bytes of XML of the longest entry: more than its text, never less
    lengths: array  # the same, per entry, for the exact check


def check_shared_strings(package: Package) -> SharedStrings:
    name = package.find("xl/sharedStrings.xml")
    lengths = array("I")
    if name is None:
        return SharedStrings(0, 0, lengths)
    too_many = gettext("its shared-strings table holds more than %(count)d texts.") % {"count": MAX_SHARED_STRINGS}
    tail = b""
    for chunk in package.inflate(name, limit=MAX_SHARED_STRINGS_BYTES):
        pieces = (tail + chunk).split(b"<si")
        tail = pieces.pop()
        lengths.extend(len(piece) for piece in pieces)
        if len(lengths) > MAX_SHARED_STRINGS + 1:
            raise too_big(too_many)
    lengths.append(len(tail))
    del lengths[0]  # what comes before the first <si>
    if len(lengths) > MAX_SHARED_STRINGS:
        raise too_big(too_many)
    return SharedStrings(len(lengths), max(lengths, default=0), lengths)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class Grid:
    """What reading a sheet will allocate."""

    first_row: int = 0
    last_row: int = 0
    first_column: int = 0
    last_column: int = 0
    text_bytes: int = 0

    @property
    def cells(self) -> int:
        if not self.last_row:
            return 0
        return (self.last_row - self.first_row + 1) * (self.last_column - self.first_column + 1)

    def add(self, row: int, column: int, rows: int = 1, columns: int = 1) -> None:
        if not self.last_row:
            self.first_row, self.first_column = row, column
        self.first_row, self.last_row = min(self.first_row, row), max(self.last_row, row + rows - 1)
        self.first_column = min(self.first_column, column)
        self.last_column = max(self.last_column, column + columns - 1)

    def check(self, sheet_name: str) -> None:
        width = self.last_column - self.first_column + 1 if self.last_row else 0
        if width > MAX_COLUMNS:
            raise too_big(
                gettext("the sheet “%(sheet)s” uses %(columns)d columns (at most %(max)d).")
                % {"sheet": sheet_name, "columns": width, "max": MAX_COLUMNS}
            )
        if self.cells > MAX_CELLS:
            raise too_big(
                gettext("the sheet “%(sheet)s” has too many cells (rows: %(rows)d, columns: %(columns)d).")
                % {"sheet": sheet_name, "rows": self.last_row - self.first_row + 1, "columns": width}
            )
        if self.text_bytes > MAX_CELL_TEXT_BYTES:
            raise too_big(
                gettext("the texts of the sheet “%(sheet)s” add up to %(mb)d MB.")
                % {"sheet": sheet_name, "mb": _mb(self.text_bytes)}
            )


def check_xlsx_sheet(package: Package, part: str, strings: SharedStrings, sheet_name: str) -> Grid:
    """Refuse a sheet whose grid or texts would not fit, before the reader allocates them.

    The fast pass counts every cell reference (empty formatted cells too, which the reader
    skips) and assumes every shared-string cell holds the longest text; only when that bound
    is over a limit does the exact pass decide.
    """
    grid = _xlsx_sheet_bound(package, part, strings)
    if grid is not None:
        try:
            grid.check(sheet_name)
            return grid
        except SpreadsheetError:
            pass
    grid = _xlsx_sheet_exact(package, part, strings)
    grid.check(sheet_name)
    return grid


def _xlsx_sheet_bound(package: Package, part: str, strings: SharedStrings) -> Grid | None:
    """An upper bound of the grid from a scan of the bytes; None when only the exact pass can tell."""
    grid = Grid()
    prefix = None
    tail = b""
    shared_cells = 0
    columns: set[bytes] = set()
    for chunk in package.inflate(part):
        data = tail + chunk
        cut = data.rfind(b"<")
        body, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        if prefix is None:
            match = re.search(rb"<(\w+:)?worksheet\b", body)
            if match is None:
                if len(data) < 4096:
                    tail = data
                    continue
                return None
            prefix = match[1] or b""
            start = re.escape(b"<" + prefix + b'c r="')
            cell_column = re.compile(start + rb"([A-Z]{1,3})\d")
            cell_row = re.compile(start + rb"[A-Z]{1,3}(\d{1,7})\"")
            open_tags = (b"<" + prefix + b"c ", b"<" + prefix + b"c>")
        column_refs = cell_column.findall(body)
        row_refs = cell_row.findall(body)
        if not len(column_refs) == len(row_refs) == sum(body.count(tag) for tag in open_tags):
            return None  # cells placed by their order, or attributes in another order
        if row_refs:
            columns.update(column_refs)
            rows = list(map(int, row_refs))
            grid.add(min(rows), 1)
            grid.add(max(rows), 1)
        shared_cells += body.count(b't="s"')
        grid.text_bytes += len(body)  # inline texts: never more than the XML
    if tail.strip() and prefix is None:
        return None
    if columns:
        numbers = [_column_number(column) for column in columns]
        grid.first_column, grid.last_column = min(numbers), max(numbers)
    grid.text_bytes += shared_cells * strings.longest
    return grid


def _xlsx_sheet_exact(package: Package, part: str, strings: SharedStrings) -> Grid:
    """Every cell with a value, where the reader will put it, with its text's real size."""
    grid = Grid()
    state = {"row": 0, "column": 0, "type": "", "value": [], "in_value": False, "has_value": False}

    def start(tag, attributes):
        tag = tag.rsplit(":", 1)[-1]
        if tag == "row":
            state["row"] = int(attributes.get("r") or state["row"] + 1)
            state["column"] = 0
        elif tag == "c":
            reference = attributes.get("r", "")
            letters = reference.rstrip("0123456789")
            if letters:
                state["column"] = _column_number(letters.encode())
                state["row"] = int(reference[len(letters) :] or state["row"])
            else:
                state["column"] += 1
            state["type"], state["value"], state["has_value"] = attributes.get("t", "n"), [], False
        elif tag in ("v", "t"):
            state["in_value"], state["has_value"] = True, True

    def end(tag):
        tag = tag.rsplit(":", 1)[-1]
        if tag in ("v", "t"):
            state["in_value"] = False
        elif tag == "c" and state["has_value"]:
            grid.add(state["row"], state["column"])
            text = "".join(state["value"])
            if state["type"] == "s" and text.strip().isdigit() and int(text) < strings.count:
                grid.text_bytes += strings.lengths[int(text)]
            else:
                grid.text_bytes += len(text)
            if grid.cells > MAX_CELLS or grid.text_bytes > MAX_CELL_TEXT_BYTES:
                raise _Stop

    def characters(text):
        if state["in_value"]:
            state["value"].append(text)

    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = characters
    try:
        for chunk in package.inflate(part):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        pass
    except (expat.ExpatError, ValueError) as exc:
        raise damaged() from exc
    return grid


class _Stop(Exception):
    pass


# --- .ods ---------------------------------------------------------------------------------------


def check_ods(package: Package) -> None:
    """An .ods is read whole when opened: measure every table of content.xml, repeats expanded
    as the reader expands them ("this cell, 16 384 times across, a million rows down")."""
    name = package.find("content.xml")
    if name is None:
        raise damaged()
    state = {"table": "", "grid": Grid(), "row": 0, "rows": 1, "column": 0, "cell": None, "text": 0}
    total = {"cells": 0, "text": 0}

    def number(attributes, key):
        try:
            return max(1, int(attributes.get(key, "1")))
        except ValueError:
            return 1

    def start(tag, attributes):
        if tag == "table:table":
            state["table"], state["grid"], state["row"] = attributes.get("table:name", ""), Grid(), 0
        elif tag == "table:table-row":
            state["rows"] = number(attributes, "table:number-rows-repeated")
            state["row"] += 1
            state["column"] = 0
        elif tag in ("table:table-cell", "table:covered-table-cell"):
            columns = number(attributes, "table:number-columns-repeated")
            state["column"] += 1
            has_value = "office:value-type" in attributes or "calcext:value-type" in attributes
            state["cell"] = (state["column"], columns) if has_value else None
            state["text"] = 0
            state["column"] += columns - 1
        elif tag == "text:p" and state["cell"] is None and state["column"]:
            state["cell"] = (state["column"], 1)  # text without a type: still a value

    def end(tag):
        grid = state["grid"]
        if tag in ("table:table-cell", "table:covered-table-cell") and state["cell"]:
            column, columns = state["cell"]
            grid.add(state["row"], column, state["rows"], columns)
            grid.text_bytes += state["text"] * columns * state["rows"]
            state["cell"] = None
            if grid.cells > MAX_CELLS or grid.text_bytes > MAX_CELL_TEXT_BYTES:
                grid.check(state["table"])
        elif tag == "table:table-row":
            state["row"] += state["rows"] - 1
        elif tag == "table:table":
            grid.check(state["table"])
            total["cells"] += grid.cells
            total["text"] += grid.text_bytes
            if total["cells"] > MAX_CELLS or total["text"] > MAX_CELL_TEXT_BYTES:
                raise too_big(gettext("its sheets together hold more than %(count)d cells.") % {"count": MAX_CELLS})

    def characters(text):
        if state["cell"] is not None:
            state["text"] += len(text)

    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = characters
    try:
        for chunk in package.inflate(name):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise damaged() from exc
