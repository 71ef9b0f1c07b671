"""One cell cleaned: phones, dates, amounts and text as offices type them."""

import datetime
from decimal import Decimal

from django.test import SimpleTestCase
from django.utils import translation

from loads.spreadsheet import clean_cell


class CellsTestCase(SimpleTestCase):
    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_phones_come_as_numbers_floats_or_text(self):
        cases = [
            (70000288, "70000288"),
            (70000288.0, "70000288"),
            ("5.9170000288E+10", "59170000288"),
            ("70000288.0", "70000288"),
            ("'70000288", "70000288"),
            ("\u202a+591 700 00288\u202c", "+591 700 00288"),
        ]
        for value, phone in cases:
            with self.subTest(value):
                self.assertEqual(clean_cell("phone", value), (phone, None))

    def test_a_phone_excel_shortened_is_an_error(self):
        self.assertEqual(
            clean_cell("phone", "5,917E+10"),
            (
                "5,917E+10",
                "“5,917E+10” lost its last digits: format the column as Text or Number in Excel and export it again",
            ),
        )

    def test_dates_in_every_usual_form(self):
        november_30 = datetime.date(2026, 11, 30)
        for value in ["30/11/2026", "30-11-26", "2026-11-30", "30 de noviembre de 2026", 46356, "46356", "30112026"]:
            with self.subTest(value):
                self.assertEqual(clean_cell("send_date", value), (november_30, None))
        self.assertEqual(clean_cell("fechavencimiento", datetime.datetime(2026, 11, 30, 8)), (november_30, None))
        self.assertEqual(clean_cell("send_date", 2026), (None, "“2026” is not a date (use day/month/year)"))

    def test_amounts_with_either_mark_and_a_currency(self):
        cases = {"Bs 1.500,50": "1500.50", "1,500.50": "1500.50", "$us 100": "100.00", 150.5000001: "150.50"}
        for value, amount in cases.items():
            with self.subTest(value):
                self.assertEqual(clean_cell("montocuota", value), (Decimal(amount), None))
        self.assertEqual(clean_cell("montocuota", "a convenir"), ("a convenir", None))

    def test_text_from_any_cell_type(self):
        self.assertEqual(clean_cell("nombre", "  Ana  "), ("Ana", None))
        self.assertEqual(clean_cell("codigo", 12345.0), ("12345", None))
        self.assertEqual(clean_cell("hora", datetime.time(9, 30)), ("09:30", None))
        self.assertEqual(clean_cell("plazo", datetime.timedelta(hours=26, minutes=5)), ("26:05", None))
        self.assertEqual(clean_cell("activo", True), ("TRUE", None))

    def test_excel_error_values_are_named(self):
        self.assertEqual(clean_cell("nombre", "#N/A"), ("", "the cell shows the Excel error #N/A: fix the formula"))
