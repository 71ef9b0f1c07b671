"""A row's raw values to a SheetRow, following the header's layout."""

from django.test import SimpleTestCase
from django.utils import translation

from loads.spreadsheet import ROW, SpreadsheetError
from loads.spreadsheet.header import layout_from_header
from loads.spreadsheet.rows import RowBuilder


class RowsTestCase(SimpleTestCase):
    def setUp(self):
        self.enterContext(translation.override("en"))
        self.layout = layout_from_header(1, ["Celular", "Mensaje", "Celular 2"])

    def test_blank_rows_are_skipped(self):
        builder = RowBuilder(self.layout, max_rows=10)

        self.assertIsNone(builder.build(2, ["", "  ", None]))
        self.assertIsNone(builder.build(3, []))
        self.assertEqual(builder.count, 0)

    def test_the_first_phone_not_empty_is_the_rows(self):
        builder = RowBuilder(self.layout, max_rows=10)

        self.assertEqual(builder.build(2, ["", "Hola", 71234567.0]).values, {"phone": "71234567", "message": "Hola"})
        self.assertEqual(builder.build(3, [70000288, "Hola", 71234567]).values["phone"], "70000288")

    def test_values_beyond_the_header_split_a_csv_row_but_not_a_workbook_row(self):
        csv = RowBuilder(self.layout, max_rows=10, split_by=";").build(2, ["70000288", "Saldo Bs 1", "500", "", "x"])
        self.assertTrue(csv.errors[ROW].startswith("The row has 5 values but the header has 3 columns: a “;”"))

        workbook = RowBuilder(self.layout, max_rows=10)
        self.assertEqual(workbook.build(2, [70000288, "Hola", "", "", "nota"]).errors, {})
        self.assertEqual(
            [str(column) for column in self.layout.ignored_columns()],
            ["E: it has data but no name in the header row, so it is not read"],
        )

    def test_only_the_columns_asked_for_are_cleaned(self):
        layout = layout_from_header(1, ["Celular", "Mensaje", "Monto"])
        builder = RowBuilder(layout, max_rows=10)
        builder.use_only({"phone", "message"})

        self.assertEqual(
            builder.build(2, [70000288, "Hola", "Bs 1.500,50"]).values, {"phone": "70000288", "message": "Hola"}
        )

    def test_cells_the_reader_shows_empty_get_their_reason(self):
        builder = RowBuilder(self.layout, max_rows=10, find_hidden=lambda: {(3, 0): "uncomputed", (3, 1): "uncomputed"})

        self.assertEqual(builder.build(2, [70000288, "Hola", ""]).errors, {})
        self.assertEqual(builder.build(3, ["", "", ""]).errors, {"phone": "uncomputed", "message": "uncomputed"})
        self.assertEqual([row.number for row in builder.trailing(3, 5)], [])

    def test_more_rows_than_allowed_stop_the_file(self):
        builder = RowBuilder(self.layout, max_rows=1)
        builder.build(2, [70000288, "Hola"])

        with self.assertRaises(SpreadsheetError):
            builder.build(3, [70000289, "Hola"])
