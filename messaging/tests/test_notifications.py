"""Replies and calls e-mailed through the outbox, against a real SMTP server on loopback."""

import datetime

from django.urls import reverse
from django.utils import timezone

from loads.models import Load, LoadType
from messaging import notifications, services
from messaging.models import (
    IncomingMessage,
    MessageStatus,
    MessagingSettings,
    Notification,
    NotificationStatus,
    OutgoingMessage,
)
from modem.at.pdu import Concat
from smsmotor.test import BaseTestCase, SmtpServer

PHONE = "+59170000288"


class NotificationTestCase(BaseTestCase):
    def setUp(self):
        self.smtp = SmtpServer().as_default_mail_server(self)
        MessagingSettings.objects.update_or_create(pk=1, defaults={"notify_email": "respuestas@empresa.bo"})

    def receive(self, text: str = "Ya pagué, gracias", **options):
        with self.captureOnCommitCallbacks(execute=True):
            options.setdefault("received_at", timezone.now())
            return services.incoming_store(modem=None, phone=PHONE, text=text, **options)

    def test_a_message_the_device_gives_again_is_stored_and_e_mailed_once(self):
        arrived = timezone.now().replace(microsecond=0)
        first = self.receive(received_at=arrived)
        again = self.receive(received_at=arrived)  # its deletion on the device had failed
        self.assertIsNotNone(first)
        self.assertIsNone(again)
        self.assertEqual(IncomingMessage.objects.count(), 1)
        self.assertEqual(len(self.smtp.messages()), 1)
        self.receive(received_at=arrived + datetime.timedelta(minutes=1))  # the same words later: a new message
        self.assertEqual(IncomingMessage.objects.count(), 2)

    def sent_before(self) -> OutgoingMessage:
        load = Load.objects.create(type=LoadType.EXCEL, created_by=self.bob)
        OutgoingMessage.objects.create(
            phone=PHONE,
            text="Su cuota 3 vence el 30/11/2026",
            status=MessageStatus.SENT,
            sent_at=timezone.now() - datetime.timedelta(hours=2),
            load=load,
        )
        return load

    def test_an_incoming_sms_is_e_mailed_and_marked(self):
        message = self.receive()
        (mail,) = self.smtp.messages()
        self.assertEqual(mail["To"], "respuestas@empresa.bo")
        self.assertIn(PHONE, mail["Subject"])
        body = mail.get_content()
        self.assertIn("Ya pagué, gracias", body)
        self.assertIn(PHONE, body)
        self.assertNotIn("Su cuota", body)
        message.refresh_from_db()
        self.assertIsNotNone(message.notified_at)

    def test_with_include_last_sent_the_last_message_to_that_number_comes_along(self):
        load = self.sent_before()
        MessagingSettings.objects.filter(pk=1).update(include_last_sent=True)
        self.receive()
        body = self.smtp.messages()[0].get_content()
        self.assertIn("Su cuota 3 vence el 30/11/2026", body)
        self.assertIn(str(load.pk), body)

    def test_a_multipart_reply_arrives_as_one_e_mail(self):
        self.assertIsNone(self.receive("Primera parte, ", concat=Concat(reference=7, total=2, sequence=1)))
        self.assertEqual(self.smtp.received, [])
        message = self.receive("segunda parte.", concat=Concat(reference=7, total=2, sequence=2))
        (mail,) = self.smtp.messages()
        self.assertIn("Primera parte, segunda parte.", mail.get_content())
        self.assertEqual(message.text, "Primera parte, segunda parte.")

    def test_a_call_is_e_mailed(self):
        self.sent_before()
        MessagingSettings.objects.filter(pk=1).update(include_last_sent=True)
        with self.captureOnCommitCallbacks(execute=True):
            call = services.call_store(modem=None, phone=PHONE, now=timezone.now())
        (mail,) = self.smtp.messages()
        self.assertIn(PHONE, mail["Subject"])
        self.assertIn("Su cuota 3", mail.get_content())
        call.refresh_from_db()
        self.assertIsNotNone(call.notified_at)

    def test_without_an_address_nothing_is_queued(self):
        MessagingSettings.objects.filter(pk=1).update(notify_email="")
        self.receive()
        self.assertFalse(Notification.objects.exists())
        self.assertEqual(self.smtp.received, [])

    def test_a_server_that_is_down_gets_the_mail_when_it_comes_back(self):
        self.smtp.stop()
        message = self.receive()
        notification = Notification.objects.get()
        self.assertEqual(notification.status, NotificationStatus.PENDING)
        self.assertEqual(notification.attempts, 1)
        self.assertIn(str(self.smtp.port), notification.last_error)
        message.refresh_from_db()
        self.assertIsNone(message.notified_at)
        # Not due yet: the retry job leaves it alone.
        self.assertEqual(notifications.notifications_retry(), 0)
        later = timezone.now() + datetime.timedelta(minutes=2)
        self.assertEqual(notifications.notifications_retry(now=later), 0)  # still down
        self.assertEqual(Notification.objects.get().attempts, 2)

        self.smtp.start()
        self.assertEqual(notifications.notifications_retry(now=later + datetime.timedelta(minutes=5)), 1)
        (mail,) = self.smtp.messages()
        self.assertIn("Ya pagué, gracias", mail.get_content())
        notification.refresh_from_db()
        self.assertEqual((notification.status, notification.attempts, notification.last_error), ("SENT", 3, ""))
        self.assertIsNotNone(IncomingMessage.objects.get().notified_at)
        # Sent once: another pass finds nothing to do.
        self.assertEqual(notifications.notifications_retry(now=later + datetime.timedelta(hours=1)), 0)
        self.assertEqual(len(self.smtp.received), 1)

    def test_the_outbox_schedule_exists_after_migrate(self):
        from django_q.models import Schedule

        schedule = Schedule.objects.get(name=notifications.OUTBOX_SCHEDULE)
        self.assertEqual((schedule.func, schedule.minutes), ("messaging.notifications.notifications_retry", 1))

    def test_the_incoming_tab_shows_whether_each_e_mail_went_out(self):
        self.receive("Llegó")
        self.smtp.stop()
        self.receive("No llegó todavía")
        self.login(self.alice)
        page = self.client.get(reverse("messaging:incoming")).content.decode()
        self.assertEqual(page.count('data-testid="email-sent"'), 1)
        self.assertIn("Pendiente (1)", page)
        self.assertIn(str(self.smtp.port), page)  # the reason, readable
