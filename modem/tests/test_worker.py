"""The worker against the simulated modem, through the real pyserial path on a pty."""

import datetime
import tempfile
import threading
import time
from pathlib import Path

from django.test import TransactionTestCase
from django.utils import timezone, translation

from messaging.models import IncomingCall, IncomingMessage, MessagingSettings, OutgoingMessage
from messaging.models import MessageStatus as S
from messaging.services import message_transition, messages_transition
from modem.at import pdu
from modem.at.errors import PortError
from modem.models import CommandKind, CommandStatus, Modem, ModemCommand, ModemState
from modem.transports.base import SubmitFailed
from modem.worker import Worker
from simulators.simulator import SimulatedModem


def queue(phone: str, text: str, **fields) -> OutgoingMessage:
    message = OutgoingMessage.objects.create(phone=phone, text=text, **fields)
    message_transition(message.pk, old=S.PENDING, new=S.QUEUED)
    return message


class WorkerTestCase(TransactionTestCase):
    sim_settings: dict = {}

    def setUp(self):
        folder = Path(tempfile.mkdtemp(prefix="sim-"))
        self.sim = SimulatedModem(latency=0, report_delay=0, ussd_delay=0, **self.sim_settings)
        self.sim.start(link=str(folder / "modem"))
        self.addCleanup(self.sim.stop)
        MessagingSettings.objects.update_or_create(
            pk=1, defaults={"window_start": datetime.time(0), "window_end": datetime.time(0)}
        )
        self.modem = Modem.objects.create(
            name="sim", port=str(folder / "modem"), rate_per_minute=0, rate_per_day=0, command_timeout=5
        )
        self.worker = Worker(modem=self.modem)
        self.worker.connect()
        self.addCleanup(self.worker.disconnect)
        self.worker.housekeeping()

    def send_all(self) -> int:
        count = 0
        while self.worker.send_one():
            count += 1
        return count

    def settle(self, seconds: float = 0.3) -> None:
        """Let the modem's unsolicited lines arrive and handle them, as the idle loop does."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.worker.take(self.worker.line.events(max(0.0, deadline - time.monotonic())))
        self.worker.flush_reports()


class SendingTestCase(WorkerTestCase):
    def test_it_publishes_the_modem_status_on_connect(self):
        self.modem.refresh_from_db()
        self.assertEqual(self.modem.state, ModemState.READY)
        self.assertEqual((self.modem.manufacturer, self.modem.model), ("huawei", "E173"))
        self.assertEqual(self.modem.operator, "ENTEL")
        self.assertIsNotNone(self.modem.signal_dbm)
        self.assertTrue(self.modem.is_alive())

    def test_it_sends_single_multipart_accented_and_extension_texts(self):
        texts = {
            "+59170000001": "Hola Juan, su cuota vence hoy.",
            "+59170000002": "Estimado cliente " * 12,  # 204 chars: 2 GSM-7 parts
            "+59170000003": "Señor Núñez, su cuota N° 3 de Bs 150,50 vence el miércoles. ¿Pagó? Gracias.",
            "+59170000004": "Total: 25 € [ref {A1}] ~ saldo^2 | OK",
        }
        messages = {phone: queue(phone, text) for phone, text in texts.items()}
        self.assertEqual(self.send_all(), 4)
        by_number: dict[str, list] = {}
        for part in self.sim.sent:
            by_number.setdefault(part.number, []).append(part)
        for phone, text in texts.items():
            with self.subTest(phone=phone):
                parts = sorted(by_number[phone], key=lambda p: p.concat.sequence if p.concat else 1)
                self.assertEqual("".join(p.text for p in parts), text)
                message = OutgoingMessage.objects.get(pk=messages[phone].pk)
                self.assertIn(message.status, (S.SENT, S.DELIVERED))
                self.assertEqual(message.segments, len(parts))
                self.assertEqual(
                    sorted(message.parts.values_list("reference", flat=True)), sorted(str(p.mr) for p in parts)
                )
        self.assertEqual(len(by_number["+59170000002"]), 2)
        self.assertEqual(by_number["+59170000003"][0].encoding, "UCS2")

    def test_the_spanish_shift_table_keeps_accents_in_gsm7(self):
        Modem.objects.filter(pk=self.modem.pk).update(spanish_encoding="SPANISH_SHIFT")
        self.modem.refresh_from_db()
        queue("+59170000005", "Cuota vencida: pagó el miércoles, según Álvaro.")
        self.send_all()
        (part,) = self.sim.sent
        self.assertEqual(part.text, "Cuota vencida: pagó el miércoles, según Álvaro.")
        self.assertEqual(pdu.decode_submit(part.pdu).encoding, pdu.Encoding.SPANISH_SHIFT)

    def test_a_delivery_report_marks_the_message_delivered(self):
        message = queue("+59170000006", "Hola")
        self.send_all()
        self.settle()
        message.refresh_from_db()
        self.assertEqual(message.status, S.DELIVERED)
        self.assertIsNotNone(message.delivered_at)

    def test_a_pending_message_goes_out_on_its_send_date_only(self):
        later = OutgoingMessage.objects.create(
            phone="+59170000007", text="mañana", send_date=timezone.localdate() + datetime.timedelta(days=1)
        )
        today = OutgoingMessage.objects.create(phone="+59170000008", text="hoy")
        self.worker._due.clear()
        self.worker.housekeeping()  # promotes today's PENDING to QUEUED
        self.assertEqual(self.send_all(), 1)
        self.assertIn(OutgoingMessage.objects.get(pk=today.pk).status, (S.SENT, S.DELIVERED))
        self.assertEqual(OutgoingMessage.objects.get(pk=later.pk).status, S.PENDING)

    def test_the_stop_switch_and_the_window_hold_messages(self):
        message = queue("+59170000009", "Hola")
        MessagingSettings.objects.filter(pk=1).update(sending_enabled=False)
        self.worker.settings = MessagingSettings.load()
        self.assertFalse(self.worker.send_one())
        now = timezone.localtime().time()
        start = (datetime.datetime.combine(datetime.date.today(), now) + datetime.timedelta(hours=2)).time()
        end = (datetime.datetime.combine(datetime.date.today(), now) + datetime.timedelta(hours=3)).time()
        MessagingSettings.objects.filter(pk=1).update(sending_enabled=True, window_start=start, window_end=end)
        self.worker.settings = MessagingSettings.load()
        self.assertFalse(self.worker.send_one())
        self.assertEqual(OutgoingMessage.objects.get(pk=message.pk).status, S.QUEUED)
        # A person's test SMS goes out whatever the hour.
        test = queue("+59170000010", "prueba", is_test=True)
        self.assertTrue(self.worker.send_one())
        self.assertIn(OutgoingMessage.objects.get(pk=test.pk).status, (S.SENT, S.DELIVERED))

    def test_send_on_start_up_off_waits_for_a_start_after_the_worker_started(self):
        queue("+59170000011", "Hola")
        MessagingSettings.objects.filter(pk=1).update(send_on_startup=False, sending_changed_at=None)
        self.worker.settings = MessagingSettings.load()
        self.assertFalse(self.worker.send_one())
        MessagingSettings.objects.filter(pk=1).update(sending_changed_at=timezone.now())
        self.worker.settings = MessagingSettings.load()
        self.assertTrue(self.worker.send_one())

    def test_pacing_holds_a_sim_at_its_rate(self):
        Modem.objects.filter(pk=self.modem.pk).update(rate_per_minute=2)
        self.modem.refresh_from_db()
        self.worker.pacer = self.worker.new_pacer()
        for i in range(4):
            queue(f"+5917000002{i}", "Hola")
        self.assertEqual(self.send_all(), 2)
        self.assertEqual(OutgoingMessage.objects.filter(status=S.QUEUED).count(), 2)
        # The status bar can say why the other two wait, and until when.
        self.modem.refresh_from_db()
        self.assertEqual(self.modem.waiting_reason, "MINUTE")
        self.assertGreater(self.modem.waiting_until, timezone.now())
        from shell.status import status_bar

        with translation.override("en"):
            why = status_bar().why
        self.assertTrue(any("2 SMS per minute" in reason and "sends again at" in reason for reason in why), why)


class ErrorsTestCase(WorkerTestCase):
    def test_no_credit_fails_the_message_with_a_spanish_reason(self):
        self.sim.set(no_credit=True)
        message = queue("+59170000030", "Hola")
        self.send_all()
        message.refresh_from_db()
        self.assertEqual(message.status, S.FAILED)
        self.assertIn("sin crédito", message.result)
        self.assertIn("+CMS ERROR: 21", message.result)

    def test_a_line_without_credit_pauses_instead_of_failing_the_whole_queue(self):
        self.sim.set(no_credit=True)
        messages = [queue(f"+5917000005{i}", "Hola") for i in range(6)]
        self.send_all()
        states = [OutgoingMessage.objects.get(pk=m.pk).status for m in messages]
        self.assertEqual(states, [S.FAILED, S.FAILED, S.QUEUED, S.QUEUED, S.QUEUED, S.QUEUED])
        self.modem.refresh_from_db()
        self.assertEqual(self.modem.state, ModemState.ERROR)
        self.assertIn("pausado", self.modem.last_error)

    def test_a_transient_error_is_retried_later(self):
        self.sim.set(cms_error_rate=1.0, error_code=42)
        message = queue("+59170000031", "Hola")
        self.assertTrue(self.worker.send_one())
        message.refresh_from_db()
        self.assertEqual(message.status, S.QUEUED)
        self.assertEqual(message.attempts, 1)
        self.assertGreater(message.next_attempt_at, timezone.now())
        self.assertIn("congestionada", message.result)
        self.assertFalse(self.worker.send_one())  # not before its time
        OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        self.sim.set(cms_error_rate=0.0)
        self.assertTrue(self.worker.send_one())
        self.assertIn(OutgoingMessage.objects.get(pk=message.pk).status, (S.SENT, S.DELIVERED))

    def test_a_message_taken_over_at_the_prompt_is_not_written_to_the_modem(self):
        message = queue("+59170000033", "Hola")

        def take_over():
            # Another worker decided this one was dead and queued its message again.
            messages_transition(OutgoingMessage.objects.filter(pk=message.pk), old=[S.SENDING], new=S.QUEUED)

        self.sim.on_next_send(take_over, when="prompt")
        self.assertTrue(self.worker.send_one())
        self.assertEqual(self.sim.sent, [])
        self.assertEqual(OutgoingMessage.objects.get(pk=message.pk).status, S.QUEUED)
        self.assertTrue(self.worker.send_one())  # the modem is still usable afterwards
        self.assertEqual([part.text for part in self.sim.sent], ["Hola"])

    def test_a_modem_that_refuses_for_lack_of_network_keeps_the_message_queued(self):
        self.sim.set(cms_error_rate=1.0, error_code=331)
        message = queue("+59170000034", "Hola")
        with self.assertRaises(SubmitFailed) as caught:
            self.worker.send_one()
        self.assertTrue(caught.exception.refused and caught.exception.reconnect)
        message.refresh_from_db()
        # An error line is a refusal: it did not leave, so it waits, not "may have been sent".
        self.assertEqual((message.status, message.handed_at, message.attempts), (S.QUEUED, None, 0))

    def test_an_unencodable_message_fails_alone(self):
        bad = queue("", "Hola")
        good = queue("+59170000035", "Hola")
        self.send_all()
        bad.refresh_from_db()
        self.assertEqual(bad.status, S.FAILED)
        self.assertIn("no se puede preparar para el envío", bad.result)
        self.assertIn(OutgoingMessage.objects.get(pk=good.pk).status, (S.SENT, S.DELIVERED))

    def test_a_disabled_modem_does_not_send(self):
        message = queue("+59170000036", "Hola")
        Modem.objects.filter(pk=self.modem.pk).update(enabled=False)
        self.worker._due.clear()
        self.worker.housekeeping()
        self.assertFalse(self.worker.send_one())
        self.assertEqual(OutgoingMessage.objects.get(pk=message.pk).status, S.QUEUED)

    def test_an_unplugged_modem_keeps_the_message_for_later(self):
        message = queue("+59170000032", "Hola")
        self.sim.on_next_send(self.sim.unplug, when="prompt")
        with self.assertRaises(SubmitFailed) as caught:
            self.worker.send_one()
        self.assertIsInstance(caught.exception.__cause__, PortError)
        self.assertTrue(caught.exception.reconnect, "a vanished modem is reconnected")
        message.refresh_from_db()
        # Unplugged before the PDU was written: it never left, so it is queued again.
        self.assertEqual(message.status, S.QUEUED)


class ReceivingTestCase(WorkerTestCase):
    def test_it_stores_an_sms_that_arrives_while_sending_and_clears_the_sim(self):
        message = queue("+59170000040", "Su cuota vence hoy")
        self.sim.on_next_send(lambda: self.sim.inject_sms("+59171111111", "Ya pagué, gracias"), when="answer")
        self.send_all()
        self.settle()
        self.worker._due.clear()
        self.worker.housekeeping()
        self.assertEqual(OutgoingMessage.objects.get(pk=message.pk).status, S.DELIVERED)
        incoming = IncomingMessage.objects.get()
        self.assertEqual((incoming.phone, incoming.text), ("+59171111111", "Ya pagué, gracias"))
        self.assertEqual(self.sim.stored, [])

    def test_it_joins_a_multipart_reply(self):
        text = "Buenas tardes, quisiera saber cuánto debo de la cuota de este mes y si puedo pagar en dos partes. " * 2
        self.sim.inject_sms("+59172222222", text)
        self.settle(0.5)
        self.assertEqual(list(IncomingMessage.objects.values_list("text", flat=True)), [text])
        self.assertEqual(self.sim.stored, [])

    def test_it_reads_what_arrived_while_it_was_not_listening(self):
        self.worker.disconnect()
        self.sim.inject_sms("+59173333333", "¿Hola?")
        self.worker.connect()
        self.worker.read_storage()
        self.assertEqual(IncomingMessage.objects.get().text, "¿Hola?")

    def test_a_call_is_stored_once_per_ringing(self):
        self.sim.ring("+59174444444", times=3, interval=0.05)
        self.settle(0.6)
        self.assertEqual(list(IncomingCall.objects.values_list("phone", flat=True)), ["+59174444444"])

    def test_it_runs_ussd_and_detect_ports_for_the_web(self):
        ussd = ModemCommand.objects.create(modem=self.modem, kind=CommandKind.USSD, argument="*105#")
        ports = ModemCommand.objects.create(modem=self.modem, kind=CommandKind.DETECT_PORTS)
        self.worker.run_commands()
        ussd.refresh_from_db()
        ports.refresh_from_db()
        self.assertEqual(ussd.status, CommandStatus.DONE)
        self.assertIn("saldo", ussd.result["text"].lower())
        self.assertEqual(ports.status, CommandStatus.DONE)
        self.assertIsInstance(ports.result["ports"], list)


class ReconnectTestCase(WorkerTestCase):
    def test_the_run_loop_survives_an_unplug_and_sends_everything_once(self):
        messages = [queue(f"+5917100{i:04d}", f"Mensaje {i}") for i in range(30)]
        thread = threading.Thread(target=self.worker.run)
        self.worker.disconnect()
        thread.start()
        try:
            self.sim.wait_for_sent(5, timeout=10)
            self.sim.unplug()
            time.sleep(0.5)
            self.sim.replug()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if not OutgoingMessage.objects.filter(status__in=[S.QUEUED, S.SENDING]).exists():
                    break
                time.sleep(0.1)
        finally:
            self.worker.stop()
            thread.join(10)
        texts = [part.text for part in self.sim.sent]
        self.assertEqual(len(texts), len(set(texts)), "a message was sent twice")
        statuses = dict(OutgoingMessage.objects.values_list("pk", "status"))
        for message in messages:
            status = statuses[message.pk]
            sent = texts.count(message.text)
            self.assertIn(status, (S.SENT, S.DELIVERED, S.UNKNOWN))
            self.assertEqual(sent, 1 if status in (S.SENT, S.DELIVERED) else sent)


class DemoTestCase(WorkerTestCase):
    """The run command's demo: the Modem tab makes the simulated modem receive an SMS or a call."""

    def test_the_simulated_modem_receives_an_sms_and_a_call_and_lists_its_port(self):
        self.worker.simulator = self.sim
        for kind, argument in [
            (CommandKind.SIMULATE_SMS, "+59170000288\nYa pagué"),
            (CommandKind.SIMULATE_CALL, "+59170000288"),
        ]:
            ModemCommand.objects.create(modem=self.modem, kind=kind, argument=argument)
        ModemCommand.objects.create(modem=self.modem, kind=CommandKind.DETECT_PORTS)
        self.worker.run_commands()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not (IncomingMessage.objects.exists() and IncomingCall.objects.exists()):
            self.settle(0.2)
        self.assertEqual(IncomingMessage.objects.get().text, "Ya pagué")
        self.assertEqual(IncomingCall.objects.get().phone, "+59170000288")
        detection = ModemCommand.objects.get(kind=CommandKind.DETECT_PORTS)
        self.assertIn(self.modem.port, [port["device"] for port in detection.result["ports"]])

    def test_a_real_modem_refuses_to_simulate(self):
        ModemCommand.objects.create(modem=self.modem, kind=CommandKind.SIMULATE_SMS, argument="+59170000288\nHola")
        self.worker.run_commands()
        self.assertIn("error", ModemCommand.objects.get().result)
        self.assertFalse(IncomingMessage.objects.exists())
