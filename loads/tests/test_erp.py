"""Loads from the company's database: the demo ERP on SQLite, and a second MariaDB database."""

import datetime
import os
import subprocess
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from loads import erp
from loads.management.commands.create_demo_erp import QUERY, TEMPLATE, create_demo_database
from loads.models import IntegrationSource, Load, LoadType, Template
from loads.services import RepeatedLoad, load_cancel, load_create_from_erp
from messaging.models import MessageStatus, OutgoingMessage
from smsmotor.test import BaseTestCase


class DemoErpTestCase(BaseTestCase):
    def setUp(self):
        self.today = timezone.localdate()
        path = Path(tempfile.mkdtemp()) / "erp.sqlite3"
        create_demo_database(path, today=self.today)
        IntegrationSource.objects.update_or_create(
            pk=1, defaults={"engine": "sqlite", "database": str(path), "query": QUERY}
        )
        self.template = Template.objects.create(name="Cuota", text=TEMPLATE)
        self.login(self.alice)

    def post(self, action: str, **extra):
        data = {
            "reference_date": self.today.isoformat(),
            "send_date": self.today.isoformat(),
            "template": self.template.pk,
            **extra,
        }
        return self.client.post(reverse("loads:erp_test" if action == "test" else "loads:erp_load"), data, follow=True)

    def test_test_load_shows_the_messages_and_stores_nothing(self):
        response = self.post("test")
        plan = response.context["plan"]
        self.assertGreater(len(plan.messages), 0)
        due = (self.today + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
        self.assertTrue(all(message.text.endswith(f"vence el {due}.") for message in plan.messages))
        self.assertTrue(any("incompleto" not in m.text for m in plan.messages))
        self.assertContains(response, "Vista previa de carga")
        self.assertFalse(Load.objects.exists())
        self.assertFalse(OutgoingMessage.objects.exists())

    def test_a_bad_phone_in_the_erp_is_rejected_with_its_row(self):
        # The demo's incomplete number falls due every other day: look at both.
        rejected = self.post("test").context["plan"].rejected
        self.client.post(
            reverse("loads:erp_test"),
            {
                "reference_date": (self.today + datetime.timedelta(days=1)).isoformat(),
                "send_date": self.today.isoformat(),
                "template": self.template.pk,
            },
        )
        rejected += self.client.get(reverse("loads:preview")).context["plan"].rejected
        self.assertEqual(len(rejected), 1)
        self.assertIn("6789", rejected[0]["reason"])
        self.assertGreater(rejected[0]["row"], 0)

    def test_manual_load_stores_a_manual_load_with_its_reference_date(self):
        response = self.post("load")
        load = Load.objects.get()
        self.assertEqual((load.type, load.reference_date, load.created_by), (LoadType.MANUAL, self.today, self.alice))
        self.assertEqual(load.messages.count(), load.messages_created)
        self.assertEqual(set(load.messages.values_list("status", flat=True)), {MessageStatus.QUEUED})
        self.assertRedirects(response, reverse("loads:history"))

    def test_the_same_reference_date_twice_needs_a_confirmation(self):
        self.post("load")
        response = self.post("load")
        self.assertContains(response, "ya se cargó")
        self.assertEqual(Load.objects.count(), 1)
        self.post("load", confirm_repeat="on")
        self.assertEqual(Load.objects.count(), 2)

    def test_a_cancelled_load_does_not_count_as_loaded(self):
        first = load_create_from_erp(
            type=LoadType.MANUAL,
            reference_date=self.today,
            send_date=self.today,
            template=self.template,
            user=self.alice,
        )
        load_cancel(load=first, by=self.alice)
        load_create_from_erp(
            type=LoadType.MANUAL,
            reference_date=self.today,
            send_date=self.today,
            template=self.template,
            user=self.alice,
        )
        with self.assertRaises(RepeatedLoad):
            load_create_from_erp(
                type=LoadType.MANUAL,
                reference_date=self.today,
                send_date=self.today,
                template=self.template,
                user=self.alice,
            )

    def test_the_integration_page_tests_the_connection_and_never_shows_the_password(self):
        IntegrationSource.objects.filter(pk=1).update(password="s3cr3t-erp")
        response = self.client.get(reverse("loads:integration"))
        self.assertNotContains(response, "s3cr3t-erp")
        source = IntegrationSource.load()
        data = {"engine": "sqlite", "database": source.database, "query": source.query}
        response = self.client.post(reverse("loads:integration_test"), data, follow=True)
        self.assertContains(response, "Conectado")
        self.assertEqual(IntegrationSource.load().password, "s3cr3t-erp")  # kept when left empty

    def test_a_broken_integration_is_explained(self):
        IntegrationSource.objects.filter(pk=1).update(query="SELECT nada FROM ningun_lado")
        response = self.post("test")
        self.assertIn("ningun_lado", response.context["error"])
        IntegrationSource.objects.filter(pk=1).update(query="DELETE FROM cuotas")
        response = self.post("load")
        self.assertContains(response, "SELECT")


class MariaDbErpTestCase(BaseTestCase):
    """A real second database on the MariaDB server of the machine."""

    def setUp(self):
        # One database per test process: other runs share the machine's MariaDB server.
        name = f"smsmotor_erp_test_{os.getpid()}"
        sql = (
            f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name} CHARACTER SET utf8mb4;"
            f"USE {name}; CREATE TABLE cartera (celular VARCHAR(20), cliente VARCHAR(80),"
            " cuota INT, monto DECIMAL(10,2), moneda VARCHAR(5), vence DATE);"
            "INSERT INTO cartera VALUES ('70000288', 'Juan Pérez', 3, 1500.50, 'Bs', '2026-11-30'),"
            " ('591 71234567', 'Ana Núñez', 4, 80, 'Bs', '2026-11-30'),"
            " ('71111111', 'Otro', 1, 10, 'Bs', '2026-12-01');"
        )
        result = subprocess.run(
            ["mysql", "--protocol=tcp", "-h127.0.0.1", "-uroot", "-e", sql], capture_output=True, text=True
        )
        if result.returncode:
            self.skipTest(f"no MariaDB on 127.0.0.1: {result.stderr.strip()}")
        self.addCleanup(
            subprocess.run,
            ["mysql", "--protocol=tcp", "-h127.0.0.1", "-uroot", "-e", f"DROP DATABASE IF EXISTS {name}"],
        )
        self.source = IntegrationSource(
            engine="mysql",
            database=name,
            host="127.0.0.1",
            user="root",
            query="SELECT celular, cliente AS nombre, cuota AS numerocuota, monto AS montocuota, moneda,"
            " vence AS fechavencimiento FROM cartera WHERE vence = :fecha",
        )

    def test_it_reads_the_reminders_of_a_reference_date(self):
        columns, rows = erp.fetch(self.source, datetime.date(2026, 11, 30))
        sheet = erp.as_sheet(columns, rows)
        self.assertEqual(len(sheet.rows), 2)
        self.assertEqual(sheet.rows[0].values["phone"], "70000288")
        self.assertEqual(sheet.rows[0].values["fechavencimiento"], datetime.date(2026, 11, 30))

    def test_a_wrong_password_is_explained(self):
        self.source.user, self.source.password = "nadie", "mal"
        with self.assertRaises(erp.ErpError) as caught:
            erp.test_connection(self.source)
        self.assertIn("nadie", str(caught.exception))


class DemoCommandTestCase(BaseTestCase):
    def test_it_makes_the_demo_inside_the_folder_of_company_databases_and_wires_it(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory())) / "erp"
        IntegrationSource.objects.update_or_create(pk=1, defaults={"engine": "sqlite", "database": "/old/demo.sqlite3"})
        with override_settings(ERP_SQLITE_DIR=str(folder)):
            call_command("create_demo_erp", stdout=StringIO())
            source = IntegrationSource.load()
            self.assertEqual(source.database, "demo_erp.sqlite3")
            self.assertTrue(erp.fetch(source, timezone.localdate())[1])
        self.assertEqual((folder / ".gitignore").read_text(), "*\n")
