import csv
import io

from django.test import SimpleTestCase
from django.urls import reverse
from openpyxl import load_workbook

from loads.models import Load, LoadType
from messaging.models import OutgoingMessage
from smsmotor.exports import neutralise
from smsmotor.test import BaseTestCase


class NeutraliseTestCase(SimpleTestCase):
    def test_formulas_are_neutralised_and_numbers_kept(self):
        for value in ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3+cmd", "@SUM(A1)", "\t=1"]:
            with self.subTest(value=value):
                self.assertEqual(neutralise(value), "'" + value)
        for value in ["+59170000288", "-15,50", "Hola =)", 42, None]:
            with self.subTest(value=value):
                self.assertEqual(neutralise(value), value)


class TableExportTestCase(BaseTestCase):
    def setUp(self):
        self.mine = Load.objects.create(type=LoadType.EXCEL, created_by=self.bob)
        theirs = Load.objects.create(type=LoadType.MANUAL, created_by=self.alice)
        OutgoingMessage.objects.create(phone="+59170000288", text='=HYPERLINK("http://x","Pague aquí")', load=self.mine)
        OutgoingMessage.objects.create(phone="+59171111111", text="De otra carga", load=theirs)

    def test_an_operator_exports_their_messages_to_csv_safely(self):
        self.login(self.bob)
        response = self.client.get(reverse("messaging:outgoing"), {"export": "csv"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:3], ["ID", "Estado", "Enviado el"])
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][5], "+59170000288")
        self.assertTrue(rows[1][6].startswith("'="))

    def test_the_load_history_exports_to_excel(self):
        self.login(self.alice)
        response = self.client.get(reverse("loads:history"), {"export": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet["A1"].value, "ID carga")
        self.assertEqual(sheet.max_row, 3)

    def test_incoming_messages_export(self):
        self.login(self.alice)
        response = self.client.get(reverse("messaging:incoming"), {"export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"))
