"""Bounded resources: hostile or huge workbooks are refused before they take the memory."""

import io
import tempfile
import zipfile
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase
from django.utils import translation

from loads.spreadsheet import SpreadsheetError, limits, read_spreadsheet
from loads.tests.sheet_files import (
    FILES,
    baseline_mb,
    excel_style_package,
    openpyxl_xlsx,
    peak_reading,
    shared_strings_bomb,
    xlsb_package,
)

# What reading a refused bomb may cost beyond a process that reads a one-row file.
BOMB_MEMORY_MB = 40


class SpreadsheetLimitsTestCase(SimpleTestCase):
    def setUp(self):
        self.enterContext(translation.override("en"))
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)

    def refused(self, path: Path) -> str:
        with self.assertRaises(SpreadsheetError) as caught, path.open("rb") as file:
            read_spreadsheet(file)
        return caught.exception.message

    def test_it_refuses_a_shared_strings_bomb_in_bounded_memory(self):
        # 4.9 MB on disk, 1 GB of shared strings once unpacked: the 1.9 GB before "damaged".
        bomb = shared_strings_bomb(self.dir / "bomb.xlsx")
        self.assertLess(bomb.stat().st_size, 6 * 2**20)

        result = peak_reading(bomb)

        self.assertIn("too big", result["error"])
        self.assertIn("1024 MB", result["error"])
        self.assertLess(result["peak_mb"], baseline_mb() + BOMB_MEMORY_MB)

    def test_it_measures_what_a_lying_bomb_really_unpacks_to(self):
        # The package says its shared strings take 1 KB: they are inflated here, in bounded
        # chunks, and refused past the limit, whatever the declared size.
        bomb = shared_strings_bomb(self.dir / "liar.xlsx", lie=True)
        with zipfile.ZipFile(bomb) as archive:
            self.assertEqual(archive.getinfo("xl/sharedStrings.xml").file_size, 1024)

        result = peak_reading(bomb)

        self.assertEqual(
            result["error"],
            "The file is too big to read: once unpacked it takes more than 64 MB. Split it in several files.",
        )
        self.assertLess(result["peak_mb"], baseline_mb() + BOMB_MEMORY_MB)

    def test_it_refuses_two_cells_a_million_rows_apart(self):
        # The reader allocates the grid between them: 18 278 columns x 1 000 000 rows, which
        # would abort the whole process (Rust cannot raise MemoryError).
        sheet = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="1000000"><c r="ZZZ1000000"><v>1</v></c></row>'
        path = excel_style_package(sheet, ["<t>Celular</t>"], self.dir / "far.xlsx")

        result = peak_reading(path)

        self.assertEqual(
            result["error"],
            "The file is too big to read: the sheet “Hoja1” uses 18278 columns (at most 256). "
            "Split it in several files.",
        )

    def test_it_refuses_a_long_text_copied_into_every_cell(self):
        # One shared string of 32 767 letters referenced by 20 000 cells: 640 MB once each cell
        # holds its copy, from a 100 KB file.
        rows = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>1</v></c></row>' for i in range(2, 20_002))
        path = excel_style_package(
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + rows,
            ["<t>Celular</t>", "<t>" + "7" * 32_767 + "</t>"],
            self.dir / "copies.xlsx",
        )

        result = peak_reading(path)

        self.assertIn("the texts of the sheet “Hoja1” add up to", result["error"])
        self.assertLess(result["peak_mb"], baseline_mb() + BOMB_MEMORY_MB)

    def test_formatted_empty_cells_far_away_are_not_counted(self):
        # Excel keeps formatted but empty cells; the reader skips them, and so does the check.
        sheet = (
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>70000288</v></c></row>'
            '<row r="900000"><c r="XFD900000" s="1"/></row>'
        )
        path = excel_style_package(sheet, ["<t>Celular</t>"], self.dir / "formatted.xlsx")

        with path.open("rb") as file:
            sheet = read_spreadsheet(file)

        self.assertEqual([row.values["phone"] for row in sheet.rows], ["70000288"])

    def test_it_refuses_an_ods_whose_repeats_fill_a_million_rows(self):
        content = (
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
            '<table:table table:name="Hoja1"><table:table-row><table:table-cell office:value-type="string">'
            "<text:p>Celular</text:p></table:table-cell></table:table-row>"
            '<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" '
            'office:value="70000288" table:number-columns-repeated="100"><text:p>70000288</text:p>'
            "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
            "</office:document-content>"
        )
        path = self.dir / "repeats.ods"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", content)

        result = peak_reading(path)

        self.assertEqual(
            result["error"],
            "The file is too big to read: the sheet “Hoja1” has too many cells (rows: 1000001, columns: 100). "
            "Split it in several files.",
        )

    def test_it_refuses_an_xls_whose_cells_lie_far_apart(self):
        # LibreOffice's file with one number moved to row 60 001, column 250: the reader would
        # allocate 15 million cells.
        data = bytearray((FILES / "libreoffice.xls").read_bytes())
        sheet = data.find(b"\x09\x08\x10\x00\x00\x06\x10\x00")  # the first sheet's BOF record
        number = data.find(b"\x7e\x02\x0a\x00", sheet)  # an RK record: row, column, format, value
        self.assertGreater(number, sheet)
        data[number + 4 : number + 8] = (60_000).to_bytes(2, "little") + (249).to_bytes(2, "little")
        path = self.dir / "lejos.xls"
        path.write_bytes(bytes(data))

        self.assertEqual(
            self.refused(path),
            "The file is too big to read: the sheet “Cartera” has too many cells (rows: 60001, columns: 250). "
            "Split it in several files.",
        )

    def test_it_refuses_an_xlsb_whose_cells_lie_far_apart(self):
        path = xlsb_package([(0, 0, "Celular"), (1, 0, 70000288), (900_000, 200, 1)], self.dir / "lejos.xlsb")

        self.assertIn("has too many cells (rows: 900001, columns: 201)", self.refused(path))

    def test_real_files_pass_the_checks(self):
        # LibreOffice writes a million repeated empty rows at the end of every .ods sheet.
        for name in ["libreoffice.ods", "libreoffice.xlsx", "libreoffice.xls"]:
            with self.subTest(name), (FILES / name).open("rb") as file:
                self.assertEqual(len(read_spreadsheet(file).rows), 3)

    def test_it_refuses_a_package_declaring_more_than_the_limit(self):
        data = io.BytesIO(openpyxl_xlsx([["Teléfono"], [70000288]]))
        with zipfile.ZipFile(data, "a") as archive:
            archive.writestr("xl/worksheets/sheet9.xml", b"<x/>")
            archive.filelist[-1].file_size = 4 * 2**30  # declares 4 GB once inflated
        with self.assertRaises(SpreadsheetError) as caught:
            read_spreadsheet(io.BytesIO(data.getvalue()))
        self.assertEqual(
            caught.exception.message,
            "The file is too big to read: once unpacked it would take 4096 MB. Split it in several files.",
        )

    def test_a_memory_error_is_said_as_such(self):
        path = self.dir / "carga.xlsx"
        openpyxl_xlsx([["Teléfono"], [70000288]], path)
        with mock.patch("python_calamine.CalamineWorkbook.from_path", side_effect=MemoryError):
            message = self.refused(path)
        self.assertEqual(
            message, "The server ran out of memory while reading the file: split it in several smaller files."
        )

    def test_an_error_of_ours_is_not_blamed_on_the_file(self):
        path = self.dir / "carga.xlsx"
        openpyxl_xlsx([["Teléfono"], [70000288]], path)
        with (
            mock.patch("loads.spreadsheet.rows.RowBuilder.build", side_effect=KeyError("bug")),
            self.assertLogs("smsmotor.loads", "ERROR") as logs,
        ):
            message = self.refused(path)
        self.assertIn("because of an error of its own, not of the file", message)
        self.assertNotIn("damaged", message)
        self.assertIn("KeyError", "\n".join(logs.output))

    def test_the_limits_leave_room_for_a_full_upload(self):
        # A 20 MB upload unpacks to about 250 MB of XML; 200 000 rows of 20 columns fit the grid.
        self.assertGreaterEqual(limits.MAX_UNPACKED_BYTES, 20 * limits.MAX_UPLOAD_BYTES)
        self.assertGreaterEqual(limits.MAX_CELLS, limits.MAX_ROWS * 20)
