"""Excel loads end to end: upload, preview, confirm; the command; templates."""

import datetime
import io
import tempfile
import time
import zipfile
from decimal import Decimal
from io import StringIO

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase
from django.urls import reverse
from openpyxl import Workbook

from loads import services
from loads.excel import example_workbook
from loads.models import Load, LoadType, Template
from loads.spreadsheet import SpreadsheetError
from loads.templating import TemplateError, check_tokens, format_amount, render
from messaging.models import MessageStatus, OutgoingMessage
from smsmotor.test import BaseTestCase

TODAY = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "clientes.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@time_machine.travel(TODAY, tick=False)
class ExcelLoadTestCase(BaseTestCase):
    FILE = [
        ["Mensaje", "Celular"],
        ["Señor Pérez, su cuota vence hoy.", 70000288.0],
        ["Hola", "12345"],
        [None, None],
        ["Señor Pérez, su cuota vence hoy.", "+591 700-00288"],
        ["Buenos días Ana", "591 71234567"],
    ]

    def preview(self, content: bytes, **data):
        self.login(self.bob)
        return self.client.post(reverse("loads:excel_upload"), {"file": upload(content), **data})

    def test_the_preview_explains_every_row_and_stores_nothing(self):
        response = self.preview(xlsx(self.FILE), send_date="2026-11-24")
        self.assertEqual(response.status_code, 200)
        preview = response.context["preview"]
        self.assertEqual((preview.rows_read, preview.message_count, preview.rejected_count), (4, 2, 2))
        self.assertEqual([r["row"] for r in preview.rejected], [3, 5])
        self.assertContains(response, "no es un número de teléfono válido")
        self.assertContains(response, "fila 2")  # the duplicate names the first row
        self.assertFalse(Load.objects.exists())
        self.assertFalse(OutgoingMessage.objects.exists())

    def test_a_50_mb_upload_is_refused_with_a_clear_message(self):
        big = b"PK" + b"\0" * (50 * 2**20)
        response = self.preview(big, send_date="2026-11-24")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "20 MB")
        self.assertFalse(Load.objects.exists())

    def test_a_zip_bomb_is_refused_without_inflating_it(self):
        from django.utils import translation
        from django.utils.translation import gettext

        buffer = io.BytesIO(xlsx(self.FILE))
        with zipfile.ZipFile(buffer, "a") as archive:
            archive.writestr("xl/worksheets/sheet9.xml", b"<x/>")
            archive.filelist[-1].file_size = 4 * 2**30  # declares 4 GB once inflated
        started = time.monotonic()
        response = self.preview(buffer.getvalue(), send_date="2026-11-24")
        with translation.override("es"):
            self.assertContains(response, gettext("once unpacked it would take %(mb)d MB.") % {"mb": 4096})
        self.assertLess(time.monotonic() - started, 5)
        self.assertFalse(Load.objects.exists())

    def test_confirming_stores_the_load_and_its_messages(self):
        response = self.preview(xlsx(self.FILE), send_date="2026-11-24")
        key = response.context["pending"]["key"]
        response = self.client.post(reverse("loads:excel_confirm"), {"key": key})
        self.assertRedirects(response, reverse("loads:history"))
        load = Load.objects.get()
        self.assertEqual(
            (load.type, load.created_by, load.messages_created, load.rows_rejected), ("EXCEL", self.bob, 2, 2)
        )
        self.assertEqual(load.file_name, "clientes.xlsx")
        phones = sorted(load.messages.values_list("phone", "status"))
        self.assertEqual(phones, [("+59170000288", MessageStatus.QUEUED), ("+59171234567", MessageStatus.QUEUED)])
        self.assertEqual(self.client.get(reverse("loads:history")).context["page"][0], load)

    def test_cancelling_stores_nothing(self):
        key = self.preview(xlsx(self.FILE), send_date="2026-11-24").context["pending"]["key"]
        self.client.post(reverse("loads:excel_cancel"), {"key": key})
        self.assertFalse(Load.objects.exists())

    def test_a_later_send_date_keeps_messages_pending(self):
        key = self.preview(xlsx(self.FILE), send_date="2026-12-01").context["pending"]["key"]
        self.client.post(reverse("loads:excel_confirm"), {"key": key})
        self.assertEqual(set(OutgoingMessage.objects.values_list("status", flat=True)), {MessageStatus.PENDING})

    def test_a_file_that_is_not_excel_is_explained(self):
        response = self.preview(b"%PDF-1.4 not a spreadsheet \x00\x01\x02", send_date="2026-11-24")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["file"])
        self.assertFalse(Load.objects.exists())

    def test_without_a_message_column_a_template_writes_the_messages(self):
        template = Template.objects.create(
            name="Cuota", text="<nombre>, su cuota <numerocuota> de <moneda> <montocuota> vence el <fechavencimiento>."
        )
        content = xlsx(
            [
                ["Teléfono", "Nombre", "Nro Cuota", "Monto", "Moneda", "Fecha de vencimiento"],
                ["70000288", "Juan Pérez", 3, 1500.5, "Bs", datetime.datetime(2026, 11, 30)],
                ["71234567", "", 4, 100, "Bs", "30/11/2026"],
            ]
        )
        preview = self.preview(content, send_date="2026-11-24", template=template.pk).context["preview"]
        self.assertEqual(preview.samples[0].text, "Juan Pérez, su cuota 3 de Bs 1.500,50 vence el 30/11/2026.")
        self.assertEqual(preview.rejected, [{"row": 3, "reason": "El valor de <nombre> está vacío."}])

    def test_an_empty_file_is_explained(self):
        response = self.preview(b"", send_date="2026-11-24")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["file"])

    def test_a_file_without_message_nor_template_is_explained(self):
        response = self.preview(xlsx([["Teléfono"], ["70000288"]]), send_date="2026-11-24")
        self.assertIn("Mensaje", " ".join(response.context["form"].errors["file"]))

    def test_the_example_file_loads_as_it_is(self):
        self.login(self.bob)
        example = self.client.get(reverse("loads:excel_example"))
        self.assertEqual(example.status_code, 200)
        preview = self.preview(example.content, send_date="2026-11-24").context["preview"]
        self.assertEqual((preview.message_count, preview.rejected), (2, []))
        self.assertEqual(preview.samples[1].phone, "+59171234567")
        self.assertGreaterEqual(preview.segments, 2)

    def test_an_operator_sees_only_their_loads(self):
        Load.objects.create(type=LoadType.EXCEL, created_by=self.alice)
        key = self.preview(xlsx(self.FILE), send_date="2026-11-24").context["pending"]["key"]
        self.client.post(reverse("loads:excel_confirm"), {"key": key})
        loads = list(self.client.get(reverse("loads:history")).context["page"])
        self.assertEqual([load.created_by for load in loads], [self.bob])

    def test_an_operator_cannot_read_export_or_delete_another_operators_load(self):
        from accounts.modules import Module
        from smsmotor.test import make_user

        erika = make_user("erika", {Module.OPERATOR})
        theirs = Load.objects.create(type=LoadType.EXCEL, created_by=erika, messages_created=1)
        OutgoingMessage.objects.create(phone="+59170000288", text="Privado", load=theirs, status="QUEUED")
        self.login(self.bob)
        outgoing = self.client.get(reverse("messaging:outgoing"), {"load": theirs.pk})
        self.assertNotContains(outgoing, "Privado")
        export = self.client.get(reverse("messaging:outgoing"), {"load": theirs.pk, "export": "csv"})
        self.assertNotIn(b"Privado", b"".join(export.streaming_content) if export.streaming else export.content)
        history = self.client.get(reverse("loads:history"), {"export": "csv"})
        self.assertEqual(history.status_code, 200)
        self.assertNotIn(b"erika", history.content)
        self.client.post(reverse("loads:cancel"), {"load": theirs.pk})
        self.assertEqual(OutgoingMessage.objects.get(load=theirs).status, "QUEUED")
        self.assertEqual(self.client.get(f"/admin/loads/load/{theirs.pk}/change/").status_code, 403)


@time_machine.travel(TODAY, tick=False)
class ImportExcelCommandTestCase(BaseTestCase):
    def test_it_prints_the_load_id_and_summary(self):
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
            file.write(xlsx([["Phone", "Message"], ["70000288", "Hola"], ["bad", "Hola"]]))
            file.flush()
            out = StringIO()
            call_command("import_excel", file.name, "--send-date", "2026-11-25", stdout=out)
        load = Load.objects.get()
        self.assertIn(f"Carga {load.pk}", out.getvalue())
        self.assertIn("fila 3", out.getvalue())
        self.assertEqual(load.messages.get().status, MessageStatus.PENDING)

    def test_a_missing_file_is_a_clear_error(self):
        with self.assertRaises(CommandError):
            call_command("import_excel", "/nonexistent.xlsx", "--send-date", "2026-11-25", stdout=StringIO())


@time_machine.travel(TODAY, tick=False)
class StreamingExcelLoadTestCase(BaseTestCase):
    """load_create_from_excel stores batch by batch while the file is still being read."""

    def load(self, content: bytes, name: str = "clientes.xlsx", **options) -> Load:
        options.setdefault("send_date", datetime.date(2026, 11, 24))
        return services.load_create_from_excel(file=io.BytesIO(content), file_name=name, user=self.bob, **options)

    def test_a_file_of_many_batches_keeps_file_order_counts_and_row_numbers(self):
        rows = [["Celular", "Mensaje", "Fecha de envío"]]
        for i in range(5000):
            phone = "12" if i % 1000 == 999 else f"7{i:07d}"  # rows 1001, 2001... are bad
            rows.append([phone, f"Cuota {i}", "25/11/2026" if i % 2 else "24/11/2026"])
        load = self.load(xlsx(rows))
        self.assertEqual((load.rows_read, load.messages_created, load.rows_rejected), (5000, 4995, 5))
        self.assertEqual([item["row"] for item in load.rejections], [1001, 2001, 3001, 4001, 5001])
        texts = list(load.messages.order_by("pk").values_list("text", flat=True))
        self.assertEqual(texts[:3], ["Cuota 0", "Cuota 1", "Cuota 2"])
        self.assertEqual(texts[-1], "Cuota 4998")
        self.assertEqual(load.messages.filter(status=MessageStatus.QUEUED).count(), 2500)
        self.assertEqual(load.messages.filter(status=MessageStatus.PENDING).count(), 2495)  # the bad rows were odd
        self.assertEqual(load.send_date, datetime.date(2026, 11, 24))
        self.assertEqual(load.segments, 4995)

    def test_nothing_is_kept_when_no_row_can_be_loaded(self):
        with self.assertRaises(services.LoadError) as caught:
            self.load(xlsx([["Teléfono", "Mensaje"], ["12", "Hola"], ["70000288", ""]]))
        self.assertEqual([item["row"] for item in caught.exception.rejected], [2, 3])
        self.assertFalse(Load.objects.exists())
        self.assertFalse(OutgoingMessage.objects.exists())

    def test_a_bad_file_stores_nothing(self):
        with self.assertRaises(SpreadsheetError):
            self.load(b"\x00\x01 not a spreadsheet", "datos.xlsx")
        with self.assertRaises(services.LoadError):
            self.load(xlsx([["Teléfono", "Nombre"], ["70000288", "Ana"]]))  # no message, no template
        self.assertFalse(Load.objects.exists())

    def test_a_file_damaged_half_way_stores_nothing(self):
        rows = [["Teléfono", "Mensaje"]] + [[f"7{i:07d}", "Hola"] for i in range(6000)]
        content = xlsx(rows)
        with self.assertRaises(SpreadsheetError):
            self.load(content[: len(content) * 2 // 3])  # a truncated upload
        self.assertFalse(Load.objects.exists())
        self.assertFalse(OutgoingMessage.objects.exists())


class TemplatingTestCase(SimpleTestCase):
    def test_amounts_and_dates_are_written_the_bolivian_way(self):
        self.assertEqual(format_amount(Decimal("1500.5")), "1.500,50")
        self.assertEqual(format_amount(1234567.891), "1.234.567,89")
        self.assertEqual(format_amount(0), "0,00")
        text = render(
            "<nombre> paga <montocuota> el <fechavencimiento>",
            {"nombre": "Ana", "montocuota": Decimal("80"), "fechavencimiento": datetime.date(2026, 1, 5)},
        )
        self.assertEqual(text, "Ana paga 80,00 el 05/01/2026")

    def test_unknown_tokens_are_named(self):
        with self.assertRaises(TemplateError) as caught:
            check_tokens("Hola <nombre>, <saldo>", ["nombre", "montocuota"])
        self.assertIn("<saldo>", str(caught.exception))

    def test_the_example_workbook_is_a_real_xlsx(self):
        self.assertTrue(example_workbook().startswith(b"PK"))
