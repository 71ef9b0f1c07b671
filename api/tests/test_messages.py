import datetime

import time_machine
from django.utils import timezone

from api.models import ApiMessage
from api.tests.helpers import ApiClientMixin
from messaging.models import MessageStatus, OutgoingMessage
from messaging.services import message_transition
from modem.models import Modem
from smsmotor.test import BaseTestCase, licence_install

NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
class MessageSendTestCase(ApiClientMixin, BaseTestCase):
    def setUp(self):
        self.key = self.key_for(self.alice)

    def test_it_creates_a_queued_message_with_segments_and_encoding(self):
        response = self.call("post", "/api/v1/messages", self.key, {"to": "700-00288", "text": "Hola señor"})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        message = OutgoingMessage.objects.get()
        self.assertEqual(body["id"], message.pk)
        self.assertEqual((body["to"], body["state"], body["segments"]), ("+59170000288", "queued", 1))
        self.assertIn(body["encoding"], ("gsm7", "ucs2", "GSM7", "UCS2"))
        self.assertEqual(message.status, MessageStatus.QUEUED)

    def test_it_stores_the_api_fields(self):
        body = {
            "to": "70000288",
            "text": "x",
            "client_ref": "order-7",
            "category": "billing",
            "priority": 2,
            "metadata": {"customer": 7},
            "send_date": "2026-12-05",
        }
        response = self.call("post", "/api/v1/messages", self.key, body)
        self.assertEqual(response.status_code, 201, response.content)
        stored = ApiMessage.objects.get()
        self.assertEqual((stored.client_ref, stored.category, stored.priority), ("order-7", "billing", 2))
        self.assertEqual(stored.metadata, {"customer": 7})
        self.assertEqual(response.json()["state"], "pending")

    def test_it_holds_a_message_until_its_send_time(self):
        later = NOW + datetime.timedelta(hours=2)
        response = self.call(
            "post", "/api/v1/messages", self.key, {"to": "70000288", "text": "x", "send_at": later.isoformat()}
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(OutgoingMessage.objects.get().next_attempt_at, later)

    def test_it_answers_an_error_per_field_in_spanish(self):
        body = {"to": "12", "text": "  ", "line": "nope", "priority": 12, "valid_until": "2020-01-01T00:00:00Z"}
        response = self.call("post", "/api/v1/messages", self.key, body)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            sorted(self.codes(response)),
            [
                ("line", "line_unknown"),
                ("priority", "priority_invalid"),
                ("text", "text_empty"),
                ("to", "phone_invalid"),
                ("valid_until", "valid_until_invalid"),
            ],
        )
        messages = {item["code"]: item["message"] for item in response.json()["errors"]}
        self.assertEqual(messages["text_empty"], "El mensaje está vacío.")
        self.assertFalse(OutgoingMessage.objects.exists())

    def test_it_answers_in_the_users_language(self):
        self.alice.language = "en"
        self.alice.save()
        response = self.call("post", "/api/v1/messages", self.key, {"to": "70000288", "text": ""})
        self.assertEqual(response.json()["errors"][0]["message"], "The message is empty.")

    def test_it_knows_a_line_by_name(self):
        Modem.objects.create(name="entel-1", port="/dev/null")
        response = self.call("post", "/api/v1/messages", self.key, {"to": "70000288", "text": "x", "line": "entel-1"})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["line"], "entel-1")

    def test_it_refuses_a_text_of_too_many_sms(self):
        response = self.call("post", "/api/v1/messages", self.key, {"to": "70000288", "text": "á" * 1000})
        self.assertEqual(self.codes(response), [("text", "text_too_long")])

    def test_it_names_missing_and_mistyped_fields(self):
        response = self.call("post", "/api/v1/messages", self.key, {"text": ["no"]})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(sorted(self.codes(response)), [("text", "invalid_type"), ("to", "required")])

    def test_it_refuses_when_the_licence_expired(self):
        licence_install(expires_on=datetime.date(2026, 11, 1))
        response = self.call("post", "/api/v1/messages", self.key, {"to": "70000288", "text": "x"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.codes(response), [(None, "licence_expired")])

    def test_it_signs_the_text_with_the_licence_company(self):
        licence_install(company="ACME")
        response = self.call("post", "/api/v1/messages", self.key, {"to": "70000288", "text": "Hola"})
        self.assertEqual(response.json()["text"], "Hola ACME")


@time_machine.travel(NOW, tick=False)
class MessageReadTestCase(ApiClientMixin, BaseTestCase):
    def setUp(self):
        self.admin_key = self.key_for(self.alice)
        self.operator_key = self.key_for(self.bob)

    def send(self, key, **fields):
        response = self.call("post", "/api/v1/messages", key, {"to": "70000288", "text": "x", **fields})
        self.assertEqual(response.status_code, 201, response.content)
        return response.json()["id"]

    def test_it_shows_a_message(self):
        sent = self.send(self.operator_key, client_ref="a")
        response = self.call("get", f"/api/v1/messages/{sent}", self.operator_key)
        self.assertEqual(response.json()["client_ref"], "a")

    def test_an_operator_sees_only_its_own_messages(self):
        mine, theirs = self.send(self.operator_key), self.send(self.admin_key)
        self.assertEqual(self.call("get", f"/api/v1/messages/{theirs}", self.operator_key).status_code, 404)
        listed = self.call("get", "/api/v1/messages", self.operator_key).json()["items"]
        self.assertEqual([item["id"] for item in listed], [mine])
        everything = self.call("get", "/api/v1/messages", self.admin_key).json()["items"]
        self.assertEqual([item["id"] for item in everything], [mine, theirs])
        self.assertEqual(self.call("delete", f"/api/v1/messages/{theirs}", self.operator_key).status_code, 404)

    def test_an_operator_has_no_server_endpoints(self):
        for path in ("/api/v1/incoming", "/api/v1/credit"):
            response = self.call("get", path, self.operator_key)
            self.assertEqual(response.status_code, 403, path)
            self.assertEqual(self.codes(response), [(None, "scope_denied")])
        self.assertEqual(self.call("get", "/api/v1/lines", self.operator_key).status_code, 200)
        self.assertEqual(self.call("get", "/api/v1/credit", self.admin_key).status_code, 200)

    def test_it_pages_by_cursor_and_filters(self):
        ids = [self.send(self.admin_key, client_ref="r1" if n % 2 else "r0") for n in range(5)]
        first = self.call("get", "/api/v1/messages?limit=2", self.admin_key).json()
        self.assertEqual([item["id"] for item in first["items"]], ids[:2])
        second = self.call("get", f"/api/v1/messages?limit=2&cursor={first['next_cursor']}", self.admin_key).json()
        self.assertEqual([item["id"] for item in second["items"]], ids[2:4])
        third = self.call("get", f"/api/v1/messages?limit=2&cursor={second['next_cursor']}", self.admin_key).json()
        self.assertEqual(([item["id"] for item in third["items"]], third["next_cursor"]), (ids[4:], None))
        refs = self.call("get", "/api/v1/messages?client_ref=r1", self.admin_key).json()["items"]
        self.assertEqual([item["id"] for item in refs], [ids[1], ids[3]])
        message_transition(ids[0], old=MessageStatus.QUEUED, new=MessageStatus.CANCELLED)
        cancelled = self.call("get", "/api/v1/messages?state=CANCELLED", self.admin_key).json()["items"]
        self.assertEqual([item["id"] for item in cancelled], [ids[0]])
        since = (NOW + datetime.timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
        self.assertEqual(self.call("get", f"/api/v1/messages?since={since}", self.admin_key).json()["items"], [])
        self.assertEqual(self.call("get", "/api/v1/messages?cursor=zz", self.admin_key).status_code, 400)

    def test_it_cancels_a_message_not_handed_to_a_modem(self):
        sent = self.send(self.operator_key)
        response = self.call("delete", f"/api/v1/messages/{sent}", self.operator_key)
        self.assertEqual((response.status_code, response.json()["state"]), (200, "cancelled"))
        again = self.call("delete", f"/api/v1/messages/{sent}", self.operator_key)
        self.assertEqual((again.status_code, self.codes(again)), (409, [(None, "not_cancellable")]))

    def test_it_does_not_cancel_a_handed_message(self):
        sent = self.send(self.operator_key)
        modem = Modem.objects.create(name="m", port="/dev/null")
        message_transition(
            sent, old=MessageStatus.QUEUED, new=MessageStatus.SENDING, modem=modem, claimed_at=timezone.now()
        )
        OutgoingMessage.objects.filter(pk=sent).update(handed_at=timezone.now())
        self.assertEqual(self.call("delete", f"/api/v1/messages/{sent}", self.operator_key).status_code, 409)
        self.assertEqual(OutgoingMessage.objects.get(pk=sent).status, MessageStatus.SENDING)
