import datetime
import json
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from messaging.notifications import OUTBOX_SCHEDULE
from modem.models import Modem
from smsmotor.test import BaseTestCase


class HealthTestCase(BaseTestCase):
    def setUp(self):
        # The cluster is alive: it keeps moving the every-minute schedule forward.
        Schedule.objects.filter(name=OUTBOX_SCHEDULE).update(next_run=timezone.now() + datetime.timedelta(seconds=30))
        self.modem = Modem.objects.create(name="Entel 1", port="/dev/ttyUSB0", heartbeat_at=timezone.now())

    def check(self, *args) -> tuple[int, str]:
        out = StringIO()
        try:
            call_command("healthcheck", *args, stdout=out)
            code = 0
        except SystemExit as exit:
            code = exit.code
        return code, out.getvalue()

    def test_all_alive(self):
        code, out = self.check()
        self.assertEqual(code, 0, out)
        self.assertIn("OK   modem Entel 1", out)
        response = self.client.get(reverse("health"))  # no login needed
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"ok": True})  # and nothing an outsider could use
        self.login(self.bob)
        details = {"ok": True, "database": True, "cluster": True, "modems": {"Entel 1": True}}
        self.assertEqual(self.client.get(reverse("health")).json(), details)

    def test_the_details_need_a_login_with_a_module(self):
        for user in [None, self.charlie]:
            with self.subTest(user=user):
                self.client.logout()
                if user:
                    self.login(user)
                body = self.client.get(reverse("health")).content.decode()
                self.assertEqual(body, '{"ok": true}')
                self.assertNotIn("Entel", body)
                self.assertNotIn("ttyUSB", body)

    def test_the_status_bar_needs_a_module(self):
        self.assertRedirects(self.client.get(reverse("status")), reverse("login") + "?next=/status/")
        self.login(self.charlie)  # logged in, no module
        self.assertEqual(self.client.get(reverse("status")).status_code, 403)
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("status")).status_code, 200)

    def test_a_silent_modem_and_a_stopped_cluster_are_down(self):
        Modem.objects.update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=5))
        Schedule.objects.filter(name=OUTBOX_SCHEDULE).update(next_run=timezone.now() - datetime.timedelta(minutes=10))
        code, out = self.check("--json")
        self.assertEqual(code, 1)
        report = json.loads(out)
        self.assertFalse(report["cluster"]["ok"])
        self.assertEqual([modem["ok"] for modem in report["modems"]], [False])
        self.assertEqual(self.client.get(reverse("health")).status_code, 503)

    def test_a_disabled_modem_is_not_checked(self):
        Modem.objects.update(enabled=False, heartbeat_at=None)
        self.assertEqual(self.check()[0], 0)
