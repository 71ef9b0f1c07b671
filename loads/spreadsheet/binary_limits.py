"""The limits of limits.py for the binary workbooks: .xls (BIFF8 records in an OLE file) and
.xlsb (BIFF12 records in a zip package).

The reader holds these as grids too, each cell with its own copy of its text. Their records
are walked here, without keeping them: where each cell with a value sits, and how long its
text is, from the shared-strings table's lengths.
"""

import struct
from array import array
from collections.abc import Iterator

from django.utils.translation import gettext

from loads.spreadsheet.errors import damaged, too_big
from loads.spreadsheet.limits import (
    MAX_CELL_TEXT_BYTES,
    MAX_CELLS,
    MAX_PART_BYTES,
    MAX_SHARED_STRINGS,
    MAX_SHARED_STRINGS_BYTES,
    Grid,
    Package,
)

# --- .xls ---------------------------------------------------------------------------------------

FREE, END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE


class _Ole:
    """Just enough of the OLE compound file to read one stream."""

    def __init__(self, data: bytes):
        if len(data) < 512:
            raise damaged()
        self.data = data
        self.sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mini_sector = 1 << struct.unpack_from("<H", data, 0x20)[0]
        fat_sectors, self.first_directory = struct.unpack_from("<II", data, 0x2C)
        self.mini_cutoff, self.first_mini_fat, mini_fat_sectors, first_difat, difat_sectors = struct.unpack_from(
            "<IIIII", data, 0x38
        )
        if self.sector not in (512, 4096) or fat_sectors > len(data) // self.sector + 1:
            raise damaged()
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        sector = first_difat
        for _ in range(difat_sectors):
            if sector in (FREE, END_OF_CHAIN):
                break
            entries = struct.unpack_from(f"<{self.sector // 4}I", self._sector(sector))
            difat += entries[:-1]
            sector = entries[-1]
        self.fat = array("I")
        for sector in difat[:fat_sectors]:
            self.fat.frombytes(self._sector(sector))
        self.mini_fat = array("I", self._chain_bytes(self.first_mini_fat)) if mini_fat_sectors else array("I")

    def _sector(self, number: int) -> bytes:
        start = (number + 1) * self.sector
        if start + self.sector > len(self.data):
            raise damaged()
        return self.data[start : start + self.sector]

    def _chain(self, first: int, table: array) -> Iterator[int]:
        seen = 0
        number = first
        while number not in (FREE, END_OF_CHAIN):
            if number >= len(table) or seen > len(table):
                raise damaged()  # a chain out of the table, or a loop
            yield number
            seen += 1
            number = table[number]

    def _chain_bytes(self, first: int) -> bytes:
        return b"".join(self._sector(number) for number in self._chain(first, self.fat))

    def stream(self, names: tuple[str, ...]) -> bytes | None:
        directory = self._chain_bytes(self.first_directory)
        root_start = None
        for at in range(0, len(directory) - 127, 128):
            entry = directory[at : at + 128]
            length = min(struct.unpack_from("<H", entry, 0x40)[0], 64)
            name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
            kind = entry[0x42]
            start, size = struct.unpack_from("<II", entry, 0x74)
            if kind == 5:
                root_start = start
            elif kind == 2 and name in names:
                if size >= self.mini_cutoff:
                    return self._chain_bytes(start)[:size]
                mini_stream = self._chain_bytes(root_start) if root_start is not None else b""
                chunks = [
                    mini_stream[number * self.mini_sector : (number + 1) * self.mini_sector]
                    for number in self._chain(start, self.mini_fat)
                ]
                return b"".join(chunks)[:size]
        return None


_XLS_CELLS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6}  # number, RK, text, boolean, formula
_XLS_MULRK, _XLS_SST, _XLS_CONTINUE, _XLS_BOF, _XLS_LABELSST = 0x00BD, 0x00FC, 0x003C, 0x0809, 0x00FD
_XLS_SHEET = 0x0085


def check_xls(data: bytes) -> None:
    """Measure every sheet of an .xls (the reader reads them all when it opens the file)."""
    try:
        stream = _Ole(data).stream(("Workbook", "Book"))
    except struct.error as exc:
        raise damaged() from exc
    if stream is None:
        raise damaged()
    records = list(_xls_records(stream))
    lengths = _xls_shared_strings(records)
    names = [_xls_sheet_name(body) for kind, body in records if kind == _XLS_SHEET]
    grids: list[Grid] = []
    for kind, body in records:
        if kind == _XLS_BOF:
            grids.append(Grid())  # the first is the workbook's globals, then one a sheet
            continue
        if not grids or len(body) < 4:
            continue
        grid = grids[-1]
        if kind in _XLS_CELLS:
            row, column = struct.unpack_from("<HH", body)
            grid.add(row + 1, column + 1)
            if kind == _XLS_LABELSST and len(body) >= 10:
                index = struct.unpack_from("<I", body, 6)[0]
                grid.text_bytes += lengths[index] if index < len(lengths) else 0
            elif kind == 0x0204 and len(body) >= 8:  # an inline text, BIFF8 LABEL
                grid.text_bytes += struct.unpack_from("<H", body, 6)[0] * 3
        elif kind == _XLS_MULRK and len(body) >= 6:
            row, first = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            grid.add(row + 1, first + 1, 1, max(last - first + 1, 1))
    sheets = grids[1:]
    for number, grid in enumerate(sheets):
        grid.check(names[number] if number < len(names) else str(number + 1))
    if sum(grid.cells for grid in sheets) > MAX_CELLS or sum(grid.text_bytes for grid in sheets) > MAX_CELL_TEXT_BYTES:
        raise too_big(gettext("its sheets together hold more than %(count)d cells.") % {"count": MAX_CELLS})


def _xls_sheet_name(body: bytes) -> str:
    """BOUNDSHEET8: position (4), state (1), type (1), then the name: length (1), flags (1), characters."""
    if len(body) < 8:
        return ""
    length, wide = body[6], body[7] & 0x01
    raw = body[8 : 8 + length * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")


def _xls_records(stream: bytes) -> Iterator[tuple[int, bytes]]:
    at = 0
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        yield kind, stream[at + 4 : at + 4 + length]
        at += 4 + length


def _xls_shared_strings(records: list[tuple[int, bytes]]) -> array:
    """The length in UTF-8 bytes (at most 3 a character) of each text of the SST record."""
    lengths = array("I")
    pieces: list[bytes] = []
    for index, (kind, body) in enumerate(records):
        if kind != _XLS_SST:
            continue
        pieces = [body[8:]]
        for next_kind, next_body in records[index + 1 :]:
            if next_kind != _XLS_CONTINUE:
                break
            pieces.append(next_body)
        if len(body) >= 8 and struct.unpack_from("<I", body, 4)[0] > MAX_SHARED_STRINGS:
            raise too_big(
                gettext("its shared-strings table holds more than %(count)d texts.") % {"count": MAX_SHARED_STRINGS}
            )
        break
    if sum(map(len, pieces)) > MAX_SHARED_STRINGS_BYTES:
        raise too_big(gettext("once unpacked it takes more than %(mb)d MB.") % {"mb": MAX_SHARED_STRINGS_BYTES >> 20})
    cursor = _Pieces(pieces)
    while not cursor.done():
        head = cursor.read(3)
        if len(head) < 3:
            break
        characters, flags = struct.unpack("<HB", head)
        runs = struct.unpack("<H", cursor.read(2))[0] if flags & 0x08 else 0
        extension = struct.unpack("<I", cursor.read(4))[0] if flags & 0x04 else 0
        left, width = characters, 2 if flags & 0x01 else 1
        while left:
            available = cursor.left_in_piece() // width
            if not available:
                if not cursor.next_piece():
                    break
                width = 2 if cursor.read(1)[:1] == b"\x01" else 1  # a CONTINUE starts with its own flags
                continue
            count = min(left, available)
            cursor.read(count * width)
            left -= count
        cursor.read(runs * 4 + extension)
        lengths.append(characters * 3)
    return lengths


class _Pieces:
    """The SST record and its CONTINUE records, read as one stream where that is allowed."""

    def __init__(self, pieces: list[bytes]):
        self.pieces, self.piece, self.at = pieces, 0, 0

    def done(self) -> bool:
        return self.piece >= len(self.pieces) or (self.piece == len(self.pieces) - 1 and not self.left_in_piece())

    def left_in_piece(self) -> int:
        return len(self.pieces[self.piece]) - self.at if self.piece < len(self.pieces) else 0

    def next_piece(self) -> bool:
        self.piece, self.at = self.piece + 1, 0
        return self.piece < len(self.pieces)

    def read(self, count: int) -> bytes:
        out = b""
        while len(out) < count and self.piece < len(self.pieces):
            if not self.left_in_piece():
                self.next_piece()
                continue
            chunk = self.pieces[self.piece][self.at : self.at + count - len(out)]
            out += chunk
            self.at += len(chunk)
        return out


# --- .xlsb --------------------------------------------------------------------------------------

_XLSB_ROW, _XLSB_STRING_ITEM = 0, 19
_XLSB_CELLS = set(range(2, 12))  # BrtCellRk .. BrtFmlaError (1, BrtCellBlank, holds no value)
_XLSB_SHARED_CELL, _XLSB_INLINE_TEXT = 7, 6


def _xlsb_records(package: Package, name: str, limit: int) -> Iterator[tuple[int, bytes]]:
    buffer = b""
    for chunk in package.inflate(name, limit=limit):
        buffer += chunk
        at = 0
        while True:
            parsed = _xlsb_header(buffer, at)
            if parsed is None or parsed[1] + parsed[2] > len(buffer):
                break
            kind, start, length = parsed
            yield kind, buffer[start : start + length]
            at = start + length
        buffer = buffer[at:]


def _xlsb_header(buffer: bytes, at: int) -> tuple[int, int, int] | None:
    """(record type, start of its body, body length): both numbers are 7-bit varints."""
    numbers = []
    for limit in (2, 4):
        value = shift = 0
        for _ in range(limit):
            if at >= len(buffer):
                return None
            byte = buffer[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        numbers.append(value)
    return numbers[0], at, numbers[1]


def xlsb_shared_strings(package: Package) -> array:
    lengths = array("I")
    name = package.find("xl/sharedStrings.bin")
    if name is None:
        return lengths
    for kind, body in _xlsb_records(package, name, MAX_SHARED_STRINGS_BYTES):
        if kind == _XLSB_STRING_ITEM and len(body) >= 5:
            lengths.append(struct.unpack_from("<I", body, 1)[0] * 3)
            if len(lengths) > MAX_SHARED_STRINGS:
                raise too_big(
                    gettext("its shared-strings table holds more than %(count)d texts.") % {"count": MAX_SHARED_STRINGS}
                )
    return lengths


def check_xlsb_sheets(package: Package, lengths: array) -> None:
    """Every sheet part: the reader allocates a sheet's grid when it is asked for it."""
    for name in sorted(package.names):
        if not (name.lower().startswith("xl/worksheets/") and name.lower().endswith(".bin")):
            continue
        grid, row = Grid(), 0
        for kind, body in _xlsb_records(package, name, MAX_PART_BYTES):
            if kind == _XLSB_ROW and len(body) >= 4:
                row = struct.unpack_from("<I", body)[0] + 1
            elif kind in _XLSB_CELLS and len(body) >= 8:
                grid.add(row, struct.unpack_from("<I", body)[0] + 1)
                if kind == _XLSB_SHARED_CELL and len(body) >= 12:
                    index = struct.unpack_from("<I", body, 8)[0]
                    grid.text_bytes += lengths[index] if index < len(lengths) else 0
                elif kind == _XLSB_INLINE_TEXT and len(body) >= 12:
                    grid.text_bytes += struct.unpack_from("<I", body, 8)[0] * 3
                if grid.cells > MAX_CELLS or grid.text_bytes > MAX_CELL_TEXT_BYTES:
                    break
        grid.check(name.rsplit("/", 1)[-1])
