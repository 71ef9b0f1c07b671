import datetime

import time_machine

from api.models import ApiMessage
from api.tests.helpers import ApiClientMixin
from loads.models import Load, LoadType
from messaging.models import IncomingMessage, OutgoingMessage
from modem.models import Modem
from smsmotor.test import BaseTestCase

NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
class BatchTestCase(ApiClientMixin, BaseTestCase):
    def setUp(self):
        self.key = self.key_for(self.bob)

    def test_it_creates_one_api_load_and_answers_per_item(self):
        batch = {
            "messages": [
                {"to": "70000288", "text": "uno", "client_ref": "a"},
                {"to": "123", "text": "dos"},
                {"to": "70000289", "text": "tres", "send_date": "2026-12-03"},
                {"text": 5},
            ]
        }
        response = self.call("post", "/api/v1/batches", self.key, batch)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        load = Load.objects.get()
        self.assertEqual(
            (load.type, load.created_by, load.messages_created, load.rows_rejected), (LoadType.API, self.bob, 2, 2)
        )
        self.assertEqual((body["load_id"], body["accepted"], body["rejected"]), (load.pk, 2, 2))
        items = body["items"]
        self.assertEqual([item["index"] for item in items], [0, 1, 2, 3])
        self.assertEqual((items[0]["state"], items[0]["client_ref"]), ("queued", "a"))
        self.assertEqual(items[2]["state"], "pending")
        self.assertEqual([e["code"] for e in items[1]["errors"]], ["phone_invalid"])
        self.assertEqual(sorted(e["code"] for e in items[3]["errors"]), ["invalid_type", "required"])
        messages = OutgoingMessage.objects.filter(load=load).order_by("pk")
        self.assertEqual([m.pk for m in messages], [items[0]["id"], items[2]["id"]])
        self.assertEqual(ApiMessage.objects.get(pk=items[0]["id"]).client_ref, "a")
        # The operator follows it through the API like any of its messages.
        self.assertEqual(self.call("get", f"/api/v1/messages/{items[2]['id']}", self.key).json()["load_id"], load.pk)

    def test_it_stores_texts_and_metadata_as_sent(self):
        text = 'Ñandú\'s "cuota" \\ 100% ok; DROP TABLE x; -- 😀'
        item = {"to": "70000288", "text": text, "metadata": {"a": "ñ'\""}, "client_ref": "r'1"}
        response = self.call("post", "/api/v1/batches", self.key, {"messages": [item]})
        message = OutgoingMessage.objects.get(pk=response.json()["items"][0]["id"])
        self.assertEqual(message.text, text)
        stored = ApiMessage.objects.get(pk=message.pk)
        self.assertEqual((stored.metadata, stored.client_ref), ({"a": "ñ'\""}, "r'1"))

    def test_it_stores_nothing_when_no_item_is_valid(self):
        response = self.call("post", "/api/v1/batches", self.key, {"messages": [{"to": "1", "text": "x"}]})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.codes(response), [("messages", "batch_rejected")])
        self.assertEqual(response.json()["items"][0]["errors"][0]["code"], "phone_invalid")
        self.assertFalse(Load.objects.exists())

    def test_it_refuses_an_empty_or_too_large_batch(self):
        self.assertEqual(
            self.codes(self.call("post", "/api/v1/batches", self.key, {"messages": []})), [("messages", "batch_empty")]
        )
        big = {"messages": [{"to": "70000288", "text": "x"}] * 10_001}
        self.assertEqual(
            self.codes(self.call("post", "/api/v1/batches", self.key, big)), [("messages", "batch_too_large")]
        )

    def test_it_takes_ten_thousand_messages(self):
        batch = {"messages": [{"to": f"7{n:07d}", "text": f"Recordatorio {n}"} for n in range(10_000)]}
        response = self.call("post", "/api/v1/batches", self.key, batch)
        self.assertEqual((response.status_code, response.json()["accepted"]), (201, 10_000))
        self.assertEqual(OutgoingMessage.objects.count(), 10_000)
        self.assertEqual(ApiMessage.objects.count(), 10_000)


@time_machine.travel(NOW, tick=False)
class IncomingAndLinesTestCase(ApiClientMixin, BaseTestCase):
    def test_it_lists_incoming_since(self):
        key = self.key_for(self.alice)
        modem = Modem.objects.create(name="entel-1", port="/dev/null")
        old = IncomingMessage.objects.create(
            phone="+59170000288", text="viejo", received_at=NOW - datetime.timedelta(days=1)
        )
        new = IncomingMessage.objects.create(phone="+59170000289", text="nuevo", received_at=NOW, modem=modem)
        items = self.call("get", "/api/v1/incoming", key).json()["items"]
        self.assertEqual([item["id"] for item in items], [old.pk, new.pk])
        since = self.call("get", "/api/v1/incoming?since=2026-12-02T09:00:00Z", key).json()["items"]
        self.assertEqual(
            since,
            [
                {
                    "id": new.pk,
                    "from": "+59170000289",
                    "text": "nuevo",
                    "received_at": NOW.isoformat(),
                    "line": "entel-1",
                }
            ],
        )

    def test_it_lists_lines_and_their_balance(self):
        from credit.models import BalanceQuery, QueryStatus
        from modem.models import CommandKind, ModemCommand

        key = self.key_for(self.alice)
        modem = Modem.objects.create(name="entel-1", port="/dev/null", operator="ENTEL")
        command = ModemCommand.objects.create(modem=modem, kind=CommandKind.USSD, argument="*105#")
        BalanceQuery.objects.create(
            method="USSD",
            command=command,
            status=QueryStatus.ANSWERED,
            answer="Saldo Bs 12.50",
            balance="12.50",
            answered_at=NOW,
        )
        lines = self.call("get", "/api/v1/lines", key).json()
        self.assertEqual(
            (lines[0]["name"], lines[0]["state"], lines[0]["operator"]), ("entel-1", "disconnected", "ENTEL")
        )
        credit = self.call("get", "/api/v1/credit", key).json()
        self.assertEqual(credit["lines"][0]["balance"]["balance"], "12.50")
