"""Telling the format from the content, and naming the files that are not spreadsheets."""

import io
import zipfile

from django.test import SimpleTestCase
from django.utils import translation

from loads.spreadsheet import Format, SpreadsheetError
from loads.spreadsheet.detect import OLE_SIGNATURE, detect_format
from loads.tests.sheet_files import FILES, openpyxl_xlsx

PDF = "The file is a PDF document, not a spreadsheet: export the list from your system as Excel or CSV, not as PDF."
IMAGE = "The file is an image (a photo or a screenshot), not a spreadsheet: upload the Excel file itself."
WORD = (
    "The file is a Word document, not a spreadsheet: copy the table into Excel, save it as .xlsx and upload that file."
)
ARCHIVE = "The file is a compressed archive (.zip, .rar): extract the spreadsheet from it and upload that file."


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ole(*streams: str) -> bytes:
    """An OLE container's first sectors: the header, then directory entries naming the streams."""
    entries = b"".join(name.encode("utf-16-le") + b"\x00\x00" + b"\x00" * 60 for name in streams)
    return OLE_SIGNATURE + b"\x00" * 504 + entries


class DetectTestCase(SimpleTestCase):
    def setUp(self):
        self.enterContext(translation.override("en"))

    def detect(self, data: bytes) -> Format:
        return detect_format(io.BytesIO(data))[0]

    def refused(self, data: bytes) -> str:
        with self.assertRaises(SpreadsheetError) as caught:
            self.detect(data)
        return caught.exception.message

    def test_it_recognises_every_workbook_format_by_content(self):
        self.assertEqual(self.detect(openpyxl_xlsx([["Celular"]])), Format.XLSX)
        self.assertEqual(self.detect((FILES / "libreoffice.ods").read_bytes()), Format.ODS)
        self.assertEqual(self.detect((FILES / "libreoffice.xls").read_bytes()), Format.XLS)
        self.assertEqual(self.detect(zipped({"[Content_Types].xml": "<x/>", "xl/workbook.bin": "\0"})), Format.XLSB)
        self.assertEqual(self.detect(b"Celular;Mensaje\r\n"), Format.CSV)

    def test_it_names_a_pdf_even_when_its_text_looks_like_a_table(self):
        # A text-only PDF is plain ASCII: it used to be read as a CSV.
        pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nBT (Celular;Mensaje) Tj ET\n%%EOF\n"
        self.assertEqual(self.refused(pdf), PDF)

    def test_it_names_images(self):
        for head in [
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            b"\xff\xd8\xff\xe0\x00\x10JFIF",
            b"RIFF\x00\x00\x00\x00WEBPVP8 ",
        ]:
            with self.subTest(head[:4]):
                self.assertEqual(self.refused(head + b"\x00" * 64), IMAGE)

    def test_it_names_word_documents(self):
        self.assertEqual(self.refused(zipped({"word/document.xml": "<x/>"})), WORD)
        self.assertEqual(self.refused(ole("Root Entry", "WordDocument", "1Table")), WORD)
        self.assertEqual(self.refused(b"{\\rtf1\\ansi Celular}"), WORD)
        self.assertEqual(self.refused(zipped({"mimetype": "application/vnd.oasis.opendocument.text"})), WORD)

    def test_it_names_archives_and_protected_files(self):
        self.assertEqual(self.refused(zipped({"clientes/lista.xlsx": "PK"})), ARCHIVE)
        self.assertEqual(self.refused(b"Rar!\x1a\x07\x01\x00" + b"\x00" * 32), ARCHIVE)
        self.assertEqual(
            self.refused(ole("Root Entry", "EncryptionInfo", "EncryptedPackage")),
            "The file is protected with a password: remove the password in Excel and upload it again.",
        )

    def test_it_explains_web_pages_and_old_xml_saved_as_xls(self):
        self.assertEqual(
            self.refused(b"\xef\xbb\xbf<html><body><table><tr><td>Telefono</td></tr></table></body></html>"),
            "The file is a web page, not a real Excel file: open it in Excel and save it as .xlsx or .csv.",
        )
        self.assertEqual(
            self.refused(b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'),
            "The file is in the old Excel XML format: open it in Excel and save it as .xlsx or .csv.",
        )

    def test_it_calls_an_empty_file_empty(self):
        self.assertEqual(self.refused(b""), "The file is empty.")
