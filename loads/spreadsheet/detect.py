"""What kind of file an upload is, from its content: the name is only what the user typed.

Files that are not spreadsheets are named by their signature (a PDF, a photo, a Word letter,
a web page saved as .xls), so the message tells the clerk what to do instead.
"""

import enum

from django.utils.translation import gettext

from loads.spreadsheet.errors import SpreadsheetError, empty, not_a_spreadsheet, password_protected, too_big
from loads.spreadsheet.limits import MAX_WORKBOOK_BYTES, Package

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF
    b"MM\x00*",
)
ARCHIVE_SIGNATURES = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")


class Format(enum.StrEnum):
    XLSX = "xlsx"  # .xlsx, .xlsm (and templates)
    XLSB = "xlsb"
    ODS = "ods"
    XLS = "xls"
    CSV = "csv"  # any delimited text


def detect_format(file) -> tuple[Format, Package | None]:
    """The format and, for zip packages, the opened package (its size already checked)."""
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    if not head:
        raise empty()
    if head.startswith(b"PK"):
        _check_size(file)
        package = Package(file)
        return _package_format(package), package
    if head.startswith(OLE_SIGNATURE):
        _check_size(file)
        return _ole_format(file), None
    _refuse_known(head)
    return Format.CSV, None


def _check_size(file) -> None:
    size = file.seek(0, 2)
    file.seek(0)
    if size > MAX_WORKBOOK_BYTES:
        raise too_big(gettext("it has %(mb)d MB.") % {"mb": size // 2**20})


def word_document() -> SpreadsheetError:
    return SpreadsheetError(
        gettext(
            "The file is a Word document, not a spreadsheet: copy the table into Excel, "
            "save it as .xlsx and upload that file."
        )
    )


def _archive() -> SpreadsheetError:
    return SpreadsheetError(
        gettext("The file is a compressed archive (.zip, .rar): extract the spreadsheet from it and upload that file.")
    )


def _package_format(package: Package) -> Format:
    mimetype = package.read_small("mimetype", limit=200) if package.find("mimetype") == "mimetype" else b""
    if b"opendocument.spreadsheet" in mimetype:
        return Format.ODS
    if b"opendocument.text" in mimetype or package.find("word/document.xml"):
        raise word_document()
    if package.find("xl/workbook.xml"):
        return Format.XLSX
    if package.find("xl/workbook.bin"):
        return Format.XLSB
    if package.find("ppt/presentation.xml") or b"opendocument" in mimetype:
        raise not_a_spreadsheet()
    raise _archive()


def _ole_format(file) -> Format:
    """Old Office files are a small file system: its directory names the streams inside."""
    names = {
        "EncryptedPackage": "encrypted",
        "Workbook": "xls",
        "Book": "xls",
        "WordDocument": "word",
    }
    found = set()
    overlap = b""
    while chunk := file.read(1 << 20):
        block = overlap + chunk
        for name, kind in names.items():
            # A directory entry: the name in UTF-16, then zero padding.
            if name.encode("utf-16-le") + b"\x00\x00" in block:
                found.add(kind)
        overlap = chunk[-64:]
    file.seek(0)
    if "encrypted" in found:
        # Excel saves password-protected .xlsx files inside an OLE container too.
        raise password_protected()
    if "xls" in found:
        return Format.XLS
    if "word" in found:
        raise word_document()
    raise not_a_spreadsheet()


def _refuse_known(head: bytes) -> None:
    """Files that are not text tables, named by what they are."""
    if head.startswith(b"%PDF"):
        raise SpreadsheetError(
            gettext(
                "The file is a PDF document, not a spreadsheet: export the list from your system "
                "as Excel or CSV, not as PDF."
            )
        )
    if head.startswith(IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        raise SpreadsheetError(
            gettext("The file is an image (a photo or a screenshot), not a spreadsheet: upload the Excel file itself.")
        )
    if head.startswith(ARCHIVE_SIGNATURES):
        raise _archive()
    if head.startswith(b"{\\rtf"):
        raise word_document()
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table")) or b"<html" in text[:512]:
        # Many banking systems export an HTML table and name it .xls.
        raise SpreadsheetError(
            gettext("The file is a web page, not a real Excel file: open it in Excel and save it as .xlsx or .csv.")
        )
    if text.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
            raise SpreadsheetError(
                gettext("The file is in the old Excel XML format: open it in Excel and save it as .xlsx or .csv.")
            )
        raise not_a_spreadsheet()
