"""The licence: a signed key, its company signature on every message, and expiry stopping
loads and sends without losing anything."""

import datetime
import io
from io import StringIO

import time_machine
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from accounts.licensing import LicenceError, key_issue, key_verify, keypair_generate
from accounts.models import Licence
from accounts.services import licence_current, licence_register
from loads import services as loads
from messaging.models import MessageStatus, OutgoingMessage
from modem.at import pdu
from modem.tests.test_worker import WorkerTestCase, queue
from smsmotor.test import TEST_LICENCE_PRIVATE_KEY, BaseTestCase, licence_install, licence_key

TODAY = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


def xlsx(rows: list[list]) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@time_machine.travel(TODAY, tick=False)
class LicenceKeyTestCase(BaseTestCase):
    def test_a_key_carries_signed_terms(self):
        terms = key_verify(licence_key("Créditos Ñandú", datetime.date(2027, 12, 31)))
        self.assertEqual((terms.company, terms.expires_on), ("Créditos Ñandú", datetime.date(2027, 12, 31)))

    def test_a_tampered_key_is_refused(self):
        key = licence_key("Créditos Ñandú", datetime.date(2026, 12, 31))
        prefix, payload, signature = key.split(".")
        # Push the expiry a year: the payload changes, the signature no longer matches.
        import base64
        import json

        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        data["expires_on"] = "2027-12-31"
        forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
        for bad in [f"{prefix}.{forged}.{signature}", key[:-4] + "AAAA", "hola", ""]:
            with self.subTest(bad=bad[:20]), self.assertRaises(LicenceError):
                licence_register(key=bad, by=self.alice)
        other_private, _ = keypair_generate()  # someone else's vendor key
        with self.assertRaises(LicenceError):
            licence_register(
                key=key_issue(
                    private_key=other_private, company="X", installed_on=datetime.date(2026, 1, 1), expires_on=None
                ),
                by=self.alice,
            )
        self.assertEqual(Licence.load().key, "")

    def test_editing_the_database_does_not_change_what_the_key_says(self):
        licence_install(expires_on=datetime.date(2026, 11, 1))
        Licence.objects.update(expires_on=None, company_name="Otra")
        state = licence_current()
        self.assertFalse(state.ok)
        self.assertEqual(state.company, "Créditos Ñandú")
        # A key swapped in the database without its signature stops everything.
        Licence.objects.update(key=Licence.load().key.replace("SMSM1.", "SMSM1.x"))
        self.assertFalse(licence_current().ok)

    def test_the_server_tab_registers_a_key_and_explains_a_bad_one(self):
        self.login(self.alice)
        response = self.client.post(reverse("accounts:licence"), {"licence-key": "SMSM1.abc.def"}, follow=True)
        self.assertContains(response, "no es válida")
        key = licence_key("Créditos Ñandú", datetime.date(2027, 12, 31))
        wrapped = "\n".join(key[i : i + 60] for i in range(0, len(key), 60))  # as pasted from an e-mail
        response = self.client.post(reverse("accounts:licence"), {"licence-key": wrapped}, follow=True)
        self.assertContains(response, "Créditos Ñandú")
        self.assertContains(response, "31/12/2027")
        self.assertTrue(licence_current().ok)

    def test_the_command_issues_keys_this_installation_accepts(self):
        out = StringIO()
        call_command("issue_licence", "--generate-keypair", stdout=out, stderr=StringIO())
        self.assertIn("LICENCE_PUBLIC_KEY=", out.getvalue())
        import os
        import tempfile

        with tempfile.NamedTemporaryFile("w", suffix=".key", delete=False) as file:
            file.write(TEST_LICENCE_PRIVATE_KEY)
        self.addCleanup(os.unlink, file.name)
        out = StringIO()
        call_command(
            "issue_licence", "--company", "Cooperativa Sur", "--perpetual", "--private-key-file", file.name, stdout=out
        )
        terms = licence_register(key=out.getvalue().strip(), by=self.alice)
        self.assertEqual((terms.company, terms.expires_on), ("Cooperativa Sur", None))


@time_machine.travel(TODAY, tick=False)
class LicenceInLoadsTestCase(BaseTestCase):
    def load(self):
        return loads.load_create_from_excel(
            file=xlsx([["Celular", "Mensaje"], ["70000288", "Su cuota vence hoy."]]),
            file_name="c.xlsx",
            user=self.bob,
            send_date=datetime.date(2026, 11, 24),
        )

    def test_the_company_signs_every_message_and_is_counted(self):
        licence_install("Créditos Ñandú")
        message = self.load().messages.get()
        self.assertEqual(message.text, "Su cuota vence hoy. Créditos Ñandú")
        self.assertEqual(message.segments, pdu.plan(message.text).segments)
        # 60 GSM-7 characters fit one SMS; the signature's "Ñ" and "ú" make it UCS-2 and longer than 70.
        long = "x" * 60
        licence_install("Créditos Ñandú")
        plan = loads._Planner(
            columns=["phone", "message"],
            template=None,
            send_date=datetime.date(2026, 11, 24),
            today=datetime.date(2026, 11, 24),
        )
        from loads.spreadsheet import SheetRow

        result = loads.LoadPlan()
        plan.plan([SheetRow(2, {"phone": "70000289", "message": long}, {})], result)
        self.assertEqual(result.messages[0].segments, 2)

    def test_an_expired_licence_stops_loads_with_the_reason(self):
        licence_install(expires_on=datetime.date(2026, 11, 23))
        with self.assertRaises(loads.LoadError) as caught:
            self.load()
        self.assertIn("23/11/2026", str(caught.exception))
        self.assertFalse(OutgoingMessage.objects.exists())
        self.login(self.bob)
        for url in ["/", reverse("loads:history")]:
            self.assertContains(self.client.get(url, follow=True), 'data-testid="licence-banner"')
        licence_install(expires_on=datetime.date(2027, 11, 23))  # renewed
        self.assertEqual(self.load().messages_created, 1)
        self.assertNotContains(self.client.get(reverse("loads:history")), 'data-testid="licence-banner"')


class LicenceInTheWorkerTestCase(WorkerTestCase):
    def test_an_expired_licence_stops_sends_and_a_renewed_one_sends_everything(self):
        today = datetime.date.today()
        licence_install(expires_on=today - datetime.timedelta(days=1))
        self.worker.check_licence()
        messages = [queue(f"+5917000000{i}", f"Cuota {i}") for i in range(3)]
        self.assertFalse(self.worker.send_one())
        self.assertEqual(
            set(OutgoingMessage.objects.values_list("status", flat=True)), {MessageStatus.QUEUED}
        )  # nothing lost
        self.assertEqual(self.sim.sent, [])

        licence_install(expires_on=today + datetime.timedelta(days=365))
        self.worker.check_licence()
        self.assertEqual(self.send_all(), 3)
        for message in messages:
            message.refresh_from_db()
            self.assertIn(message.status, (MessageStatus.SENT, MessageStatus.DELIVERED))
        self.assertEqual(len(self.sim.sent), 3)
