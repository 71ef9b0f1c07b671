"""The daily automatic load: a django-q schedule kept by the Data loading tab, fired by the scheduler."""

import datetime
import tempfile
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler

from loads.management.commands.create_demo_erp import QUERY, TEMPLATE, create_demo_database
from loads.models import IntegrationSource, Load, LoadType, Template
from loads.services import AUTOMATIC_LOAD_SCHEDULE
from smsmotor.test import BaseTestCase, SmtpServer


class DemoErpMixin:
    def setUp(self):
        path = Path(tempfile.mkdtemp()) / "erp.sqlite3"
        create_demo_database(path, today=timezone.localdate())
        IntegrationSource.objects.update_or_create(
            pk=1, defaults={"engine": "sqlite", "database": str(path), "query": QUERY}
        )
        self.template = Template.objects.create(name="Cuota", text=TEMPLATE)
        self.login(self.alice)


class AutomaticLoadTestCase(DemoErpMixin, BaseTestCase):
    def save(self, enabled: bool, at: str = "07:30"):
        data = {"automatic_time": at, "template": self.template.pk}
        if enabled:
            data["automatic_enabled"] = "on"
        return self.client.post(reverse("loads:automatic"), data)

    def test_saving_the_settings_creates_moves_and_removes_the_schedule(self):
        self.save(True, "07:30")
        schedule = Schedule.objects.get(name=AUTOMATIC_LOAD_SCHEDULE)
        self.assertEqual((schedule.func, schedule.schedule_type), ("loads.tasks.automatic_load", Schedule.DAILY))
        self.assertEqual(timezone.localtime(schedule.next_run).time(), datetime.time(7, 30))
        self.assertGreater(schedule.next_run, timezone.now())
        self.save(True, "09:15")
        self.assertEqual(
            timezone.localtime(Schedule.objects.filter(name=AUTOMATIC_LOAD_SCHEDULE).get().next_run).time(),
            datetime.time(9, 15),
        )
        self.save(False)
        self.assertFalse(Schedule.objects.filter(name=AUTOMATIC_LOAD_SCHEDULE).exists())

    def test_enabling_without_a_template_is_explained(self):
        response = self.client.post(reverse("loads:automatic"), {"automatic_enabled": "on", "automatic_time": "07:00"})
        self.assertContains(response, "Elija la plantilla de la carga automática.")
        self.assertFalse(Schedule.objects.filter(name=AUTOMATIC_LOAD_SCHEDULE).exists())

    def test_the_scheduler_fires_the_automatic_load_once_a_day(self):
        self.save(True)
        Schedule.objects.filter(name=AUTOMATIC_LOAD_SCHEDULE).update(
            next_run=timezone.now() - datetime.timedelta(minutes=1)
        )
        scheduler()
        load = Load.objects.get()
        self.assertEqual(
            (load.type, load.reference_date, load.created_by), (LoadType.AUTOMATIC, timezone.localdate(), None)
        )
        self.assertGreater(load.messages_created, 0)
        self.assertGreater(Schedule.objects.filter(name=AUTOMATIC_LOAD_SCHEDULE).get().next_run, timezone.now())
        # Fired again the same day (a restart): the reminders are not queued twice.
        Schedule.objects.filter(name=AUTOMATIC_LOAD_SCHEDULE).update(
            next_run=timezone.now() - datetime.timedelta(minutes=1)
        )
        scheduler()
        self.assertEqual(Load.objects.count(), 1)


class LoadSummaryEmailTestCase(DemoErpMixin, BaseTestCase):
    """The summary goes through a real SMTP server on loopback."""

    def test_a_manual_load_e_mails_its_summary(self):
        from loads.models import LoadSettings

        smtp = SmtpServer().as_default_mail_server(self)
        LoadSettings.objects.update_or_create(pk=1, defaults={"notify_email": "cobranzas@example.bo"})
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("loads:erp_load"),
                {
                    "reference_date": timezone.localdate().isoformat(),
                    "send_date": timezone.localdate().isoformat(),
                    "template": self.template.pk,
                },
            )
        load = Load.objects.get()
        self.assertEqual(len(smtp.received), 1)
        body = smtp.received[0].content.decode()
        self.assertEqual(smtp.received[0].rcpt_tos, ["cobranzas@example.bo"])
        self.assertIn(f"carga {load.pk}", body.lower())
        self.assertIn(f"Filas leídas: {load.rows_read}", body)
