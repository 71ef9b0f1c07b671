"""The status bar says why queued messages wait, and when sending resumes."""

import datetime

from django.utils import timezone, translation

from messaging.models import MessageStatus, MessagingSettings, OutgoingMessage
from modem.models import Modem, ModemState
from shell.status import status_bar
from smsmotor.test import BaseTestCase


class WaitingReasonsTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        message = OutgoingMessage.objects.create(phone="+59170000288", text="Hola")
        OutgoingMessage.objects.filter(pk=message.pk).update(status=MessageStatus.QUEUED)

    def why(self) -> list[str]:
        with translation.override("en"):
            return status_bar().why

    def test_no_modem_connected(self):
        self.assertIn("No modem is connected: start its worker, or check the Modem tab.", self.why())

    def test_stopped_and_outside_the_window_say_when(self):
        now = timezone.localtime()
        start = (now + datetime.timedelta(hours=2)).time().replace(minute=0, second=0, microsecond=0)
        end = (now + datetime.timedelta(hours=3)).time()
        MessagingSettings.objects.update_or_create(
            pk=1, defaults={"sending_enabled": False, "window_start": start, "window_end": end}
        )
        why = self.why()
        self.assertIn("Sending is stopped: press Start in the Messages tab.", why)
        self.assertIn(f"Outside the send window: sending resumes at {start:%H:%M}.", why)

    def test_a_modem_at_its_daily_limit_sends_again_tomorrow(self):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        Modem.objects.create(
            name="Entel 1",
            port="/dev/ttyUSB0",
            rate_per_day=300,
            state=ModemState.READY,
            heartbeat_at=timezone.now(),
            waiting_reason="DAY",
            waiting_until=timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time())),
        )
        self.assertIn("Entel 1 sent its 300 SMS of the day: it sends again tomorrow.", self.why())

    def test_nothing_waiting_says_nothing(self):
        OutgoingMessage.objects.all().delete()
        self.assertEqual(self.why(), [])
