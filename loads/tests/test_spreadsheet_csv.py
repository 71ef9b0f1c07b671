"""CSV files, streamed: encodings, delimiters, and rows that a comma split."""

import io
import tempfile
from pathlib import Path

from django.test import SimpleTestCase
from django.utils import translation

from loads.spreadsheet import ROW, SpreadsheetError, read_spreadsheet
from loads.spreadsheet.csvfile import SAMPLE_BYTES, sniff_encoding
from loads.tests.sheet_files import FILES, baseline_mb, peak_reading

SPLIT = (
    'The row has %d values but the header has 3 columns: a “,” or a double quote (") inside the message probably '
    "split it, and nothing of the row is sent. Put each text between double quotes, or save the file as Excel (.xlsx)."
)


class CsvTestCase(SimpleTestCase):
    def setUp(self):
        self.enterContext(translation.override("en"))

    def read(self, data: bytes):
        return read_spreadsheet(io.BytesIO(data), "carga.csv")

    def refused(self, data: bytes) -> str:
        with self.assertRaises(SpreadsheetError) as caught:
            self.read(data)
        return caught.exception.message

    def test_it_refuses_rows_split_by_unquoted_commas(self):
        # An export that did not quote its texts: "Bs 1,500.50" became two cells, and the rest of
        # the message used to be dropped without a word.
        with (FILES / "unquoted-commas.csv").open("rb") as file:
            sheet = read_spreadsheet(file, "unquoted-commas.csv")

        self.assertEqual([row.number for row in sheet.rows], [2, 3, 4, 5])
        self.assertEqual(sheet.rows[0].errors, {ROW: SPLIT % 4})
        self.assertEqual(sheet.rows[1].values["message"], "Su saldo pendiente es Bs 820,00. Gracias.")
        self.assertEqual(sheet.rows[1].errors, {})
        self.assertEqual(sheet.rows[2].errors, {})
        self.assertEqual(sheet.rows[3].errors, {ROW: SPLIT % 5})

    def test_empty_cells_beyond_the_header_are_not_a_split(self):
        sheet = self.read(b"Celular,Mensaje\r\n70000288,Hola,,\r\n")

        self.assertEqual(sheet.rows[0].errors, {})

    def test_it_uses_the_second_phone_column_when_the_first_is_empty(self):
        sheet = self.read(b"Celular;Celular 2;Mensaje\n70000288;;Hola\n;71234567;Chau\n;;Nadie\n")

        self.assertEqual([row.values["phone"] for row in sheet.rows], ["70000288", "71234567", ""])
        self.assertEqual(sheet.phone_columns, ["Celular", "Celular 2"])

    def test_it_says_where_a_nul_character_is(self):
        data = b"Celular;Mensaje\r\n70000288;Hola\r\n70000289;Ho\x00la\r\n"

        self.assertEqual(
            self.refused(data),
            "Line 3 of the file has an invalid character (NUL, code 0) at position 12: the file is damaged or was "
            "not saved as text. Open it in Excel, save it as CSV and upload it again.",
        )

    def test_it_finds_a_nul_far_into_a_large_file(self):
        rows = b"".join(b"7%07d;Hola\r\n" % i for i in range(60_000))
        message = self.refused(b"Celular;Mensaje\r\n" + rows + b"70000001;\x00\r\n")
        self.assertTrue(message.startswith("Line 60002 of the file has an invalid character (NUL"), message)

    def test_a_binary_file_is_not_a_csv(self):
        self.assertEqual(
            self.refused(bytes(range(256)) * 4),
            "The file is not a spreadsheet: upload an Excel file (.xlsx, .xls, .xlsb), a LibreOffice file (.ods) "
            "or a CSV file (.csv).",
        )

    def test_it_reads_utf16_without_its_bom(self):
        sheet = self.read("Celular\tNombre\r\n70000288\tÑusta\r\n".encode("utf-16-le"))

        self.assertEqual(sheet.rows[0].values, {"phone": "70000288", "nombre": "Ñusta"})

    def test_it_reads_a_windows_letter_after_the_sample(self):
        # Decided UTF-8 from the first 256 KB; a Windows-1252 "ñ" later is still an "ñ".
        head = b"Celular;Nombre\r\n" + b"70000288;Ana\r\n" * (SAMPLE_BYTES // 14 + 10)
        sheet = self.read(head + "70000289;Peña\r\n".encode("cp1252"))

        self.assertEqual(sheet.rows[-1].values["nombre"], "Peña")

    def test_it_explains_a_quote_that_never_closes(self):
        rows = "".join(f"7{i:07d};Hola\r\n" for i in range(20_000))
        message = self.refused(f'Celular;Mensaje\r\n70000288;"Hola\r\n{rows}'.encode())
        self.assertTrue(message.startswith("From line 2 on, the file reads as one enormous cell"), message)

    def test_it_chooses_the_delimiter_that_names_the_most_columns(self):
        sheet = self.read("Celular;Mensaje;Monto\n70000288;Su saldo, al día;Bs 1.500,50\n".encode())

        self.assertEqual(sheet.columns, ["phone", "message", "montocuota"])
        self.assertEqual(sheet.rows[0].values["message"], "Su saldo, al día")

    def test_it_tells_a_header_without_data_rows(self):
        self.assertEqual(
            self.refused(b"Celular;Mensaje\r\n;;\r\n"),
            "The file has its header (row 1) but no rows with data below it: write one row per message under the "
            "header.",
        )

    def test_it_guesses_encodings(self):
        self.assertEqual(sniff_encoding("Peña".encode("cp1252")), "cp1252")
        self.assertEqual(sniff_encoding("Peña".encode()), "utf-8")
        self.assertEqual(sniff_encoding("\ufeffPeña".encode()), "utf-8-sig")
        self.assertEqual(sniff_encoding("Peña".encode("utf-16")), "utf-16")
        self.assertEqual(sniff_encoding("Celular".encode("utf-16-be")), "utf-16-be")

    def test_a_large_csv_is_streamed_in_bounded_memory(self):
        # 40 MB of CSV: the reader holds one row at a time, never the text (the issue measured
        # 945 MB for 60 MB, the emptiness check alone copying the text about 12 times).
        folder = Path(tempfile.mkdtemp(prefix="csv-stream-"))
        self.addCleanup(lambda: [path.unlink() for path in folder.iterdir()])
        path = folder / "grande.csv"
        line = "Estimado cliente, le recordamos que su cuota vence pronto; puede pagar en cualquier agencia. " * 2
        with path.open("w", encoding="utf-8") as out:
            out.write("Celular,Mensaje\n")
            for i in range(190_000):
                out.write(f'7{i:07d},"{line}"\n')
        self.assertGreater(path.stat().st_size, 35 * 2**20)

        result = peak_reading(path)

        self.assertEqual((result["error"], result["rows"]), (None, 190_000))
        # read_spreadsheet keeps the rows (a load never does): about 200 bytes each, not the file's text.
        self.assertLess(result["peak_mb"], baseline_mb() + 190_000 * 700 / 2**20)
