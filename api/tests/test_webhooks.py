"""Webhook events end to end: a real HTTP receiver on a loopback port, down for a while."""

import datetime
import hashlib
import hmac
import http.server
import json
import socket
import threading

import time_machine
from django.utils import timezone

from api.models import Webhook
from api.tests.helpers import ApiClientMixin
from api.webhooks import message_events_collect, minutely, webhook_create
from messaging.models import MessageStatus as S
from messaging.models import Notification, NotificationKind, NotificationStatus
from messaging.notifications import notifications_retry
from messaging.services import call_store, incoming_store, message_transition
from modem.models import Modem
from smsmotor.test import BaseTestCase

NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)


class Receiver:
    """An HTTP server on loopback that keeps every POST; stop() and start() on the same port."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list = []
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        received = self.received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((self.headers, body))  # case-insensitive, as HTTP headers are
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """The README's verification, as a receiver writes it."""
    fields = dict(part.split("=", 1) for part in headers["X-SMSMotor-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


class WebhookTestCase(ApiClientMixin, BaseTestCase):
    def setUp(self):
        self.receiver = Receiver()
        self.addCleanup(self.receiver.stop)
        self.key = self.key_for(self.alice)
        self.modem = Modem.objects.create(name="entel-1", port="/dev/null")

    def send(self, to="70000288"):
        response = self.call("post", "/api/v1/messages", self.key, {"to": to, "text": "x", "client_ref": to})
        return response.json()["id"]

    def move(self, message_id, *states):
        old = S.QUEUED
        for new in states:
            fields = {}
            if new == S.SENDING:
                fields = {"modem": self.modem, "claimed_at": timezone.now()}
            if new == S.SENT:
                fields = {"sent_at": timezone.now()}
            self.assertTrue(message_transition(message_id, old=old, new=new, **fields))
            old = new

    def test_each_event_arrives_once_signed_after_the_receiver_was_down(self):
        from api.models import ApiKey

        hook = webhook_create(url=self.receiver.url, key=ApiKey.objects.get())
        with time_machine.travel(NOW, tick=False):
            delivered, failed, unknown = self.send("70000281"), self.send("70000282"), self.send("70000283")
            self.move(delivered, S.SENDING, S.SENT)
            self.assertEqual(minutely(), 1)  # message.sent
            self.move(failed, S.SENDING, S.FAILED)
            self.move(unknown, S.SENDING, S.UNKNOWN)
            message_transition(delivered, old=S.SENT, new=S.DELIVERED, delivered_at=timezone.now())
            self.assertEqual(minutely(), 3)
            self.assertEqual(minutely(), 0)  # nothing changed since
            incoming_store(modem=self.modem, phone="+59170000288", text="Gracias", received_at=timezone.now())
            call_store(modem=self.modem, phone="+59170000288", now=timezone.now())
            self.assertEqual(notifications_retry(), 0)  # the receiver is down
        outbox = Notification.objects.filter(kind=NotificationKind.WEBHOOK)
        self.assertEqual(outbox.count(), 6)
        self.assertEqual(set(outbox.values_list("attempts", flat=True)), {1})
        self.assertIn("Connection refused", outbox.first().last_error)
        with time_machine.travel(NOW + datetime.timedelta(minutes=30), tick=False):
            self.receiver.start()
            self.assertEqual(notifications_retry(), 6)
            self.assertEqual(notifications_retry(), 0)
            self.assertEqual(minutely(), 0)
        events = [json.loads(body) for _headers, body in self.receiver.received]
        self.assertEqual(len({event["event_id"] for event in events}), 6)
        self.assertEqual(
            sorted((event["type"], event["data"].get("client_ref", "")) for event in events),
            [
                ("call.received", ""),
                ("incoming.received", ""),
                ("message.delivered", "70000281"),
                ("message.failed", "70000282"),
                ("message.sent", "70000281"),
                ("message.unknown", "70000283"),
            ],
        )
        for headers, body in self.receiver.received:
            self.assertTrue(verify(hook.secret, headers, body))
            self.assertEqual(headers["X-SMSMotor-Event-Id"], json.loads(body)["event_id"])
            self.assertFalse(verify("whsec_wrong", headers, body))

    def test_a_delivered_message_is_told_sent_first_when_both_happened_between_runs(self):
        webhook_create(url=self.receiver.url)  # global
        message = self.send()
        self.move(message, S.SENDING, S.SENT, S.DELIVERED)
        self.assertEqual(message_events_collect(), 2)
        types = list(Notification.objects.order_by("pk").values_list("subject", flat=True))
        self.assertEqual(types, ["message.sent", "message.delivered"])

    def test_it_gives_up_after_a_day(self):
        webhook_create(url=self.receiver.url, events=["message.sent"])
        with time_machine.travel(NOW, tick=False):
            self.move(self.send(), S.SENDING, S.SENT)
            minutely()
            notifications_retry()
        for hours in range(1, 26):
            with time_machine.travel(NOW + datetime.timedelta(hours=hours), tick=False):
                notifications_retry()
        notification = Notification.objects.get()
        self.assertEqual(notification.status, NotificationStatus.FAILED)
        self.assertGreater(notification.attempts, 5)

    def test_a_webhook_gets_only_the_events_it_asked_for_and_not_other_keys_messages(self):
        other_key = self.key_for(self.bob)
        from api.models import ApiKey

        webhook_create(url=self.receiver.url, key=ApiKey.objects.get(user=self.bob), events=["message.delivered"])
        mine = self.call("post", "/api/v1/messages", other_key, {"to": "70000288", "text": "x"}).json()["id"]
        self.move(self.send(), S.SENDING, S.SENT)
        self.move(mine, S.SENDING, S.SENT)
        message_events_collect()
        self.assertFalse(Notification.objects.exists())
        self.assertEqual(Webhook.objects.count(), 1)

    def test_an_expired_message_is_cancelled(self):
        from messaging.models import OutgoingMessage

        with time_machine.travel(NOW, tick=False):
            later = (NOW + datetime.timedelta(hours=1)).isoformat()
            response = self.call(
                "post", "/api/v1/messages", self.key, {"to": "70000288", "text": "x", "valid_until": later}
            )
            message = response.json()["id"]
        with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
            minutely()
        self.assertEqual(OutgoingMessage.objects.get(pk=message).status, S.CANCELLED)


class WatchTestCase(ApiClientMixin, BaseTestCase):
    def test_a_message_older_than_a_week_is_no_longer_watched(self):
        from api.models import ApiMessage
        from api.tasks import idempotency_cleanup

        key = self.key_for(self.alice)
        with time_machine.travel(NOW, tick=False):
            self.call("post", "/api/v1/messages", key, {"to": "70000288", "text": "x"})
        with time_machine.travel(NOW + datetime.timedelta(days=6), tick=False):
            idempotency_cleanup()
            self.assertTrue(ApiMessage.objects.get().open)
        with time_machine.travel(NOW + datetime.timedelta(days=8), tick=False):
            idempotency_cleanup()
            self.assertFalse(ApiMessage.objects.get().open)
