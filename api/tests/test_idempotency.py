import threading

from django.db import connection
from django.test import Client, TransactionTestCase

from accounts.modules import Module
from api.models import IdempotencyRecord
from api.tests.helpers import ApiClientMixin
from messaging.models import OutgoingMessage
from smsmotor.test import BaseTestCase, make_user

BODY = {"to": "70000288", "text": "Su cuota vence mañana"}


class IdempotencyTestCase(ApiClientMixin, BaseTestCase):
    def setUp(self):
        self.key = self.key_for(self.alice)

    def test_a_retry_gets_the_original_answer_and_sends_nothing_new(self):
        first = self.call("post", "/api/v1/messages", self.key, BODY, idempotency="k-1")
        again = self.call("post", "/api/v1/messages", self.key, BODY, idempotency="k-1")
        self.assertEqual((first.status_code, again.status_code), (201, 201))
        self.assertEqual(first.json(), again.json())
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(OutgoingMessage.objects.count(), 1)

    def test_another_body_with_the_same_key_is_a_conflict(self):
        self.call("post", "/api/v1/messages", self.key, BODY, idempotency="k-1")
        response = self.call("post", "/api/v1/messages", self.key, {**BODY, "text": "otro"}, idempotency="k-1")
        self.assertEqual(
            (response.status_code, self.codes(response)), (409, [("Idempotency-Key", "idempotency_conflict")])
        )
        self.assertEqual(OutgoingMessage.objects.count(), 1)

    def test_an_error_answer_is_replayed_too(self):
        first = self.call("post", "/api/v1/messages", self.key, {"to": "1", "text": "x"}, idempotency="k-2")
        again = self.call("post", "/api/v1/messages", self.key, {"to": "1", "text": "x"}, idempotency="k-2")
        self.assertEqual((first.status_code, again.status_code), (422, 422))
        self.assertEqual(first.json(), again.json())

    def test_keys_are_per_api_key(self):
        other = self.key_for(self.bob)
        self.call("post", "/api/v1/messages", self.key, BODY, idempotency="same")
        self.call("post", "/api/v1/messages", other, BODY, idempotency="same")
        self.assertEqual(OutgoingMessage.objects.count(), 2)

    def test_without_a_key_each_post_sends(self):
        self.call("post", "/api/v1/messages", self.key, BODY)
        self.call("post", "/api/v1/messages", self.key, BODY)
        self.assertEqual(OutgoingMessage.objects.count(), 2)

    def test_batches_are_idempotent(self):
        batch = {"messages": [BODY, {**BODY, "to": "70000289"}]}
        first = self.call("post", "/api/v1/batches", self.key, batch, idempotency="b-1")
        again = self.call("post", "/api/v1/batches", self.key, batch, idempotency="b-1")
        self.assertEqual(first.json(), again.json())
        self.assertEqual(OutgoingMessage.objects.count(), 2)

    def test_the_daily_cleanup_keeps_a_day(self):
        import datetime

        from django.utils import timezone

        from api.tasks import idempotency_cleanup

        self.call("post", "/api/v1/messages", self.key, BODY, idempotency="old")
        self.call("post", "/api/v1/messages", self.key, BODY, idempotency="new")
        IdempotencyRecord.objects.filter(idempotency_key="old").update(
            created_at=timezone.now() - datetime.timedelta(hours=25)
        )
        self.assertEqual(idempotency_cleanup(), 1)
        self.assertEqual(list(IdempotencyRecord.objects.values_list("idempotency_key", flat=True)), ["new"])


class ConcurrentRetryTestCase(ApiClientMixin, TransactionTestCase):
    """Identical requests at the same moment, each on its own thread and database connection."""

    def test_identical_requests_at_once_create_one_message(self):
        self.key = self.key_for(make_user("alice", {Module.SERVER}))
        clients = 8
        barrier = threading.Barrier(clients)
        answers = []

        def post():
            try:
                barrier.wait()
                client = Client()
                response = client.post(
                    "/api/v1/messages",
                    data=BODY,
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {self.key}",
                    HTTP_IDEMPOTENCY_KEY="race-1",
                )
                answers.append((response.status_code, response.json()))
            finally:
                connection.close()

        threads = [threading.Thread(target=post) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(OutgoingMessage.objects.count(), 1)
        self.assertEqual(len(answers), clients)
        self.assertEqual({status for status, _body in answers}, {201})
        self.assertEqual({body["id"] for _status, body in answers}, {OutgoingMessage.objects.get().pk})
