"""The Excel load's preview and confirmation on real files, the size limits, and the cleanup
of uploads never confirmed."""

import datetime
import os
import tempfile
import time
from io import StringIO
from pathlib import Path
from unittest import mock

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django_q.models import Schedule

from loads import excel, services, tasks
from loads.models import Load
from loads.tests.sheet_files import FILES, openpyxl_xlsx
from messaging.models import OutgoingMessage
from smsmotor.test import BaseTestCase

TODAY = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


def es(message: str, **params) -> str:
    """The message as the pages show it: in Spanish, the installation's language."""
    with translation.override("es"):
        return gettext(message) % params if params else gettext(message)


def split(count: int) -> str:
    with translation.override("es"):
        return ngettext(
            "The row has %(count)d values but the header has %(columns)d column: ",
            "The row has %(count)d values but the header has %(columns)d columns: ",
            3,
        ) % {"count": count, "columns": 3} + gettext(
            'a %(delimiter)s or a double quote (") inside the message probably split it, and nothing of the row '
            "is sent. Put each text between double quotes, or save the file as Excel (.xlsx)."
        ) % {"delimiter": "“,”"}


HEADER_ONLY = (
    "The file has its header (row %(row)d) but no rows with data below it: write one row per message under the header."
)
UNUSED = "the messages come from the “Mensaje” column; other columns are used only by templates"


class UploadsFolderMixin:
    """Uploads kept in a folder of the test's own."""

    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp(prefix="uploads-"))
        patcher = mock.patch.object(excel, "UPLOADS", self.folder)
        patcher.start()
        self.addCleanup(patcher.stop)


@time_machine.travel(TODAY, tick=False)
class ExcelPreviewTestCase(UploadsFolderMixin, BaseTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.bob)

    def preview(self, content: bytes, name: str, **data):
        data.setdefault("send_date", "2026-11-24")
        return self.client.post(
            reverse("loads:excel_upload"),
            {"file": SimpleUploadedFile(name, content), **data},
        )

    def confirm(self, response):
        return self.client.post(
            reverse("loads:excel_confirm"),
            {"key": response.context["pending"]["key"]},
        )

    def test_a_csv_with_unquoted_commas_rejects_the_split_rows_and_says_why(self):
        response = self.preview((FILES / "unquoted-commas.csv").read_bytes(), "cartera.csv")

        preview = response.context["preview"]
        self.assertEqual((preview.message_count, preview.rejected_count), (2, 2))
        self.assertEqual(preview.rejected, [{"row": 2, "reason": split(4)}, {"row": 5, "reason": split(5)}])
        self.assertContains(response, split(5).replace('"', "&quot;"))
        self.confirm(response)
        # Nothing cut short was stored: "Su saldo pendiente es Bs 1" is not a message.
        texts = list(OutgoingMessage.objects.values_list("text", flat=True))
        self.assertEqual(texts, ["Su saldo pendiente es Bs 820,00. Gracias.", "Su cuota vence hoy."])

    def test_a_libreoffice_file_with_two_phone_columns_loads_every_row(self):
        response = self.preview((FILES / "libreoffice.ods").read_bytes(), "cartera.ods")

        preview = response.context["preview"]
        self.assertEqual(preview.message_count, 3)
        self.assertEqual(
            [message.phone for message in preview.samples], ["+59170000288", "+59171234567", "+59172000001"]
        )
        self.assertContains(
            response,
            es("Phones are read from “%(first)s”; when it is empty, from “%(others)s”, in that order.")
            % {"first": "Celular", "others": "Celular 2"},
        )
        self.assertContains(response, es("Sheet “%(sheet)s”, header in row %(row)s.") % {"sheet": "Cartera", "row": 3})

    def test_every_column_not_used_is_listed_with_its_reason(self):
        content = openpyxl_xlsx(
            [
                ["Celular", "Mensaje", "Nombre", None, "Mensaje 2", "Column1"],
                [70000288, "Hola", "Ana", "nota suelta", "otro", "x"],
            ]
        )

        response = self.preview(content, "carga.xlsx")

        listed = [str(column) for column in response.context["preview"].ignored_columns]
        self.assertEqual(
            listed,
            [
                "C “Nombre”: " + es(UNUSED),
                "D: " + es("it has data but no name in the header row, so it is not read"),
                "E “Mensaje 2”: " + es(UNUSED),
                "F “Column1”: " + es("its name is a placeholder, not a column name, so it is not read"),
            ],
        )
        self.assertContains(response, 'data-testid="ignored-columns"')

    def test_a_header_without_rows_is_explained(self):
        response = self.preview(openpyxl_xlsx([["Celular", "Mensaje"]]), "vacia.xlsx")

        self.assertEqual(response.context["form"].errors["file"], [es(HEADER_ONLY, row=1)])
        self.assertEqual(list(excel.UPLOADS.iterdir()), [])  # the upload is not kept

    def test_messages_longer_than_the_allowed_sms_are_rejected(self):
        long = "Estimado cliente, " + "le recordamos su cuota. " * 20  # 498 characters: 4 SMS
        content = openpyxl_xlsx([["Celular", "Mensaje"], [70000288, long], [70000289, "Hola"]])

        with override_settings(LOADS_MAX_SMS_PARTS=3):
            preview = self.preview(content, "carga.xlsx").context["preview"]

        self.assertEqual(preview.message_count, 1)
        reason = es("The message takes %(parts)d SMS; the most allowed is %(max)d: shorten it.", parts=4, max=3)
        self.assertEqual([(item["row"], item["reason"]) for item in preview.rejected], [(2, reason)])
        self.assertEqual(preview.rejected[0]["reason_stored"]["params"], {"parts": 4, "max": 3})  # for other readers
        self.assertEqual(self.preview(content, "carga.xlsx").context["preview"].message_count, 2)  # 10 by default

    def test_the_limit_of_sms_parts_stays_within_what_sms_can_number(self):
        self.assertEqual(services.max_sms_parts(), 10)
        with override_settings(LOADS_MAX_SMS_PARTS=1000):
            self.assertEqual(services.max_sms_parts(), 255)
        with override_settings(LOADS_MAX_SMS_PARTS=0):
            self.assertEqual(services.max_sms_parts(), 1)

    def test_the_preview_keeps_no_plan_and_confirming_reads_the_file_again(self):
        rows = [["Celular", "Mensaje"]] + [[70000000 + i, f"Cuota {i}"] for i in range(3000)]
        response = self.preview(openpyxl_xlsx(rows), "carga.xlsx")
        self.assertEqual(response.context["preview"].message_count, 3000)
        self.assertEqual(len(response.context["preview"].samples), 10)
        self.assertEqual(set(self.client.session["excel_upload"]), {"key", "name", "send_date", "template"})
        kept = excel.upload_path(response.context["pending"]["key"])
        self.assertTrue(kept.exists())

        self.confirm(response)

        load = Load.objects.get()
        self.assertEqual((load.messages_created, load.file_name), (3000, "carga.xlsx"))
        self.assertFalse(kept.exists())

    def test_a_new_upload_replaces_the_one_not_confirmed(self):
        first = self.preview(openpyxl_xlsx([["Celular", "Mensaje"], [70000288, "Hola"]]), "a.xlsx")
        first_file = excel.upload_path(first.context["pending"]["key"])

        self.preview(openpyxl_xlsx([["Celular", "Mensaje"], [70000289, "Chau"]]), "b.xlsx")

        self.assertFalse(first_file.exists())

    def test_an_upload_over_the_limit_is_refused_without_being_read(self):
        big = b"Celular;Mensaje\r\n" + b"70000288;Hola\r\n" * (21 * 2**20 // 15)
        with mock.patch.object(services, "load_preview_from_excel") as reader:
            response = self.preview(big, "grande.csv")
        reader.assert_not_called()
        message = es("The file is larger than %(mb)d MB; split it in several files.", mb=20)
        self.assertEqual(response.context["form"].errors["file"], [message])

    def test_the_command_reads_the_same_way(self):
        out = StringIO()
        call_command("import_excel", str(FILES / "unquoted-commas.csv"), "--send-date", "2026-11-24", stdout=out)
        self.assertIn(es("  row %(row)d: %(reason)s", row=5, reason=split(5)), out.getvalue())
        call_command("import_excel", str(FILES / "libreoffice.xls"), stdout=out)
        self.assertEqual(Load.objects.latest("pk").messages_created, 3)


class UploadCleanupTestCase(UploadsFolderMixin, BaseTestCase):
    def test_uploads_never_confirmed_are_deleted_after_a_day(self):
        stale, fresh = self.folder / "a", self.folder / "b"
        stale.write_bytes(b"x")
        fresh.write_bytes(b"x")
        day_and_a_minute_ago = time.time() - 86_460
        os.utime(stale, (day_and_a_minute_ago, day_and_a_minute_ago))

        self.assertEqual(tasks.uploads_cleanup(), "1 deleted")

        self.assertEqual([path.name for path in self.folder.iterdir()], ["b"])

    def test_the_cleanup_is_scheduled_after_migrate(self):
        Schedule.objects.filter(name=services.UPLOAD_CLEANUP_SCHEDULE).delete()
        call_command("migrate", verbosity=0)
        schedule = Schedule.objects.get(name=services.UPLOAD_CLEANUP_SCHEDULE)
        self.assertEqual((schedule.func, schedule.schedule_type), ("loads.tasks.uploads_cleanup", Schedule.HOURLY))
