"""Finding the header and deciding what each column is; what is not read is said."""

from django.test import SimpleTestCase
from django.utils import translation

from loads.spreadsheet import canonical_name
from loads.spreadsheet.header import column_letter, find_header, layout_from_header


class HeaderTestCase(SimpleTestCase):
    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_it_normalises_header_spelling(self):
        self.assertEqual(canonical_name("  Nro. Celular: "), "phone")
        self.assertEqual(canonical_name("CELULAR (sin 591)"), "phone")
        self.assertEqual(canonical_name("Celular 2"), "phone")
        self.assertEqual(canonical_name("Fecha_de_Envío"), "send_date")
        self.assertEqual(canonical_name("Nº de cuota"), "numerocuota")
        self.assertEqual(canonical_name("Código  Sucursal"), "codigosucursal")

    def test_it_finds_the_header_below_49_rows_of_titles(self):
        rows = [(number, [f"Título {number}", ""]) for number in range(1, 50)] + [(50, ["Celular", "Mensaje"])]

        header, has_data = find_header(iter(rows))

        self.assertEqual(header, (50, ["Celular", "Mensaje"]))
        self.assertTrue(has_data)

    def test_it_stops_looking_after_50_rows(self):
        rows = [(number, [f"Título {number}"]) for number in range(1, 51)] + [(51, ["Celular"])]

        self.assertEqual(find_header(iter(rows)), (None, True))

    def test_blank_rows_do_not_count(self):
        rows = [(number, ["", None]) for number in range(1, 200)] + [(200, ["Teléfono"])]

        self.assertEqual(find_header(iter(rows))[0], (200, ["Teléfono"]))

    def test_it_uses_every_phone_column_in_order(self):
        layout = layout_from_header(3, ["Celular", "Nombre", "Celular 2", "Teléfono fijo"])

        self.assertEqual(layout.phones, [0, 2])
        self.assertEqual(layout.phone_headers, ["Celular", "Celular 2"])
        self.assertEqual(layout.columns, ["phone", "nombre", "telefonofijo"])

    def test_it_names_every_column_it_will_not_read(self):
        layout = layout_from_header(1, ["Teléfono", "", "Nombre", "Column1", "Nombre:", "", ""], offset=2)
        layout.note_unnamed_data(1)

        self.assertEqual(layout.width, 5)
        self.assertEqual(
            [str(column) for column in layout.ignored_columns()],
            [
                "D: it has data but no name in the header row, so it is not read",
                "F “Column1”: its name is a placeholder, not a column name, so it is not read",
                "G “Nombre:”: it means the same as column E (“Nombre”), which is the one read",
            ],
        )

    def test_it_writes_column_letters_as_excel_does(self):
        self.assertEqual([column_letter(index) for index in (0, 25, 26, 701, 702)], ["A", "Z", "AA", "ZZ", "AAA"])
