"""Spreadsheet files for the tests, written the way other programs write them.

Small real files from LibreOffice sit in files/ (made once with Debian's libreoffice-calc:
`soffice --headless --convert-to ods|xls|xlsx`); the rest are written here at run time: by
openpyxl, by xlsxwriter, by hand the way Excel writes its parts (shared strings with rich-text
runs and phonetic hints, dates as styled serials), and hostile packages that a few megabytes
turn into gigabytes.
"""

import functools
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook

FILES = Path(__file__).resolve().parent / "files"
BASE_DIR = Path(__file__).resolve().parents[2]


def openpyxl_xlsx(rows: list[list], path: Path | None = None) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    if path:
        path.write_bytes(out.getvalue())
    return out.getvalue()


def xlsxwriter_xlsx(rows: list[list], path: Path) -> Path:
    """xlsxwriter writes shared strings, styled dates and formulas with their cached values."""
    import datetime

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Cartera")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, tuple):  # (formula, cached value)
                sheet.write_formula(r, c, value[0], None, value[1])
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return path


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15 xr xr6 xr10 xr2">'
    '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>'
    '<workbookPr defaultThemeVersion="166925"/><bookViews><workbookView xWindow="-120" yWindow="-120" '
    'windowWidth="29040" windowHeight="15840"/></bookViews>'
    '<sheets><sheet name="Hoja1" sheetId="1" r:id="rId1"/></sheets><calcPr calcId="191029"/></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
    '<dimension ref="A1:D4"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><sheetData>'
)
SHEET_TAIL = (
    '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
)


def excel_style_package(sheet_data: str, shared_strings: list[str], path: Path) -> Path:
    """A package laid out as Excel saves it; `shared_strings` are <si> bodies, as Excel writes
    them (rich-text runs <r>, phonetic hints <rPh>, xml:space="preserve")."""
    table = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(shared_strings)}" uniqueCount="{len(shared_strings)}">'
        + "".join(f"<si>{item}</si>" for item in shared_strings)
        + "</sst>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        archive.writestr("xl/sharedStrings.xml", table)
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_HEAD + sheet_data + SHEET_TAIL)
    return path


def shared_strings_bomb(path: Path, *, strings: int = 32_768, length: int = 32_767, lie: bool = False) -> Path:
    """A 1 GB shared-strings table (32 768 texts of 32 767 letters, the most a cell holds) that
    packs to about a megabyte per 1 GB. With `lie`, the package declares it 1 KB long."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
            ("xl/worksheets/sheet1.xml", SHEET_HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL),
        ]:
            archive.writestr(name, content)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            item = b"<si><t>" + b"A" * length + b"</t></si>"
            for _ in range(strings):
                out.write(item)
            out.write(b"</sst>")
    if lie:
        _declare_size(path, "xl/sharedStrings.xml", 1024)
    return path


def _declare_size(path: Path, name: str, size: int) -> None:
    """Rewrite the uncompressed size the package declares for `name` (central directory and
    zip64 extra field alike): what a hostile file does."""
    import struct

    data = bytearray(path.read_bytes())
    encoded = name.encode()
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) != -1:
        name_length, extra_length = struct.unpack("<HH", data[at + 28 : at + 32])
        if bytes(data[at + 46 : at + 46 + name_length]) == encoded:
            if data[at + 24 : at + 28] != b"\xff\xff\xff\xff":
                data[at + 24 : at + 28] = struct.pack("<I", size)
            extra = at + 46 + name_length
            end = extra + extra_length
            while extra < end:
                kind, length = struct.unpack("<HH", data[extra : extra + 4])
                if kind == 1:  # zip64: the uncompressed size comes first
                    data[extra + 4 : extra + 12] = struct.pack("<Q", size)
                extra += 4 + length
        at += 4
    path.write_bytes(bytes(data))


def peak_reading(path: Path) -> dict:
    """Read `path` in a fresh process: {"peak_mb": its peak RSS, "error": the message or None,
    "rows": rows read}. A process of its own, because the reader's memory is Rust's, not Python's."""
    code = (
        "import json, resource, django; django.setup()\n"
        "from django.utils import translation; translation.activate('en')\n"
        "from loads.spreadsheet import SpreadsheetError, read_spreadsheet\n"
        "error, rows = None, 0\n"
        "try:\n"
        f"    rows = len(read_spreadsheet(open({str(path)!r}, 'rb')).rows)\n"
        "except SpreadsheetError as exc:\n"
        "    error = exc.message\n"
        "print(json.dumps({'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,"
        " 'error': error, 'rows': rows}))\n"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="smsmotor.settings_test", PYTHONPATH=str(BASE_DIR))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=BASE_DIR)
    if out.returncode:
        raise AssertionError(f"the reading process died ({out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


@functools.cache
def baseline_mb() -> float:
    """Peak RSS of the same process reading a one-row file: what Django and the reader cost."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="sheet-baseline-"))
    path = folder / "one.csv"
    path.write_text("Celular;Mensaje\n70000288;Hola\n")
    return peak_reading(path)["peak_mb"]


def _xlsb_record(kind: int, body: bytes = b"") -> bytes:
    """A BIFF12 record: type and size as 7-bit varints, then the body."""

    def varint(number: int) -> bytes:
        out = bytearray()
        while True:
            byte = number & 0x7F
            number >>= 7
            out.append(byte | (0x80 if number else 0))
            if not number:
                return bytes(out)

    return varint(kind) + varint(len(body)) + body


def _wide(text: str) -> bytes:
    import struct

    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb_package(cells: list[tuple[int, int, object]], path: Path) -> Path:
    """A minimal .xlsb as [MS-XLSB] lays it out: texts in the shared-strings table, numbers as
    BrtCellReal. `cells` are (row, column, value), 0-based, in row order."""
    import struct

    strings: list[str] = []
    last_row = max(row for row, _column, _value in cells)
    last_column = max(column for _row, column, _value in cells)
    sheet = [
        _xlsb_record(129),  # BrtBeginSheet
        _xlsb_record(148, struct.pack("<IIII", 0, last_row, 0, last_column)),  # BrtWsDim
        _xlsb_record(145),  # BrtBeginSheetData
    ]
    current_row = None
    for row, column, value in cells:
        if row != current_row:
            sheet.append(_xlsb_record(0, struct.pack("<IIHBHI", row, 0, 300, 0, 0, 0)))  # BrtRowHdr
            current_row = row
        head = struct.pack("<II", column, 0)
        if isinstance(value, str):
            if value not in strings:
                strings.append(value)
            sheet.append(_xlsb_record(7, head + struct.pack("<I", strings.index(value))))  # BrtCellIsst
        else:
            sheet.append(_xlsb_record(5, head + struct.pack("<d", float(value))))  # BrtCellReal
    sheet += [_xlsb_record(146), _xlsb_record(130)]
    book = [
        _xlsb_record(131),  # BrtBeginBook
        _xlsb_record(143),  # BrtBeginBundleShs
        _xlsb_record(156, struct.pack("<II", 0, 1) + _wide("rId1") + _wide("Hoja1")),  # BrtBundleSh
        _xlsb_record(144),
        _xlsb_record(132),
    ]
    table = [_xlsb_record(159, struct.pack("<II", len(strings), len(strings)))]
    table += [_xlsb_record(19, b"\x00" + _wide(text)) for text in strings]  # BrtSSTItem
    table.append(_xlsb_record(160))
    binary = "application/vnd.ms-excel"
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.bin" ContentType="{binary}.worksheet"/>'
        f'<Override PartName="/xl/sharedStrings.bin" ContentType="{binary}.sharedStrings"/>'
        "</Types>"
    )
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{relations}/worksheet" Target="worksheets/sheet1.bin"/>'
        f'<Relationship Id="rId2" Type="{relations}/sharedStrings" Target="sharedStrings.bin"/>'
        "</Relationships>"
    )
    root_rels = ROOT_RELS.replace("xl/workbook.xml", "xl/workbook.bin")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.bin", b"".join(book))
        archive.writestr("xl/_rels/workbook.bin.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.bin", b"".join(sheet))
        archive.writestr("xl/sharedStrings.bin", b"".join(table))
    return path
