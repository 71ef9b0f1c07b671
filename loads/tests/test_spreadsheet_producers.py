"""Workbooks as other programs write them: LibreOffice (.ods, .xls, .xlsx), xlsxwriter, and
Excel's own layout of shared strings, each read to the same rows."""

import datetime
import io
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

from django.test import SimpleTestCase
from django.utils import translation

from loads.spreadsheet import Format, read_spreadsheet
from loads.spreadsheet.reader import open_spreadsheet
from loads.tests.sheet_files import FILES, excel_style_package, openpyxl_xlsx, xlsb_package, xlsxwriter_xlsx

NOVEMBER_30 = datetime.date(2026, 11, 30)
# The three data rows of files/libreoffice.*: a title in row 1, the header in row 3, the second
# phone column used when the first is empty, an amount as text, a date as text, a hidden sheet.
LIBREOFFICE_ROWS = [
    (
        4,
        {
            "phone": "70000288",
            "nombre": "Juan Pérez",
            "message": "Señor Pérez, su cuota de Bs 1.500,50 vence pronto.",
            "montocuota": Decimal("1500.50"),
            "send_date": NOVEMBER_30,
        },
    ),
    (
        5,
        {
            "phone": "71234567",
            "nombre": "Ana Núñez",
            "message": "Señora Núñez, ¿pagó su cuota? Gracias.",
            "montocuota": Decimal("820.00"),
            "send_date": NOVEMBER_30,
        },
    ),
    (
        6,
        {
            "phone": "+591 72000001",
            "nombre": "Luis Choque",
            "message": "Estimado Luis, le recordamos su pago.",
            "montocuota": Decimal("99.90"),
            "send_date": NOVEMBER_30,
        },
    ),
]


class ProducersTestCase(SimpleTestCase):
    def setUp(self):
        self.enterContext(translation.override("en"))
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)

    def read(self, path: Path):
        with path.open("rb") as file:
            return read_spreadsheet(file, path.name)

    def test_libreoffice_files_read_alike_in_every_format(self):
        for name, fmt in [
            ("libreoffice.ods", Format.ODS),
            ("libreoffice.xls", Format.XLS),
            ("libreoffice.xlsx", Format.XLSX),
        ]:
            with self.subTest(name):
                with (FILES / name).open("rb") as file, open_spreadsheet(file) as reader:
                    self.assertEqual((reader.format, reader.sheet_name, reader.header_row), (fmt, "Cartera", 3))
                    self.assertEqual(reader.phone_columns, ["Celular", "Celular 2"])
                    rows = list(reader.rows())
                self.assertEqual([(row.number, row.values) for row in rows], LIBREOFFICE_ROWS)
                self.assertEqual([row.errors for row in rows], [{}, {}, {}])

    def test_xlsxwriter_shared_strings_dates_and_cached_formulas(self):
        path = xlsxwriter_xlsx(
            [
                ["Recordatorios"],
                [],
                ["Celular", "Celular 2", "Mensaje", "Monto", "Fecha de envío"],
                [70000288, None, "Su cuota vence hoy.", ("=1000+500.5", 1500.5), NOVEMBER_30],
                [None, 71234567, "Señora, ¿pagó?", 820, datetime.date(2026, 12, 1)],
                [None, None, "Sin celular", None, None],
            ],
            self.dir / "xlsxwriter.xlsx",
        )

        sheet = self.read(path)

        self.assertEqual(sheet.header_row, 3)
        self.assertEqual([row.values["phone"] for row in sheet.rows], ["70000288", "71234567", ""])
        self.assertEqual(sheet.rows[0].values["montocuota"], Decimal("1500.50"))
        self.assertEqual(
            [row.values["send_date"] for row in sheet.rows], [NOVEMBER_30, datetime.date(2026, 12, 1), None]
        )
        self.assertEqual(sheet.rows[1].values["message"], "Señora, ¿pagó?")

    def test_excel_style_shared_strings_with_runs_and_phonetics(self):
        strings = [
            '<r><rPr><b/><sz val="11"/></rPr><t>Telé</t></r><r><rPr><b/><sz val="11"/></rPr><t>fono</t></r>',
            "<t>Mensaje</t>",
            "<t>Fecha de envío</t>",
            '<t xml:space="preserve">  Señor Pérez, su cuota vence hoy.  </t>'
            '<rPh sb="0" eb="5"><t>セニョール</t></rPh>',
            '<t xml:space="preserve">Hola</t>',
        ]
        sheet_data = (
            '<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
            '<c r="C1" t="s"><v>2</v></c></row>'
            '<row r="2" spans="1:3"><c r="A2"><v>70000288</v></c><c r="B2" t="s"><v>3</v></c>'
            '<c r="C2" s="1"><v>46356</v></c></row>'
            '<row r="3" spans="1:3"><c r="A3" t="e"><v>#N/A</v></c><c r="B3" t="s"><v>4</v></c>'
            '<c r="C3" s="1"><v>46356</v></c></row>'
            '<row r="4" spans="1:3"><c r="A4" t="str"><f>CONCAT("7",A2+1)</f><v>70000289</v></c>'
            '<c r="B4" t="s"><v>4</v></c><c r="C4" s="1"><f>C3+1</f><v>46357</v></c></row>'
        )
        path = excel_style_package(sheet_data, strings, self.dir / "excel.xlsx")

        sheet = self.read(path)

        self.assertEqual(sheet.columns, ["phone", "message", "send_date"])
        self.assertEqual(
            [(row.number, row.values, row.errors) for row in sheet.rows],
            [
                (2, {"phone": "70000288", "message": "Señor Pérez, su cuota vence hoy.", "send_date": NOVEMBER_30}, {}),
                (
                    3,
                    {"phone": "", "message": "Hola", "send_date": NOVEMBER_30},
                    {"phone": "the cell shows the Excel error #N/A: fix the formula"},
                ),
                (4, {"phone": "70000289", "message": "Hola", "send_date": datetime.date(2026, 12, 1)}, {}),
            ],
        )

    def test_an_excel_binary_workbook_reads_like_the_others(self):
        # No program here writes .xlsb: this one follows [MS-XLSB]'s records (shared strings,
        # BrtCellReal numbers), as Excel lays them out.
        cells = [(0, 0, "Celular"), (0, 1, "Mensaje"), (1, 0, 70000288), (1, 1, "Señora, ¿pagó?"), (3, 0, 71234567)]
        path = xlsb_package(cells, self.dir / "carga.xlsb")

        with path.open("rb") as file, open_spreadsheet(file) as reader:
            self.assertEqual(reader.format, Format.XLSB)
            rows = [(row.number, row.values) for row in reader.rows()]

        self.assertEqual(
            rows, [(2, {"phone": "70000288", "message": "Señora, ¿pagó?"}), (4, {"phone": "71234567", "message": ""})]
        )

    def test_a_macro_workbook_reads_as_a_workbook(self):
        data = io.BytesIO(openpyxl_xlsx([["Celular", "Mensaje"], [70000288, "Hola"]]))
        out = io.BytesIO()
        with zipfile.ZipFile(data) as source, zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                content = source.read(item)
                if item.filename == "[Content_Types].xml":
                    content = content.replace(
                        b"spreadsheetml.sheet.main+xml", b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
                    )
                target.writestr(item, content)
        path = self.dir / "carga.xlsm"
        path.write_bytes(out.getvalue())

        self.assertEqual([row.values for row in self.read(path).rows], [{"phone": "70000288", "message": "Hola"}])

    def test_a_sheet_starting_away_from_a1_keeps_excel_row_numbers_and_letters(self):
        path = xlsxwriter_xlsx(
            [[], [], [], [None, None, "Celular", None, "Mensaje"], [None, None, 70000288, "nota", "Hola"]],
            self.dir / "offset.xlsx",
        )

        sheet = self.read(path)

        self.assertEqual(sheet.header_row, 4)
        self.assertEqual([row.number for row in sheet.rows], [5])
        self.assertEqual(
            [str(column) for column in sheet.ignored_columns],
            ["D: it has data but no name in the header row, so it is not read"],
        )
