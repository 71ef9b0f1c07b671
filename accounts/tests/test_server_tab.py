"""The Server tab: e-mail account (against a real SMTP server on loopback) and event log files."""

import logging
import tempfile
from pathlib import Path

from django.db import connection
from django.test import override_settings
from django.urls import reverse

from accounts.models import ServerSettings, SmtpSecurity
from smsmotor.crypto import decrypt
from smsmotor.logs import DISABLED_MARKER, DailyFileHandler
from smsmotor.test import BaseTestCase, SmtpServer


class SmtpAccountTestCase(BaseTestCase):
    def setUp(self):
        self.login(self.alice)

    def configure(self, **fields) -> None:
        data = {
            "smtp-smtp_sender": "avisos@empresa.bo",
            "smtp-smtp_host": "127.0.0.1",
            "smtp-smtp_port": 25,
            "smtp-smtp_security": SmtpSecurity.NONE,
            "smtp-smtp_user": "",
            "smtp-password": "",
        }
        data.update({f"smtp-{name}": value for name, value in fields.items()})
        response = self.client.post(reverse("accounts:smtp"), data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])

    def send_test(self, to: str = "jefe@empresa.bo") -> str:
        response = self.client.post(reverse("accounts:test_email"), {"test-to": to}, follow=True)
        return " ".join(str(message) for message in response.context["messages"])

    def server(self, **options) -> SmtpServer:
        server = SmtpServer(**options).start()
        self.addCleanup(server.stop)
        return server

    def stored(self) -> str:
        """The column as the database holds it."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT smtp_password FROM accounts_serversettings")
            return cursor.fetchone()[0]

    def test_the_password_is_encrypted_at_rest_and_never_sent_back(self):
        self.configure(smtp_user="avisos", password="s3cret-Clave")
        self.assertNotIn("s3cret-Clave", self.stored())
        self.assertEqual(decrypt(self.stored()), "s3cret-Clave")
        self.assertEqual(ServerSettings.load().smtp_password, "s3cret-Clave")  # plain in Python
        page = self.client.get(reverse("accounts:server")).content.decode()
        self.assertNotIn("s3cret-Clave", page)
        self.assertNotIn(self.stored(), page)
        # Saving again without typing it keeps it; the checkbox removes it.
        self.configure(smtp_user="avisos")
        self.assertEqual(ServerSettings.load().smtp_password, "s3cret-Clave")
        self.configure(smtp_user="avisos", clear_password="on")
        self.assertEqual(self.stored(), "")

    def test_a_test_email_arrives_through_the_configured_account(self):
        server = self.server(user="avisos", password="s3cret")
        self.configure(smtp_port=server.port, smtp_user="avisos", password="s3cret")
        feedback = self.send_test()
        self.assertIn("jefe@empresa.bo", feedback)
        (mail,) = server.messages()
        self.assertEqual(mail["From"], "avisos@empresa.bo")
        self.assertEqual(mail["To"], "jefe@empresa.bo")
        self.assertIn("alice", mail.get_content())

    def test_a_wrong_password_is_explained(self):
        server = self.server(user="avisos", password="s3cret")
        self.configure(smtp_port=server.port, smtp_user="avisos", password="wrong")
        feedback = self.send_test()
        self.assertIn("contraseña", feedback)
        self.assertIn("535", feedback)  # the server's own words
        self.assertEqual(server.received, [])

    def test_a_refused_sender_is_explained(self):
        server = self.server(refuse_sender="avisos@empresa.bo")
        self.configure(smtp_port=server.port)
        feedback = self.send_test()
        self.assertIn("avisos@empresa.bo", feedback)
        self.assertIn("553", feedback)
        self.assertEqual(server.received, [])

    def test_a_closed_port_and_an_unknown_host_are_explained(self):
        closed = SmtpServer().port  # nothing listens there
        self.configure(smtp_port=closed)
        self.assertIn(f"127.0.0.1, puerto {closed}", self.send_test())
        self.configure(smtp_host="smtp.no-such-host.invalid")
        self.assertIn("smtp.no-such-host.invalid", self.send_test())

    def test_an_operator_cannot_see_or_change_the_account(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("accounts:server")).status_code, 403)
        response = self.client.post(reverse("accounts:smtp"), {"smtp-smtp_host": "evil"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(ServerSettings.load().smtp_host, "")


class EventLogTabTestCase(BaseTestCase):
    def setUp(self):
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.enterContext(override_settings(LOG_DIR=self.folder))
        (self.folder / "smsmotor-2026-11-23.log").write_text("2026-11-23 09:00 INFO Aplicación iniciada\n")
        (self.folder / "smsmotor-2026-11-24.log").write_text("2026-11-24 08:00 INFO Carga 5\n" * 10)
        (self.folder / "notes.txt").write_text("not a log")
        self.login(self.alice)

    def test_it_lists_the_daily_files_with_their_sizes(self):
        response = self.client.get(reverse("accounts:server"))
        names = [item["name"] for item in response.context["log_files"]]
        self.assertEqual(names, ["smsmotor-2026-11-24.log", "smsmotor-2026-11-23.log"])
        self.assertEqual(response.context["log_files"][0]["size"], 300)

    def test_it_shows_and_downloads_one(self):
        response = self.client.get(reverse("accounts:event_log_show", args=["smsmotor-2026-11-23.log"]))
        self.assertContains(response, "Aplicación iniciada")
        response = self.client.get(reverse("accounts:event_log_download", args=["smsmotor-2026-11-23.log"]))
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn("Aplicación iniciada", b"".join(response.streaming_content).decode())
        for name in ["notes.txt", "..%2Fsettings.py", "smsmotor-2026-11-25.log"]:
            self.assertEqual(self.client.get(f"/server/logs/{name}/").status_code, 404)

    def test_clear_asks_then_deletes_them_all(self):
        response = self.client.get(reverse("accounts:event_log_clear"))
        self.assertContains(response, "2")
        self.assertEqual(len(list(self.folder.glob("smsmotor-*.log"))), 2)  # asking deletes nothing
        self.client.post(reverse("accounts:event_log_clear"))
        self.assertEqual([path.name for path in self.folder.glob("smsmotor-*.log") if path.stat().st_size == 0], [])
        self.assertTrue((self.folder / "notes.txt").exists())

    def test_the_keep_history_switch_stops_and_restarts_the_files(self):
        handler = DailyFileHandler(str(self.folder), time_zone="America/La_Paz")
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger = logging.getLogger("test.switch")
        logger.propagate, logger.level = False, logging.INFO
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        self.addCleanup(handler.close)
        for path in self.folder.glob("smsmotor-*.log"):
            path.unlink()

        self.client.post(reverse("accounts:event_log"))  # unticked: off
        self.assertTrue((self.folder / DISABLED_MARKER).exists())
        self.assertFalse(ServerSettings.load().keep_history)
        handler._checked_at = float("-inf")  # another process: sees it within CHECK_SECONDS
        logger.info("not kept")
        self.assertEqual(list(self.folder.glob("smsmotor-*.log")), [])

        self.client.post(reverse("accounts:event_log"), {"keep_history": "on"})
        handler._checked_at = float("-inf")
        logger.info("kept")
        (path,) = self.folder.glob("smsmotor-*.log")
        self.assertIn("kept", path.read_text())
        self.assertNotIn("not kept", path.read_text())

    def test_an_operator_gets_403(self):
        self.login(self.bob)
        for url in [
            reverse("accounts:event_log_show", args=["smsmotor-2026-11-23.log"]),
            reverse("accounts:event_log_download", args=["smsmotor-2026-11-23.log"]),
            reverse("accounts:event_log_clear"),
        ]:
            self.assertEqual(self.client.get(url).status_code, 403, url)
        self.client.post(reverse("accounts:event_log_clear"))
        self.assertEqual(len(list(self.folder.glob("smsmotor-*.log"))), 2)
