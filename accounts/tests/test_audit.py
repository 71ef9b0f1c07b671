"""The audit trail: who changed settings, loaded, deleted a load or sent a test, and when."""

import datetime
import io

import time_machine
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import AuditAction, AuditEntry
from loads import services as loads
from loads.models import Load
from smsmotor.test import BaseTestCase


def xlsx() -> io.BytesIO:
    book = Workbook()
    book.active.append(["Celular", "Mensaje"])
    book.active.append(["70000288", "Hola"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@time_machine.travel(datetime.datetime(2026, 11, 24, 14, 0, tzinfo=datetime.UTC), tick=False)
class AuditTrailTestCase(BaseTestCase):
    def entries(self, action: str) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(action=action).order_by("id"))

    def test_settings_changes_record_who_what_old_and_new(self):
        self.login(self.alice)
        self.client.post(
            reverse("messaging:settings"),
            {
                "send_on_startup": "on",
                "window_start": "07:00",
                "window_end": "20:00",
                "refresh_minutes": 2,
                "notify_email": "",
            },
        )
        (entry,) = self.entries(AuditAction.SETTINGS)
        self.assertEqual(entry.user, self.alice)
        self.assertEqual(entry.detail["window_start"], {"from": "08:00:00", "to": "07:00:00"})
        self.assertNotIn("refresh_minutes", entry.detail)  # unchanged fields are not listed

    def test_the_smtp_password_is_never_written_to_the_trail(self):
        self.login(self.alice)
        self.client.post(
            reverse("accounts:smtp"),
            {
                "smtp-smtp_host": "mail.empresa.bo",
                "smtp-smtp_port": 587,
                "smtp-smtp_security": "starttls",
                "smtp-password": "Secreto-123",
            },
        )
        (entry,) = self.entries(AuditAction.SETTINGS)
        self.assertEqual(entry.detail["password"], "***")
        self.assertNotIn("Secreto-123", str(entry.detail))

    def test_loads_deletions_and_test_sms_are_recorded(self):
        load = loads.load_create_from_excel(
            file=xlsx(), file_name="c.xlsx", user=self.bob, send_date=datetime.date(2026, 11, 24)
        )
        self.login(self.alice)
        self.client.post(reverse("loads:cancel"), {"load": load.pk})
        self.client.post(reverse("modem:test_sms"), {"phone": "70000288"})
        (made,) = self.entries(AuditAction.LOAD)
        self.assertEqual((made.user, made.detail["messages"], made.detail["file"]), (self.bob, 1, "c.xlsx"))
        (deleted,) = self.entries(AuditAction.LOAD_DELETE)
        self.assertEqual((deleted.user, deleted.detail["cancelled"]), (self.alice, 1))
        (test,) = self.entries(AuditAction.TEST_SMS)
        self.assertEqual((test.user, test.target), (self.alice, "+59170000288"))
        self.assertEqual(Load.objects.get().cancelled_by, self.alice)

    def test_the_trail_page_lists_and_filters_and_is_for_administrators_only(self):
        self.login(self.alice)
        self.client.post(reverse("credit:counter_reset"))
        page = self.client.get(reverse("accounts:audit"), {"action": AuditAction.SETTINGS})
        self.assertContains(page, "alice")
        self.assertContains(page, "Contador de mensajes")
        self.assertEqual(len(page.context["page"]), 1)
        self.assertEqual(
            len(self.client.get(reverse("accounts:audit"), {"action": AuditAction.LOAD}).context["page"]), 0
        )
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("accounts:audit")).status_code, 403)
        self.assertEqual(self.client.get("/admin/accounts/auditentry/").status_code, 403)
