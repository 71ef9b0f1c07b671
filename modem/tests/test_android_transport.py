"""AndroidTransport against the simulated phone on loopback, through the real android_sms_gateway
client library; the simulator is also checked against the library's own calls."""

import hashlib
import hmac
import json
import socket
import time
import unittest

import requests
from android_sms_gateway import APIClient, domain, errors
from android_sms_gateway.http import RequestsHttpClient

from modem.transports.android import AndroidTransport
from modem.transports.base import DeliveryReport, ErrorKind, Incoming, SecretRejected, SubmitFailed, TransportError
from simulators.android import SimulatedPhone

NUMBER = "+59170000288"
KEY = "clave-de-firma"


class FakeClock:
    """The phone's monotonic clock (sending limit, report delay, webhook retries), moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AndroidTransportTestCase(unittest.TestCase):
    def start(self, **settings) -> str:
        self.clock = FakeClock()
        self.phone = SimulatedPhone(seed=1, clock=self.clock, signing_key=KEY, **settings)
        self.addCleanup(self.phone.stop)
        return self.phone.start()

    def line(self, url: str, *, webhooks: bool = True, **options) -> AndroidTransport:
        options = {"password": "clave", "signing_key": KEY, "timeout": 2, "hold_seconds": 0.5} | options
        if webhooks:
            options.setdefault("webhook_listen", ("127.0.0.1", 0))
        line = AndroidTransport(url, "sms", **options)
        self.addCleanup(line.close)
        return line

    def opened(self, *, webhooks: bool = True, line_options: dict | None = None, **settings) -> AndroidTransport:
        line = self.line(self.start(**settings), webhooks=webhooks, **(line_options or {}))
        line.open()
        return line

    def send(self, line: AndroidTransport, text: str = "Hola", ident: str = "m1", phone: str = NUMBER) -> list[str]:
        handed = []
        references = line.submit(phone, text, on_handed=lambda: handed.append(True), ident=ident)
        self.assertEqual(handed, [True])
        return references

    def failed_send(self, line: AndroidTransport, ident: str = "m1", phone: str = NUMBER) -> SubmitFailed:
        with self.assertRaises(SubmitFailed) as caught:
            self.send(line, ident=ident, phone=phone)
        return caught.exception

    def collect(self, line: AndroidTransport, count: int, *, settle: bool = True, timeout: float = 5.0) -> list:
        found, deadline = [], time.monotonic() + timeout
        while len(found) < count and time.monotonic() < deadline:
            events = line.events(0.2)
            if settle:
                line.settle(events)
            found += events
        return found

    # Connecting ------------------------------------------------------------------------------
    def test_it_says_who_the_phone_is_and_registers_one_webhook_per_event_once(self):
        line = self.line(self.start(model="moto g54"))
        status = line.open()
        self.assertEqual(
            (status.model, status.revision, status.where), ("moto g54", "SMS Gateway 1.40.0", self.phone.url)
        )
        line.open()  # again, as after a reconnection: the same ids replace the webhooks
        webhooks = self.phone.webhooks
        self.assertEqual(
            sorted(webhook["event"] for webhook in webhooks),
            ["sms:delivered", "sms:failed", "sms:received", "sms:sent"],
        )
        host, port = line.listening
        self.assertEqual({webhook["url"] for webhook in webhooks}, {f"http://{host}:{port}/"})
        capabilities = line.capabilities
        self.assertEqual((capabilities.splits_itself, capabilities.per_minute, capabilities.recall), (True, 30, True))

    def test_a_phone_whose_health_fails_is_still_there(self):
        line = self.opened(battery=8)  # the app answers /health with 500 under 10 %
        with self.assertLogs("smsmotor.modem", "WARNING") as logged:
            line.signal()
        self.assertIn("battery:level", logged.output[0])
        self.assertEqual(self.send(line), ["m1"])

    def test_a_wrong_password_is_a_secret_rejected(self):
        line = self.line(self.start(), password="otra")
        with self.assertRaises(SecretRejected):
            line.open()

    def test_the_phone_refuses_a_plain_http_webhook_on_the_network(self):
        # The app takes https:// or http://127.0.0.1 only (WebHooksService.replace).
        line = self.line(self.start(), webhook_url="http://192.168.1.5:8090/")
        with self.assertRaisesRegex(TransportError, "https://"):
            line.open()

    # Sending --------------------------------------------------------------------------------
    def test_it_sends_with_our_id_and_reports_sent_then_delivered_by_webhook(self):
        line = self.opened()
        self.assertEqual(self.send(line, "Su turno es mañana", ident="load-7-msg-1"), ["load-7-msg-1"])
        reports = self.collect(line, 2)
        self.assertEqual(
            [(r.reference, r.delivered, r.final, r.recipient) for r in reports],
            [("load-7-msg-1", False, False, NUMBER), ("load-7-msg-1", True, True, NUMBER)],
        )
        self.assertEqual([(sms.number, sms.text) for sms in self.phone.sent], [(NUMBER, "Su turno es mañana")])
        self.phone.wait_until(lambda: not self.phone.owed())
        self.assertEqual([attempt.status for attempt in self.phone.attempts], [200, 200])

    def test_a_long_text_is_counted_as_android_splits_it_and_sent_whole(self):
        line = self.opened()
        text = "Estimado cliente, " * 10  # 180 GSM-7 characters: two parts of 153
        self.assertEqual(line.parts(NUMBER, text), 2)
        self.assertEqual(line.parts(NUMBER, "á" * 71), 2)  # UCS-2: 70 in one part
        self.assertEqual(self.send(line, text), ["m1", ""])
        self.collect(line, 2)
        self.assertEqual([(sms.text, sms.concat) for sms in self.phone.sent], [(text, None)])

    def test_a_message_the_phone_cannot_send_comes_back_as_a_failed_report(self):
        line = self.opened()
        self.phone.refuse_next("send")
        self.assertEqual(self.send(line), ["m1"])
        [report] = self.collect(line, 1)
        self.assertEqual((report.reference, report.delivered, report.final, report.status), ("m1", False, True, 0x40))
        self.assertEqual(self.phone.sent, [])

    def test_a_message_the_phone_refuses_to_take_fails_for_good(self):
        line = self.opened()
        self.phone.refuse_next("post")
        failed = self.failed_send(line)
        self.assertEqual((failed.refused, failed.kind), (True, ErrorKind.PERMANENT))
        self.assertIsNone(self.phone.state("m1"))

    def test_the_same_id_twice_is_sent_once(self):
        line = self.opened()
        self.assertEqual(self.send(line), ["m1"])
        self.assertEqual(self.send(line), ["m1"])  # 409 from the phone: it has it already
        self.collect(line, 2)
        self.assertEqual(len(self.phone.sent), 1)

    def test_the_phone_keeps_its_sending_limit(self):
        line = self.opened(per_minute=2)
        for number in range(4):
            self.send(line, ident=f"m{number}")
        self.phone.wait_until(lambda: self.phone.state("m1") == "Delivered")
        time.sleep(0.2)
        self.assertEqual((len(self.phone.sent), self.phone.state("m2")), (2, "Pending"))
        self.clock.advance(60)
        self.phone.wait_until(lambda: len(self.phone.sent) == 4)

    # Uncertain sends ------------------------------------------------------------------------------
    def test_an_answer_lost_after_the_phone_took_the_message_counts_as_sent(self):
        line = self.opened()
        self.phone.lose_next_answer()
        self.assertEqual(self.send(line, "x" * 200), ["m1", ""])  # asked by id: the phone has it
        self.collect(line, 2)
        self.assertEqual(len(self.phone.sent), 1)
        self.assertEqual(line.recall("m1"), ["m1", ""])

    def test_a_request_the_phone_never_read_is_refused_and_safe_to_send_again(self):
        line = self.opened()
        self.phone.drop_next_request()
        failed = self.failed_send(line)
        self.assertEqual((failed.refused, failed.kind), (True, ErrorKind.TRANSIENT))
        self.assertIsNone(line.recall("m1"))
        self.assertEqual(self.send(line), ["m1"])
        self.collect(line, 2)
        self.assertEqual(len(self.phone.sent), 1)

    def test_when_the_phone_vanishes_with_the_message_it_may_have_been_sent(self):
        line = self.opened()
        self.phone.lose_next_answer(unplug=True)
        failed = self.failed_send(line)
        self.assertEqual((failed.refused, failed.reconnect), (False, True))
        self.phone.wait_until(lambda: self.phone.state("m1") == "Delivered")  # it had, indeed

    def test_an_unplugged_phone_refuses_until_it_is_back(self):
        line = self.opened()
        self.phone.unplug()
        failed = self.failed_send(line)
        self.assertEqual((failed.refused, failed.kind, failed.reconnect), (True, ErrorKind.MODEM, True))
        with self.assertRaises(TransportError):
            line.open()
        self.phone.replug()
        line.open()
        self.assertEqual(self.send(line), ["m1"])
        self.assertEqual(len(self.collect(line, 2)), 2)

    # Webhooks ---------------------------------------------------------------------------------------
    def test_an_incoming_sms_arrives_by_webhook(self):
        line = self.opened()
        self.phone.inject_sms("+59171234567", "Quiero cancelar mi cita")
        [incoming] = self.collect(line, 1)
        self.assertIsInstance(incoming, Incoming)
        self.assertEqual((incoming.sender, incoming.text), ("+59171234567", "Quiero cancelar mi cita"))
        self.assertIsNotNone(incoming.received_at)

    def test_webhooks_with_a_wrong_signature_or_an_old_timestamp_are_refused(self):
        line = self.opened()
        host, port = line.listening
        body = json.dumps({"id": "e1", "event": "sms:received", "deviceId": "d", "payload": {}}).encode()
        old = str(int(time.time()) - 3600)
        for signature, timestamp in (("0" * 64, str(int(time.time()))), (_sign(body, old), old)):
            answer = requests.post(
                f"http://{host}:{port}/", data=body, headers={"X-Signature": signature, "X-Timestamp": timestamp}
            )
            self.assertEqual(answer.status_code, 401)
        self.phone.set(signing_key="another phone's key")
        self.phone.inject_sms("+59171234567", "Hola")
        self.phone.wait_until(lambda: self.phone.attempts)
        self.assertEqual([a.status for a in self.phone.attempts], [401])
        self.assertEqual(line.events(0.2), [])

    def test_a_webhook_not_settled_is_called_again_after_a_crash(self):
        port = free_port()
        line = self.opened(line_options={"webhook_listen": ("127.0.0.1", port)})
        self.phone.inject_sms("+59171234567", "Hola")
        [incoming] = self.collect(line, 1, settle=False)  # the worker dies before saving it
        self.phone.wait_until(lambda: self.phone.attempts)
        self.assertEqual([a.status for a in self.phone.attempts], [503])
        line.close()
        restarted = self.line(self.phone.url, webhook_listen=("127.0.0.1", port))
        restarted.open()
        self.clock.advance(10)  # the app's first retry
        [again] = self.collect(restarted, 1)
        self.assertEqual((again.text, again.handle), (incoming.text, incoming.handle))
        self.phone.wait_until(lambda: not self.phone.owed())
        self.assertEqual([a.status for a in self.phone.attempts], [503, 200])

    def test_a_retry_of_an_event_saved_late_is_only_acknowledged(self):
        line = self.opened()
        self.phone.inject_sms("+59171234567", "Hola")
        events = self.collect(line, 1, settle=False)
        self.phone.wait_until(lambda: self.phone.attempts)  # 503: not saved within the hold
        line.settle(events)  # saved now
        self.clock.advance(10)
        self.phone.wait_until(lambda: not self.phone.owed())
        self.assertEqual([a.status for a in self.phone.attempts], [503, 200])
        self.assertEqual(line.events(0.2), [])

    # Polling ------------------------------------------------------------------------------------------
    def test_states_are_polled_when_webhooks_do_not_arrive(self):
        options = {"poll_seconds": 0.1, "quiet_seconds": 0.3}
        line = self.opened(line_options=options)
        self.phone.fail_webhooks()
        self.send(line)
        reports = self.collect(line, 1)
        self.assertEqual([(r.reference, r.delivered, r.final, r.handle) for r in reports], [("m1", True, True, None)])
        self.assertIn("sms:delivered", self.phone.owed())  # the app keeps trying meanwhile
        self.phone.fail_webhooks(False)
        self.clock.advance(3600)
        self.phone.wait_until(lambda: not self.phone.owed())
        self.assertEqual(line.events(0.3), [])  # states already told are not told again

    def test_without_a_listener_every_state_is_polled(self):
        line = self.opened(webhooks=False, line_options={"poll_seconds": 0.05})
        self.assertEqual(self.phone.webhooks, [])
        self.send(line)
        reports = self.collect(line, 1)
        self.assertTrue(all(isinstance(report, DeliveryReport) for report in reports))
        self.assertEqual(reports[-1].final, True)


class SimulatedPhoneTestCase(unittest.TestCase):
    """The simulator answers the library as the app does."""

    def setUp(self) -> None:
        self.phone = SimulatedPhone(seed=1)
        self.addCleanup(self.phone.stop)
        session = requests.Session()
        self.addCleanup(session.close)
        self.client = APIClient("sms", "clave", base_url=self.phone.start(), http=RequestsHttpClient(session))

    def test_it_answers_the_librarys_calls(self):
        health = self.client.health_check()
        self.assertEqual(health.checks["battery:level"].observed_value, 94)
        message = domain.Message(phone_numbers=[NUMBER], text_message=domain.TextMessage("Hola"), id="abc")
        self.assertEqual(self.client.send(message).state, domain.ProcessState.Pending)
        self.phone.wait_until(lambda: self.phone.state("abc") == "Delivered")
        state = self.client.get_state("abc")
        self.assertEqual(list(state.states), ["Pending", "Processed", "Sent", "Delivered"])
        with self.assertRaises(errors.NotFoundError):
            self.client.get_state("unknown")

    def test_an_invalid_number_is_taken_and_then_fails(self):
        message = domain.Message(phone_numbers=["12"], text_message=domain.TextMessage("Hola"), id="bad")
        self.client.send(message)
        self.phone.wait_until(lambda: self.phone.state("bad") == "Failed")
        self.assertIn("Invalid phone number", self.client.get_state("bad").recipients[0].error)


def _sign(body: bytes, timestamp: str) -> str:
    return hmac.new(KEY.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
