"""Secrets at rest: the SIM PIN, the SMTP password and the company database's password, typed
in their forms, are stored encrypted and never come back out: not in any page (the admin
included), nor the audit trail, nor the event log, nor a dump of the database."""

import logging
import tempfile
from io import StringIO
from pathlib import Path

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse

from accounts.models import AuditEntry, ServerSettings
from accounts.tests.test_permissions import every_url
from loads.models import IntegrationSource
from modem.at.errors import ModemError
from modem.models import Modem, ModemEvent
from modem.worker import Worker
from simulators.simulator import SimulatedModem
from smsmotor.crypto import decrypt
from smsmotor.logs import DailyFileHandler
from smsmotor.test import PASSWORD, BaseTestCase

PIN = "4831"
SMTP_PASSWORD = "Smtp-Clave-7731"
ERP_PASSWORD = "Erp-Clave-5512"
SECRETS = [PIN, SMTP_PASSWORD, ERP_PASSWORD]

MODEM_FORM = {
    "name": "Entel 1",
    "port": "/dev/ttyUSB0",
    "enabled": "on",
    "baud_rate": "115200",
    "init_commands": "",
    "smsc": "",
    "command_timeout": "30",
    "spanish_encoding": "UCS2",
    "rate_per_minute": "12",
    "rate_per_day": "3000",
    "route_prefixes": "",
}


class SecretsTestCase(BaseTestCase):
    def setUp(self):
        # An event log that keeps everything, in a folder of its own.
        self.log_folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        handler = DailyFileHandler(str(self.log_folder), time_zone="America/La_Paz")
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.DEBUG)
        root.addHandler(handler)
        self.addCleanup(root.setLevel, level)
        self.addCleanup(root.removeHandler, handler)
        self.addCleanup(handler.close)

        self.root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
        self.login(self.root)
        self.post(
            reverse("accounts:smtp"),
            {
                "smtp-smtp_sender": "avisos@empresa.bo",
                "smtp-smtp_host": "mail.empresa.bo",
                "smtp-smtp_port": 587,
                "smtp-smtp_security": "starttls",
                "smtp-smtp_user": "avisos",
                "smtp-password": SMTP_PASSWORD,
            },
        )
        self.post(
            reverse("loads:integration"),
            {
                "engine": "mysql",
                "database": "cartera",
                "host": "10.0.0.5",
                "port": 3306,
                "user": "lector",
                "password": ERP_PASSWORD,
                "query": "SELECT celular FROM cuotas WHERE vence = :fecha",
            },
        )
        self.post(reverse("modem:new"), {**MODEM_FORM, "pin": PIN})
        self.modem = Modem.objects.get()

    def post(self, url: str, data: dict) -> None:
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])

    def stored(self) -> list[str]:
        """The three columns as the database holds them."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pin FROM modem_modem")
            values = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT smtp_password FROM accounts_serversettings")
            values += [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT password FROM loads_integrationsource")
            values += [row[0] for row in cursor.fetchall()]
        return values

    def assertNothingShown(self, text: str, where: str) -> None:
        for secret in [*SECRETS, *self.stored()]:
            self.assertNotIn(secret, text, f"{where} shows a secret")

    def test_they_are_encrypted_at_rest_and_plain_for_the_code(self):
        stored = self.stored()
        self.assertEqual([decrypt(value) for value in stored], [PIN, SMTP_PASSWORD, ERP_PASSWORD])
        for value in stored:
            self.assertTrue(value.startswith("gAAAAA"))
        # What the modem worker, the mail and the ERP connection read.
        self.assertEqual(Modem.objects.get().pin, PIN)
        self.assertEqual(ServerSettings.load().smtp_password, SMTP_PASSWORD)
        self.assertEqual(IntegrationSource.load().password, ERP_PASSWORD)

    def test_no_page_shows_them(self):
        checked = 0
        for name, url in every_url():
            url = url.replace("/1/", f"/{self.modem.pk}/")
            with self.subTest(url=url):
                response = self.client.get(url)
                if response.streaming:
                    continue
                self.assertNothingShown(response.content.decode(errors="replace"), name)
                checked += 1
        self.assertGreater(checked, 25)
        for page in [reverse("modem:edit", args=[self.modem.pk]), reverse("loads:integration")]:
            self.assertContains(self.client.get(page), "__clear")  # "remove the saved one", not the value

    def test_no_admin_page_shows_them(self):
        pages = [reverse("admin:index")]
        for model in admin.site._registry:
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            pages.append(reverse(f"{name}_changelist"))
            first = model._default_manager.first()
            if first is not None:
                pages.append(reverse(f"{name}_change", args=[first.pk]))
                pages.append(reverse(f"{name}_history", args=[first.pk]))
        for page in pages:
            with self.subTest(page=page):
                response = self.client.get(page)
                self.assertIn(response.status_code, (200, 302))
                self.assertNothingShown(response.content.decode(), page)

    def test_the_admin_keeps_the_pin_when_left_empty_and_removes_it_when_asked(self):
        url = reverse("admin:modem_modem_change", args=[self.modem.pk])
        self.client.post(url, {**MODEM_FORM, "pin": ""})
        self.assertEqual(Modem.objects.get().pin, PIN)
        self.client.post(url, {**MODEM_FORM, "pin": "", "pin__clear": "on"})
        self.assertEqual(Modem.objects.get().pin, "")

    def test_the_audit_trail_records_the_change_not_the_value(self):
        details = [entry.detail for entry in AuditEntry.objects.all()]
        self.assertNothingShown(repr(details), "the audit trail")
        changed = {name: value for detail in details for name, value in detail.items()}
        self.assertEqual((changed["pin"], changed["password"]), ("***", "***"))
        self.assertNothingShown(self.client.get(reverse("accounts:audit")).content.decode(), "the audit page")

    def test_the_event_log_never_has_them(self):
        self.client.post(reverse("modem:edit", args=[self.modem.pk]), {**MODEM_FORM, "pin": "9999"})
        text = "".join(path.read_text() for path in self.log_folder.glob("*.log"))
        self.assertIn("Audit:", text)  # the log did record these changes
        self.assertNotIn("9999", text)
        self.assertNothingShown(text, "the event log")

    def test_a_dump_of_the_database_holds_only_ciphertext(self):
        out = StringIO()
        call_command("dumpdata", "modem.modem", "accounts.serversettings", "loads.integrationsource", stdout=out)
        for secret in SECRETS:
            self.assertNotIn(secret, out.getvalue())


class RefusedPinTestCase(TransactionTestCase):
    """The worker against a simulated SIM that refuses the PIN it is given."""

    def test_the_pin_is_not_in_the_modem_tab_the_processing_tab_nor_the_log(self):
        folder = Path(tempfile.mkdtemp(prefix="sim-"))
        sim = SimulatedModem(latency=0, report_delay=0, ussd_delay=0, pin="1234")
        sim.start(link=str(folder / "modem"))
        self.addCleanup(sim.stop)
        modem = Modem.objects.create(name="sim", port=str(folder / "modem"), pin="9876", command_timeout=5)
        worker = Worker(modem=modem)
        with self.assertLogs(level=logging.INFO) as logs:
            try:
                worker.connect()
            except ModemError as error:  # as the worker's loop does
                worker.report_modem_error(error)
            worker.flush_activity(force=True)
        modem.refresh_from_db()
        self.assertIn("PIN", modem.last_error)  # the reason is there...
        for where in [modem.last_error, *ModemEvent.objects.values_list("text", flat=True), *logs.output]:
            self.assertNotIn("9876", where)  # ...never the PIN
