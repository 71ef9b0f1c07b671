import datetime
import io
import re
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from django.utils import translation
from openpyxl import Workbook

from loads.spreadsheet import SheetRow, SpreadsheetError, canonical_name, read_spreadsheet

FORMULA_ERROR = "the cell has a formula without a computed value: open and save the file in Excel"
DAMAGED = (
    "The file could not be opened: it is damaged or incomplete. "
    "Open it in Excel, save it again and upload the new file."
)
NOT_A_SPREADSHEET = (
    "The file is not a spreadsheet: upload an Excel file (.xlsx, .xls, .xlsb), a LibreOffice file (.ods) "
    "or a CSV file (.csv)."
)
HEADER_ONLY = (
    "The file has its header (row %d) but no rows with data below it: write one row per message under the header."
)


class SpreadsheetTestCase(SimpleTestCase):
    def setUp(self):
        # The reasons are checked in English here; the Spanish catalogue is checked elsewhere.
        self.enterContext(translation.override("en"))
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)

    def save_xlsx(self, rows, *, setup=None, name="carga.xlsx"):
        """Write rows to a real .xlsx on disk; `setup(workbook, sheet)` adds merges, sheets, formats."""
        workbook = Workbook()
        sheet = workbook.active
        for row in rows:
            sheet.append(row)
        if setup:
            setup(workbook, sheet)
        path = self.dir / name
        workbook.save(path)
        return path

    def read_xlsx(self, rows, **kwargs):
        path = self.save_xlsx(rows, **kwargs)
        with open(path, "rb") as file:
            return read_spreadsheet(file, path.name)

    def read_bytes(self, data, filename="carga.csv", **kwargs):
        return read_spreadsheet(io.BytesIO(data), filename, **kwargs)

    def assert_refused(self, data, message, filename="carga.xlsx"):
        with self.assertRaises(SpreadsheetError) as caught:
            self.read_bytes(data, filename)
        self.assertEqual(caught.exception.message, message)

    # --- xlsx -----------------------------------------------------------------------------------

    def test_it_skips_a_merged_title_and_blank_rows(self):
        def setup(workbook, sheet):
            sheet.merge_cells("A1:E1")
            sheet["A30"].number_format = "0.00"  # a formatted but empty trailing row

        sheet = self.read_xlsx(
            [
                ["Recordatorio de pago de cuotas - Noviembre"],
                [],
                ["Teléfono", "Nombre", "Monto Cuota", "Fecha de Vencimiento", "Mensaje"],
                [70000288.0, "Señor Núñez, ¿pagó?", 150.5, datetime.datetime(2026, 11, 30), "Hola <nombre>"],
                [59170000288, "Ana", 200, "30/11/2026", ""],
                [None, None, None, None, None],
                ["+591-700-00288", "  Luis  ", "Bs 1.500,50", 46356, None],
                ["591 70000288", None, None, None, None],
                [],
                [None, "", "   "],
            ],
            setup=setup,
        )

        self.assertEqual(sheet.header_row, 3)
        self.assertEqual(sheet.columns, ["phone", "nombre", "montocuota", "fechavencimiento", "message"])
        self.assertEqual(sheet.ignored_columns, [])
        self.assertEqual([row.number for row in sheet.rows], [4, 5, 7, 8])
        due = datetime.date(2026, 11, 30)
        self.assertEqual(
            sheet.rows[0],
            SheetRow(
                number=4,
                values={
                    "phone": "70000288",
                    "nombre": "Señor Núñez, ¿pagó?",
                    "montocuota": Decimal("150.50"),
                    "fechavencimiento": due,
                    "message": "Hola <nombre>",
                },
                errors={},
            ),
        )
        self.assertEqual(
            sheet.rows[1].values,
            {
                "phone": "59170000288",
                "nombre": "Ana",
                "montocuota": Decimal("200"),
                "fechavencimiento": due,
                "message": "",
            },
        )
        self.assertEqual(
            sheet.rows[2].values,
            {
                "phone": "+591-700-00288",
                "nombre": "Luis",
                "montocuota": Decimal("1500.50"),
                "fechavencimiento": due,
                "message": "",
            },
        )
        self.assertEqual(
            sheet.rows[3].values,
            {"phone": "591 70000288", "nombre": "", "montocuota": None, "fechavencimiento": None, "message": ""},
        )
        self.assertEqual([row.errors for row in sheet.rows], [{}, {}, {}, {}])

    def test_it_reads_english_headers_in_any_order(self):
        sheet = self.read_xlsx(
            [
                ["Due date", "Amount", "Customer", "Send on", "Text", "Mobile", "Installment number", "Currency"],
                [datetime.date(2026, 12, 1), 99.999, "Bob", "2026-11-30", "Hi", 70000288, 3.0, "Bs"],
            ]
        )

        self.assertEqual(
            sheet.columns,
            ["fechavencimiento", "montocuota", "nombre", "send_date", "message", "phone", "numerocuota", "moneda"],
        )
        self.assertEqual(sheet.header_row, 1)
        self.assertEqual(
            sheet.rows[0].values,
            {
                "fechavencimiento": datetime.date(2026, 12, 1),
                "montocuota": Decimal("100.00"),
                "nombre": "Bob",
                "send_date": datetime.date(2026, 11, 30),
                "message": "Hi",
                "phone": "70000288",
                "numerocuota": "3",
                "moneda": "Bs",
            },
        )

    def test_it_normalises_header_spelling(self):
        self.assertEqual(canonical_name("  Nro. Celular: "), "phone")
        self.assertEqual(canonical_name("CELULAR (sin 591)"), "phone")
        self.assertEqual(canonical_name("Fecha_de_Envío"), "send_date")
        self.assertEqual(canonical_name("Nº de cuota"), "numerocuota")
        self.assertEqual(canonical_name("Vence"), "fechavencimiento")
        self.assertEqual(canonical_name("Código  Sucursal"), "codigosucursal")
        self.assertEqual(canonical_name("WhatsApp"), "phone")

    def test_it_keeps_other_columns_for_template_tokens(self):
        sheet = self.read_xlsx(
            [["Celular", "Sucursal", "Fecha de pago", "Código"], ["70000288", " Centro ", "01.12.2026", 12345.0]]
        )

        self.assertEqual(sheet.columns, ["phone", "sucursal", "fechadepago", "codigo"])
        self.assertEqual(
            sheet.rows[0].values,
            {"phone": "70000288", "sucursal": "Centro", "fechadepago": datetime.date(2026, 12, 1), "codigo": "12345"},
        )

    def test_it_reads_dates_in_bolivian_forms(self):
        texts = [
            "30/11/2026",
            "30-11-2026",
            "30/11/26",
            "2026-11-30",
            "30.11.2026",
            "30-nov-2026",
            "30 de noviembre de 2026",
        ]
        sheet = self.read_xlsx([["Teléfono", "Fecha envío"]] + [[70000288, text] for text in texts])

        self.assertEqual([row.values["send_date"] for row in sheet.rows], [datetime.date(2026, 11, 30)] * len(texts))
        self.assertEqual([row.errors for row in sheet.rows], [{}] * len(texts))

    def test_it_reads_day_first(self):
        sheet = self.read_xlsx([["Teléfono", "Fecha envío"], [70000288, "01/02/2026"]])

        self.assertEqual(sheet.rows[0].values["send_date"], datetime.date(2026, 2, 1))

    def test_it_records_an_unreadable_date(self):
        sheet = self.read_xlsx([["Teléfono", "Vencimiento"], [70000288, "31/02/2026"], [70000289, "pronto"]])

        self.assertEqual([row.number for row in sheet.rows], [2, 3])
        self.assertEqual(sheet.rows[0].values["fechavencimiento"], None)
        self.assertEqual(sheet.rows[0].errors, {"fechavencimiento": "“31/02/2026” is not a date (use day/month/year)"})
        self.assertEqual(sheet.rows[1].errors, {"fechavencimiento": "“pronto” is not a date (use day/month/year)"})

    def test_it_reads_amounts(self):
        amounts = ["Bs 1.500,50", "1,500.50", "Bs. 150", "$us 100", 150.5000001, 1500, "1.500", "150,5", "a convenir"]
        sheet = self.read_xlsx([["Teléfono", "Monto"]] + [[70000288, amount] for amount in amounts])

        self.assertEqual(
            [row.values["montocuota"] for row in sheet.rows],
            [
                Decimal("1500.50"),
                Decimal("1500.50"),
                Decimal("150.00"),
                Decimal("100.00"),
                Decimal("150.50"),
                Decimal("1500.00"),
                Decimal("1500.00"),
                Decimal("150.50"),
                "a convenir",
            ],
        )

    def test_it_leaves_amount_like_text_alone_outside_the_amount_column(self):
        sheet = self.read_xlsx([["Teléfono", "Saldo"], [70000288, "Bs 1.500,50"]])

        self.assertEqual(sheet.rows[0].values["saldo"], "Bs 1.500,50")

    def test_it_reads_phones_written_as_numbers_or_text(self):
        phones = [70000288.0, 70000288, 59170000288.0, "5.9170000288E10", "7.0000288E+07", "\u202a+591 700 00288\u202c"]
        sheet = self.read_xlsx([["Celular"]] + [[phone] for phone in phones])

        self.assertEqual(
            [row.values["phone"] for row in sheet.rows],
            ["70000288", "70000288", "59170000288", "59170000288", "70000288", "+591 700 00288"],
        )

    def test_it_ignores_unnamed_and_duplicate_columns(self):
        sheet = self.read_xlsx(
            [
                ["Teléfono", None, "Nombre", "Celular", "Column1", "Nombre:"],
                [70000288, "nota", "Ana", 70000299, "x", "Ana María"],
                [70000300, None, "Eva", None, None, None, "suelto"],
            ]
        )

        # A second phone column is read when the first is empty; nothing else is left unsaid.
        self.assertEqual(sheet.columns, ["phone", "nombre"])
        self.assertEqual(sheet.phone_columns, ["Teléfono", "Celular"])
        self.assertEqual(
            [str(column) for column in sheet.ignored_columns],
            [
                "B: it has data but no name in the header row, so it is not read",
                "E “Column1”: its name is a placeholder, not a column name, so it is not read",
                "F “Nombre:”: it means the same as column C (“Nombre”), which is the one read",
                "G: it has data but no name in the header row, so it is not read",
            ],
        )
        self.assertEqual(sheet.rows[0].values, {"phone": "70000288", "nombre": "Ana"})

    def test_it_tells_a_header_only_file(self):
        # It used to say "check the rejected rows" when there were none.
        with self.assertRaises(SpreadsheetError) as caught:
            self.read_xlsx([["Lista de noviembre"], [], ["Teléfono", "Mensaje"], [None, "  "]])
        self.assertEqual(caught.exception.message, HEADER_ONLY % 3)

    def test_it_reads_the_first_visible_sheet_with_a_phone_column(self):
        def setup(workbook, sheet):
            sheet.title = "Instrucciones"
            hidden = workbook.create_sheet("Oculta")
            hidden.append(["Teléfono"])
            hidden.append([11111111])
            hidden.sheet_state = "hidden"
            data = workbook.create_sheet("Datos")
            data.append(["Teléfono"])
            data.append([70000288])

        sheet = self.read_xlsx([["Llene la hoja Datos"]], setup=setup)

        self.assertEqual([row.values for row in sheet.rows], [{"phone": "70000288"}])

    def test_it_flags_a_formula_without_a_computed_value(self):
        sheet = self.read_xlsx(
            [["Teléfono", "Nombre", "Monto"], [70000288, "Ana", "=100+50"], ["=CONCAT(591,70000289)", '="Eva"', "=1"]]
        )

        self.assertEqual([row.number for row in sheet.rows], [2, 3])
        self.assertEqual(sheet.rows[0].values, {"phone": "70000288", "nombre": "Ana", "montocuota": None})
        self.assertEqual(sheet.rows[0].errors, {"montocuota": FORMULA_ERROR})
        # Every cell of row 3 is an uncached formula: the row must not vanish as if it were blank.
        self.assertEqual(sheet.rows[1].values, {"phone": "", "nombre": "", "montocuota": None})
        self.assertEqual(
            sheet.rows[1].errors, {"phone": FORMULA_ERROR, "nombre": FORMULA_ERROR, "montocuota": FORMULA_ERROR}
        )

    def test_it_reads_the_cached_value_of_a_formula(self):
        path = self.save_xlsx([["Teléfono", "Monto", "Nota"], [70000288, "=100+50.5", '=IF(1,"","x")']])
        # openpyxl cannot compute formulas; write what Excel would have cached after saving.
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"].decode()
        xml = re.sub(r'(<c r="B2"[^>]*>)<f>(.*?)</f><v\s*/>', r"\1<f>\2</f><v>150.5</v>", xml)
        xml = re.sub(r'<c r="C2"([^>]*)>(<f>.*?</f>)<v\s*/>', r'<c r="C2" t="str"\1>\2<v></v>', xml)
        parts["xl/worksheets/sheet1.xml"] = xml.encode()
        with zipfile.ZipFile(path, "w") as archive:
            for name, content in parts.items():
                archive.writestr(name, content)

        sheet = read_spreadsheet(path.open("rb"), path.name)

        self.assertEqual(sheet.rows[0].values, {"phone": "70000288", "montocuota": Decimal("150.50"), "nota": ""})
        self.assertEqual(sheet.rows[0].errors, {})

    def test_it_records_excel_error_values(self):
        sheet = self.read_xlsx([["Teléfono", "Nombre"], ["#N/A", "Ana"]])

        self.assertEqual(sheet.rows[0].values, {"phone": "", "nombre": "Ana"})
        self.assertEqual(sheet.rows[0].errors, {"phone": "the cell shows the Excel error #N/A: fix the formula"})

    def test_it_refuses_more_rows_than_allowed(self):
        path = self.save_xlsx([["Teléfono"], [70000001], [], [70000002], [70000003]])

        self.assertEqual(len(read_spreadsheet(path.open("rb"), path.name, max_rows=3).rows), 3)
        with self.assertRaises(SpreadsheetError) as caught:
            read_spreadsheet(path.open("rb"), path.name, max_rows=2)
        self.assertEqual(
            caught.exception.message, "The file is too big to read: it has more than 2 rows. Split it in several files."
        )

    def test_it_decides_by_content_not_extension(self):
        path = self.save_xlsx([["Teléfono"], [70000288]], name="carga.csv")

        sheet = read_spreadsheet(path.open("rb"), "carga.csv")

        self.assertEqual(sheet.rows[0].values, {"phone": "70000288"})

    # --- csv ------------------------------------------------------------------------------------

    def test_it_reads_a_cp1252_csv_with_semicolons(self):
        text = (
            "Listado de clientes;;;\r\n"
            "Teléfono;Nombre;Monto;Fecha de vencimiento\r\n"
            "70000288;Señor Núñez, ¿pagó?;Bs 1.500,50;30/11/2026\r\n"
            ";;;\r\n"
            '"591 70000289";"Ana\r\nMaría";150,5;46356\r\n'
            "7.0000290E+07;Eva;;\r\n"
            "\r\n"
        )

        sheet = self.read_bytes(text.encode("cp1252"))

        self.assertEqual(sheet.header_row, 2)
        self.assertEqual(sheet.columns, ["phone", "nombre", "montocuota", "fechavencimiento"])
        due = datetime.date(2026, 11, 30)
        self.assertEqual(
            sheet.rows,
            [
                SheetRow(
                    3,
                    {
                        "phone": "70000288",
                        "nombre": "Señor Núñez, ¿pagó?",
                        "montocuota": Decimal("1500.50"),
                        "fechavencimiento": due,
                    },
                    {},
                ),
                SheetRow(
                    5,
                    {
                        "phone": "591 70000289",
                        "nombre": "Ana\r\nMaría",
                        "montocuota": Decimal("150.50"),
                        "fechavencimiento": due,
                    },
                    {},
                ),
                SheetRow(7, {"phone": "70000290", "nombre": "Eva", "montocuota": None, "fechavencimiento": None}, {}),
            ],
        )

    def test_it_reads_a_utf8_csv_with_bom_and_commas(self):
        text = (
            'Phone,Message,Send date\n+591-700-00288,"Hola, ¿pagó su cuota?",2026-11-30\n70000289.0,Chau,31/11/2026\n'
        )

        upload = SimpleUploadedFile("carga.csv", text.encode("utf-8-sig"), content_type="text/csv")

        sheet = read_spreadsheet(upload, upload.name)

        self.assertEqual(sheet.columns, ["phone", "message", "send_date"])
        self.assertEqual(
            sheet.rows,
            [
                SheetRow(
                    2,
                    {
                        "phone": "+591-700-00288",
                        "message": "Hola, ¿pagó su cuota?",
                        "send_date": datetime.date(2026, 11, 30),
                    },
                    {},
                ),
                SheetRow(
                    3,
                    {"phone": "70000289", "message": "Chau", "send_date": None},
                    {"send_date": "“31/11/2026” is not a date (use day/month/year)"},
                ),
            ],
        )

    def test_it_reads_a_tab_separated_utf16_file(self):
        text = "Celular\tNombre\r\n70000288\tÑusta\r\n"

        sheet = self.read_bytes(text.encode("utf-16"), "carga.txt")

        self.assertEqual(sheet.rows, [SheetRow(2, {"phone": "70000288", "nombre": "Ñusta"}, {})])

    def test_it_tells_a_header_only_csv(self):
        with self.assertRaises(SpreadsheetError) as caught:
            self.read_bytes("Teléfono;Mensaje\r\n".encode())
        self.assertEqual(caught.exception.message, HEADER_ONLY % 1)

    # --- refused files --------------------------------------------------------------------------

    def test_it_refuses_a_damaged_xls(self):
        header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
        self.assert_refused(header + "Workbook".encode("utf-16-le") + b"\x00" * 600, DAMAGED, "carga.xls")

    def test_it_names_what_pdfs_and_images_are(self):
        self.assert_refused(
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\x00stream\x01\x02",
            "The file is a PDF document, not a spreadsheet: export the list from your system as Excel or CSV, "
            "not as PDF.",
            "carga.pdf",
        )
        self.assert_refused(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "The file is an image (a photo or a screenshot), not a spreadsheet: upload the Excel file itself.",
            "foto.png",
        )
        self.assert_refused(bytes(range(256)) * 4, NOT_A_SPREADSHEET, "carga.csv")

    def test_it_refuses_a_corrupt_zip(self):
        path = self.save_xlsx([["Teléfono"], [70000288]])
        data = path.read_bytes()

        self.assert_refused(data[: len(data) // 2], DAMAGED)

    def test_it_refuses_an_empty_file(self):
        self.assert_refused(b"", "The file is empty.")
        self.assert_refused(b"\xef\xbb\xbf\r\n;;\r\n", "The file is empty.", "carga.csv")
        self.assert_refused(self.save_xlsx([]).read_bytes(), "The file is empty.")
        self.assert_refused(self.save_xlsx([[None, "  "]]).read_bytes(), "The file is empty.")

    def test_it_refuses_a_file_without_a_phone_column(self):
        message = "No column with phone numbers was found in the first 50 rows: name a column “Teléfono” or “Celular”."
        self.assert_refused(self.save_xlsx([["Nombre", "Monto"], ["Ana", 100]]).read_bytes(), message)
        self.assert_refused(b"Nombre;Monto\r\nAna;100\r\n", message, "carga.csv")

    def test_it_looks_for_the_header_in_the_first_50_rows(self):
        # Below row 15 it used to say "no phone column".
        rows = [[f"Título {number}"] for number in range(50)] + [["Teléfono"], [70000288]]

        with self.assertRaises(SpreadsheetError):
            self.read_xlsx(rows)
        self.assertEqual(self.read_xlsx(rows[1:]).header_row, 50)

    def test_it_explains_a_web_page_saved_as_xls(self):
        self.assert_refused(
            b"<html><body><table><tr><td>Telefono</td></tr></table></body></html>",
            "The file is a web page, not a real Excel file: open it in Excel and save it as .xlsx or .csv.",
            "reporte.xls",
        )

    def test_it_flags_a_phone_that_excel_shortened(self):
        sheet = self.read_bytes(b"Celular;Monto\r\n5,917E+10;Bs1.500,50\r\n'70000288;-150\r\n")

        self.assertEqual(sheet.rows[0].values, {"phone": "5,917E+10", "montocuota": Decimal("1500.50")})
        self.assertEqual(
            sheet.rows[0].errors,
            {
                "phone": "“5,917E+10” lost its last digits: "
                "format the column as Text or Number in Excel and export it again"
            },
        )
        self.assertEqual(sheet.rows[1], SheetRow(3, {"phone": "70000288", "montocuota": Decimal("-150.00")}, {}))

    def test_it_reads_from_the_start_of_an_upload_already_read(self):
        upload = io.BytesIO(b"Telefono\n70000288\n")
        upload.read()

        sheet = read_spreadsheet(upload, "carga.csv")

        self.assertEqual([row.values for row in sheet.rows], [{"phone": "70000288"}])
