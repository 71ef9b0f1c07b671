"""HiLinkTransport against the simulated stick on loopback, through the real huawei_lte_api."""

import datetime

from django.test import SimpleTestCase

from modem.at.pdu import Encoding, SpanishMode
from modem.transports.base import (
    DeliveryReport,
    ErrorKind,
    Incoming,
    SecretRejected,
    SubmitFailed,
    TransportError,
    Unencodable,
)
from modem.transports.hilink import HiLinkTransport, LockedOut, PasswordNeeded, WrongPassword
from simulators.hilink import SimulatedStick
from simulators.settings import LA_PAZ

NUMBER = "+59170000288"
OTHER = "+59171234567"
PASSWORD = "clave-del-stick"


class FakeClock:
    """The stick's monotonic clock, moved by the test instead of by waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class HiLinkTransportTestCase(SimpleTestCase):
    def start(self, **settings) -> str:
        settings.setdefault("latency", 0)
        self.clock = FakeClock()
        self.stick = SimulatedStick(seed=1, clock=self.clock, **settings)
        self.addCleanup(self.stick.stop)
        return self.stick.start()

    def line(self, url: str, **options) -> HiLinkTransport:
        options = {"timeout": 3, "poll_every": 0, "multipart_wait": 0.2, "tz": LA_PAZ} | options
        line = HiLinkTransport(url, **options)
        self.addCleanup(line.close)
        return line

    def opened(self, **settings) -> HiLinkTransport:
        password = settings.get("password") or ""
        line = self.line(self.start(**settings), password=password)
        line.open()
        return line

    def send(self, line: HiLinkTransport, text: str, phone: str = NUMBER) -> list[str]:
        return line.submit(phone, text, on_handed=lambda: None)

    def failed_send(self, line: HiLinkTransport, text: str, phone: str = NUMBER) -> SubmitFailed:
        with self.assertRaises(SubmitFailed) as caught:
            self.send(line, text, phone)
        return caught.exception

    def inbox(self) -> list:
        return [message for message in self.stick.stored if message.box == 1]

    # Connecting ------------------------------------------------------------------------------
    def test_it_says_who_the_stick_is_and_how_it_hears_the_network(self):
        line = self.line(self.start(operator="VIVA", rsrp=-101))
        status = line.open()
        self.assertEqual(
            (status.manufacturer, status.model, status.revision, status.imei),
            ("Huawei", "E3372h-320", "10.0.3.1(H192SP2C983)", "863743012345675"),
        )
        self.assertEqual((status.operator, status.signal.dbm, status.signal.bars), ("VIVA", -101, 3))
        self.assertEqual(status.where, self.stick.url)
        capabilities = line.capabilities
        self.assertEqual((capabilities.delivery_reports, capabilities.ussd, capabilities.calls), (True, True, False))
        self.assertEqual((capabilities.references, capabilities.splits_itself), (False, True))
        self.stick.set(rsrp=None)
        self.assertEqual(line.signal().bars, 0)

    def test_it_logs_in_with_the_password_or_without_one(self):
        line = self.opened(password=PASSWORD)
        self.assertEqual(self.send(line, "Con clave"), [""])
        url = self.start()  # a stick that asks for no password, with one in the settings and without
        for password in ("", "sobra"):
            line = self.line(url, password=password)
            line.open()
            self.send(line, f"Clave {password!r}")
        self.assertEqual([sms.text for sms in self.stick.sent], ["Clave ''", "Clave 'sobra'"])

    def test_it_refuses_to_go_on_with_a_wrong_or_missing_password(self):
        url = self.start(password=PASSWORD, lockout_seconds=300)
        with self.assertRaises(PasswordNeeded):
            self.line(url).open()
        for _ in range(2):
            with self.assertRaises(WrongPassword) as caught:
                self.line(url, password="nope").open()
            self.assertIsInstance(caught.exception, SecretRejected)  # the worker does not try it again
        with self.assertRaises(LockedOut):  # the third wrong one locks the stick
            self.line(url, password="nope").open()
        with self.assertRaises(LockedOut) as caught:  # even the right password waits (not tried while locked)
            self.line(url, password=PASSWORD).open()
        self.assertNotIsInstance(caught.exception, SecretRejected)  # someone else may have locked it
        self.assertEqual(caught.exception.params, {"minutes": 5})
        self.clock.advance(301)
        self.line(url, password=PASSWORD).open()

    def test_it_says_when_the_stick_does_not_answer(self):
        line = self.line(self.start())
        line.open()
        self.stick.unplug()
        with self.assertRaises(TransportError) as caught:
            line.signal()
        self.assertEqual((caught.exception.kind, caught.exception.params), (ErrorKind.MODEM, {"url": self.stick.url}))
        with self.assertRaises(TransportError):
            self.line(self.stick.url).open()

    # Sending ---------------------------------------------------------------------------------
    def test_it_sends_a_message_once_asking_for_a_report(self):
        line = self.opened(password=PASSWORD)
        handed = []
        self.assertEqual(line.submit(NUMBER, "Su pedido está listo", on_handed=lambda: handed.append(1)), [""])
        (sms,) = self.stick.sent
        self.assertEqual((sms.number, sms.text, sms.encoding), (NUMBER, "Su pedido está listo", Encoding.UCS2))
        self.assertTrue(sms.status_report)
        self.assertEqual(handed, [1])

    def test_it_leaves_the_message_alone_when_on_handed_fails(self):
        line = self.opened()

        def taken_away():
            raise RuntimeError("taken by another worker")

        with self.assertRaises(RuntimeError):
            line.submit(NUMBER, "No va", on_handed=taken_away)
        self.assertEqual(self.stick.sent, [])

    def test_it_lets_the_stick_split_long_texts(self):
        line = self.opened()
        text = "Estimado cliente, su saldo vence pronto. " * 5
        self.assertEqual(line.parts(NUMBER, text), 2)
        self.assertEqual(self.send(line, text), ["", ""])
        parts = self.stick.sent
        self.assertEqual([(p.concat.sequence, p.concat.total) for p in parts], [(1, 2), (2, 2)])
        self.assertEqual("".join(p.text for p in parts), text)

    def test_it_counts_the_parts_the_stick_sends(self):
        line = self.opened()
        song = "Canción de cuna " * 10  # 160 characters, "ó" not in GSM 7-bit
        cases = [
            ("a" * 160, SpanishMode.UCS2, 1, "a" * 160, Encoding.GSM7),
            ("a" * 161, SpanishMode.UCS2, 2, "a" * 161, Encoding.GSM7),
            ("Año nuevo, ¿señor? " * 8, SpanishMode.UCS2, 1, "Año nuevo, ¿señor? " * 8, Encoding.GSM7),
            ("á" * 70, SpanishMode.UCS2, 1, "á" * 70, Encoding.UCS2),
            ("á" * 71, SpanishMode.UCS2, 2, "á" * 71, Encoding.UCS2),
            (song, SpanishMode.UCS2, 3, song, Encoding.UCS2),
            (song, SpanishMode.SPANISH_SHIFT, 3, song, Encoding.UCS2),  # the stick has no shift table
            (song, SpanishMode.TRANSLITERATE, 1, "Cancion de cuna " * 10, Encoding.GSM7),
            ("Canción 😀", SpanishMode.TRANSLITERATE, 1, "Canción 😀", Encoding.UCS2),  # still UCS-2: as written
        ]
        for text, mode, count, sent_text, encoding in cases:
            with self.subTest(text=text[:20], mode=mode):
                line.spanish = mode.value
                before = len(self.stick.sent)
                self.assertEqual(line.parts(NUMBER, text), count)
                self.assertEqual(len(self.send(line, text)), count)
                parts = self.stick.sent[before:]
                self.assertEqual(len(parts), count)
                self.assertEqual(("".join(p.text for p in parts), parts[0].encoding), (sent_text, encoding))

    def test_it_refuses_what_cannot_be_sent(self):
        line = self.opened()
        for phone, text in (("", "Hola"), ("70000288 ext 2", "Hola"), (NUMBER, "")):
            with self.subTest(phone=phone, text=text), self.assertRaises(Unencodable):
                line.parts(phone, text)
        with self.assertRaises(Unencodable):
            line.submit("abc", "Hola", on_handed=self.fail)
        self.assertEqual(self.stick.sent, [])

    def test_it_backs_off_while_the_stick_is_busy(self):
        line = self.opened(send_interval=5)
        self.send(line, "uno")
        session = line.connection
        waits = []
        for text in ("dos", "tres", "cuatro"):
            error = self.failed_send(line, text)
            self.assertEqual((error.refused, error.kind, error.detail), (True, ErrorKind.TRANSIENT, "error 113004"))
            waits.append(error.retry_after)
        self.assertEqual(waits, [2, 4, 8])
        self.clock.advance(5)
        self.send(line, "cinco")
        self.assertIs(line.connection, session)  # error answers bring no token: reloaded, no 125003 and new login
        self.assertEqual(self.failed_send(line, "seis").retry_after, 2)  # a success starts the backoff again
        self.stick.fail_next(113018, endpoint="sms/send-sms")  # "SMS module busy"
        self.clock.advance(5)
        self.assertEqual(self.failed_send(line, "siete").kind, ErrorKind.TRANSIENT)
        self.assertEqual([sms.text for sms in self.stick.sent], ["uno", "cinco"])

    def test_it_fails_a_message_the_stick_calls_invalid(self):
        line = self.opened()
        self.stick.fail_next(113055, endpoint="sms/send-sms")
        error = self.failed_send(line, "Hola")
        self.assertEqual((error.refused, error.kind), (True, ErrorKind.PERMANENT))
        self.send(line, "Después")
        self.assertEqual([sms.text for sms in self.stick.sent], ["Después"])

    def test_it_logs_in_again_when_the_session_ends_without_sending_twice(self):
        line = self.opened(password=PASSWORD)
        line.connection.request_verification_tokens = ["spent", "spent"]  # 125003, which ends the login
        self.send(line, "uno")
        self.stick.expire_sessions()  # 125002, the library's own retry, then 100003
        self.send(line, "dos")
        self.stick.fail_next(125003, count=2, endpoint="sms/send-sms")
        error = self.failed_send(line, "tres")
        self.assertEqual((error.refused, error.kind, error.reconnect), (True, ErrorKind.MODEM, True))
        self.assertEqual(line.signal().bars, 4)  # and everything else goes on
        self.assertEqual([sms.text for sms in self.stick.sent], ["uno", "dos"])

    def test_it_says_a_stick_unplugged_before_the_send_did_not_send(self):
        line = self.opened()
        self.stick.unplug()
        error = self.failed_send(line, "Hola")
        self.assertEqual((error.refused, error.kind, error.reconnect), (True, ErrorKind.MODEM, True))
        self.stick.replug()
        line.open()
        self.send(line, "Otra vez")
        self.assertEqual([sms.text for sms in self.stick.sent], ["Otra vez"])

    def test_it_says_a_lost_answer_may_have_been_sent(self):
        line = self.opened()
        self.stick.drop_next_answer("sms/send-sms")
        error = self.failed_send(line, "Hola")
        self.assertEqual((error.refused, error.reconnect), (False, True))
        self.assertEqual([sms.text for sms in self.stick.sent], ["Hola"])  # it did go: no retry may repeat it

    def test_it_reports_a_send_the_network_refused_after_the_stick_took_it(self):
        line = self.opened()
        self.stick.refuse_next_sends(1)
        error = self.failed_send(line, "Sin crédito")
        self.assertEqual((error.refused, error.kind, error.line_refusal), (True, ErrorKind.TRANSIENT, True))
        self.stick.set(network_refuses=True)
        error = self.failed_send(line, "Largo " * 40)  # several parts: some may have left
        self.assertFalse(error.refused)
        self.assertEqual(self.stick.sent, [])

    def test_it_empties_the_sent_box_when_the_memory_is_full_or_idle(self):
        line = self.opened(capacity=3, delivery_reports=False)
        for n in range(2):
            self.stick.inject_sms(OTHER, f"Mensaje {n}")
        for text in ("uno", "dos", "tres"):  # each sent copy fills the memory the inbox shares
            self.send(line, text)
        self.assertEqual([sms.text for sms in self.stick.sent], ["uno", "dos", "tres"])
        self.assertEqual([m.box for m in self.stick.stored], [1, 1, 2])  # the received ones stay until saved
        line.events(timeout=0.1)  # idle: the copies go, so that replies find room
        self.assertEqual([m.box for m in self.stick.stored], [1, 1])

    # Receiving -------------------------------------------------------------------------------
    def test_it_receives_single_and_long_messages_and_deletes_them_once_saved(self):
        line = self.opened(part_gap=5)
        long_text = ("Quiero pedir dos cajas más para el viernes, por favor. " * 3).strip()
        self.stick.inject_sms(OTHER, "Hola, soy Ana", datetime.datetime(2026, 12, 1, 9, 30, tzinfo=LA_PAZ))
        self.stick.inject_sms(NUMBER, long_text)  # listed with its first part only, for now
        (short,) = line.events()
        self.assertEqual(
            short,
            Incoming(OTHER, "Hola, soy Ana", datetime.datetime(2026, 12, 1, 9, 30, tzinfo=LA_PAZ), handle=40000),
        )
        self.assertEqual(line.events(), [])  # given once, even before it is settled
        self.clock.advance(10)  # the other parts arrive
        (long,) = line.events(timeout=2)
        self.assertEqual((long.sender, long.text, long.concat), (NUMBER, long_text, None))
        line.settle([short, long])
        self.assertEqual(self.inbox(), [])

    def test_it_finds_what_arrived_while_it_was_away(self):
        line = self.opened(password=PASSWORD)
        line.close()
        self.stick.unplug()
        self.stick.inject_sms(OTHER, "Mientras tanto")  # the network keeps it
        self.stick.replug()
        line = self.line(self.stick.url, password=PASSWORD)
        line.open()
        (message,) = line.stored()
        self.assertEqual((message.sender, message.text), (OTHER, "Mientras tanto"))
        self.assertEqual(line.events(), [])  # stored() gave it already
        line.settle([message])
        self.assertEqual(line.stored(), [])

    def test_it_reads_every_page_of_the_inbox(self):
        line = self.opened()
        for n in range(45):
            self.stick.inject_sms(OTHER, f"Mensaje {n}")
        self.assertEqual(sorted(event.text for event in line.stored()), sorted(f"Mensaje {n}" for n in range(45)))

    def test_it_turns_report_entries_into_delivery_reports(self):
        line = self.opened()
        before = datetime.datetime.now(LA_PAZ).replace(microsecond=0)
        self.send(line, "Con reporte")
        (delivered,) = line.events()
        self.stick.set(report_status=0x41)
        self.send(line, "Número dado de baja", OTHER)
        (failed,) = line.events()
        self.assertIsInstance(delivered, DeliveryReport)
        self.assertEqual((delivered.reference, delivered.recipient, delivered.status), ("", NUMBER, 0))
        self.assertEqual((delivered.delivered, delivered.final), (True, True))
        self.assertLessEqual(abs(delivered.submitted_at - before), datetime.timedelta(seconds=5))
        self.assertEqual((failed.recipient, failed.delivered, failed.final, failed.status), (OTHER, False, True, 0x40))
        line.settle([delivered, failed])
        self.assertEqual(self.inbox(), [])

    # USSD ------------------------------------------------------------------------------------
    def test_it_reads_the_balance_over_ussd(self):
        line = self.opened(password=PASSWORD)
        answer = line.ussd("*105#")
        self.assertEqual((answer.status, answer.text), (0, "Su saldo es Bs 12.50, vigente hasta 31/12/2026"))
        with self.assertRaises(TransportError) as caught:
            line.ussd("*999#")
        self.assertEqual(caught.exception.params, {"code": "*999#"})
        self.assertEqual(line.ussd("*105#").text[:11], "Su saldo es")  # the session was released
