"""The transport behavioural suite: the same tests for every kind of line, through the one interface
(modem.transports), each against its simulated device; the worker and its database are real.

A `Line` adapter says how to do a thing to its kind of device (make it refuse, lose an answer,
vanish); the tests themselves do not know which kind they drive. In process: send, multipart,
refusal, uncertain answer, incoming, delivery report, reconnect after the device vanished. As
separate processes (run_modem, killed with SIGKILL during sends): nothing sent twice, nothing lost.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import random
import signal
import socket
import tempfile
import time
from collections import Counter
from pathlib import Path

from django.test import TransactionTestCase
from django.utils import timezone

from messaging.models import IncomingMessage, MessagingSettings, OutgoingMessage
from messaging.models import MessageStatus as S
from messaging.services import message_transition
from modem.at import pdu
from modem.models import Modem, TransportKind
from modem.transports.base import SubmitFailed, TransportError
from modem.worker import Worker
from simulators.android import SimulatedPhone
from simulators.hilink import SimulatedStick
from simulators.simulator import SimulatedModem
from simulators.smsc import SimulatedSmsc
from tests.processes import manage, stop

ARTIFACTS = Path(os.environ["TEST_ARTIFACTS"])
LONG = "Estimado cliente, le recordamos que su cuota vence hoy. " * 6  # three parts in GSM-7


def joined(sent) -> list[str]:
    """What the network received, long messages joined part by part (by number and reference)."""
    whole, parts = [], {}
    for sms in sent:
        if sms.concat is None:
            whole.append(sms.text)
            continue
        key = (sms.number, sms.concat.reference, sms.concat.total)
        parts.setdefault(key, {})[sms.concat.sequence] = sms.text
    for (number, _reference, total), pieces in parts.items():
        # A message only part of which reached the network (a kill between its parts): by number.
        whole.append("".join(pieces[i] for i in sorted(pieces)) if len(pieces) == total else f"<partial {number}>")
    return whole


class AtLine:
    """A GSM modem on a pseudo-terminal (simulators.simulator)."""

    kind = TransportKind.AT

    def __init__(self, folder: Path, latency: float = 0.0):
        self.link = folder / "modem"
        self.sim = SimulatedModem(latency=latency, report_delay=0, ussd_delay=0)
        self.sim.start(link=str(self.link))

    def fields(self) -> dict:
        return {"transport": self.kind, "port": str(self.link), "command_timeout": 5}

    def sent(self):
        return self.sim.sent

    def inject_sms(self, sender: str, text: str) -> None:
        self.sim.inject_sms(sender, text)

    def refuse_next(self) -> None:
        self.sim.set(cms_error_rate=1.0, error_code=21)  # "short message transfer rejected"

    def accept_again(self) -> None:
        self.sim.set(cms_error_rate=0.0)

    def lose_next_answer(self) -> None:
        self.sim.on_next_send(self.sim.unplug, when="answer")  # the network has it; the modem vanishes

    def unplug(self) -> None:
        self.sim.unplug()

    def replug(self) -> None:
        self.sim.replug()

    def stop(self) -> None:
        self.sim.stop()


class HiLinkLine:
    """A Huawei HiLink stick's web API on a loopback port (simulators.hilink)."""

    kind = TransportKind.HILINK

    def __init__(self, folder: Path, latency: float = 0.0, answer_delay: float = 0.0, operator: str = "ENTEL"):
        self.sim = SimulatedStick(
            latency=latency, answer_delay=answer_delay, password="clave", use_sreport=True, operator=operator
        )
        self.url = self.sim.start()

    def fields(self) -> dict:
        return {"transport": self.kind, "url": self.url.rstrip("/"), "password": "clave", "command_timeout": 5}

    def sent(self):
        return self.sim.sent

    def inject_sms(self, sender: str, text: str) -> None:
        self.sim.inject_sms(sender, text)

    def refuse_next(self) -> None:
        self.sim.fail_next(113054, endpoint="sms/send-sms")  # the number is too long

    def accept_again(self) -> None:
        pass

    def lose_next_answer(self) -> None:
        self.sim.drop_next_answer(endpoint="sms/send-sms")

    def unplug(self) -> None:
        self.sim.unplug()

    def replug(self) -> None:
        self.sim.replug()

    def stop(self) -> None:
        self.sim.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AndroidLine:
    """An Android phone running SMS Gateway for Android, its local API on a loopback port
    (simulators.android); its webhooks reach the worker's listener on another port."""

    kind = TransportKind.ANDROID
    splits_itself = True

    def __init__(self, folder: Path, latency: float = 0.0):
        # The app's own retry of a webhook nobody took waits 10 s and more; here 0.2 s.
        self.sim = SimulatedPhone(latency=latency, per_minute=100_000, webhook_backoff=0.2, webhook_timeout=2)
        self.url = self.sim.start()
        self.listen = f"127.0.0.1:{free_port()}"

    def fields(self) -> dict:
        return {
            "transport": self.kind,
            "url": self.url.rstrip("/"),
            "username": "sms",
            "password": "clave",
            "signing_key": self.sim.settings.signing_key,
            "webhook_listen": self.listen,
            "command_timeout": 5,
        }

    def sent(self):
        """What reached the network, once the phone has sent what it took (it sends on its own time)."""
        with contextlib.suppress(TimeoutError):
            self.sim.wait_sent()
        return self.sim.sent

    def inject_sms(self, sender: str, text: str) -> None:
        self.sim.inject_sms(sender, text)

    def refuse_next(self) -> None:
        self.sim.refuse_next("post")  # the app's 400: nothing kept

    def accept_again(self) -> None:
        pass

    def lose_next_answer(self) -> None:
        self.sim.lose_next_answer(unplug=True)  # the phone keeps it and drops off the network

    def unplug(self) -> None:
        self.sim.unplug()

    def replug(self) -> None:
        self.sim.replug()

    def stop(self) -> None:
        self.sim.stop()


class SmppLine:
    """An SMPP account at an operator's SMSC on a loopback port (simulators.smsc)."""

    kind = TransportKind.SMPP

    long_messages = "udh"

    def __init__(self, folder: Path, latency: float = 0.0):
        self.sim = SimulatedSmsc(latency=latency, report_delay=0.05)
        self.host, self.port = self.sim.start()

    def fields(self) -> dict:
        return {
            "transport": self.kind,
            "url": f"{self.host}:{self.port}",
            "username": "smsmotor",
            "password": "clave",
            "window": 10,
            "long_messages": self.long_messages,
            "command_timeout": 5,
        }

    def sent(self):
        return self.sim.sent

    def inject_sms(self, sender: str, text: str) -> None:
        self.sim.inject_sms(sender, text)

    def refuse_next(self) -> None:
        self.sim.refuse_next(status=0x0B)  # ESME_RINVDSTADR: the number is not valid

    def accept_again(self) -> None:
        pass

    def lose_next_answer(self) -> None:
        self.sim.lose_next_answer()  # taken for the network, the connection drops before the answer

    def unplug(self) -> None:
        self.sim.unplug()
        # The session's end reaches the line's reader thread a moment later; a submit_sm written in
        # between meets a closed peer, which the line cannot tell from a lost answer (UNKNOWN).
        time.sleep(0.2)

    def replug(self) -> None:
        self.sim.replug()

    def stop(self) -> None:
        self.sim.stop()


class SmppPayloadLine(SmppLine):
    """The same account, giving long texts whole (message_payload): the SMSC splits them and
    sends one receipt for the whole message."""

    long_messages = "payload"


class Behaviour:
    """Mixed into one TransactionTestCase per kind of line: `line_class` says which."""

    line_class: type

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="line-"))
        self.line = self.line_class(self.folder)
        self.addCleanup(self.line.stop)
        MessagingSettings.objects.update_or_create(
            pk=1, defaults={"window_start": datetime.time(0), "window_end": datetime.time(0)}
        )
        self.modem = Modem.objects.create(name="line", rate_per_minute=0, rate_per_day=0, **self.line.fields())
        self.worker = Worker(modem=self.modem)
        self.worker.connect()
        self.addCleanup(self.worker.disconnect)
        self.worker.housekeeping()

    def queue(self, phone: str, text: str) -> OutgoingMessage:
        message = OutgoingMessage.objects.create(phone=phone, text=text, segments=pdu.plan(text).segments)
        message_transition(message.pk, old=S.PENDING, new=S.QUEUED)
        return message

    def settle(self, until, seconds: float = 8.0) -> None:
        """Let what the device announces arrive and be handled, as the idle loop does."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not until():
            self.worker.take(self.worker.line.events(0.2))
            self.worker.flush_reports()

    def status(self, message: OutgoingMessage) -> str:
        return OutgoingMessage.objects.get(pk=message.pk).status

    def test_sends_a_message_once_and_its_report_delivers_it(self):
        message = self.queue("+59170000101", "Su cuota vence hoy.")
        self.assertTrue(self.worker.send_one())
        self.assertIn(self.status(message), (S.SENT, S.DELIVERED))
        self.settle(lambda: self.status(message) == S.DELIVERED)
        self.assertEqual(self.status(message), S.DELIVERED)
        self.assertEqual(joined(self.line.sent()), ["Su cuota vence hoy."])

    def test_a_long_message_goes_in_parts_counted_once(self):
        message = self.queue("+59170000102", LONG)
        self.worker.send_one()
        self.settle(lambda: self.status(message) == S.DELIVERED)
        stored = OutgoingMessage.objects.get(pk=message.pk)
        self.assertEqual((stored.status, stored.segments), (S.DELIVERED, 3))
        if not getattr(self.line, "splits_itself", False):  # else the network saw one text, sent in 3
            self.assertEqual(len(self.line.sent()), 3)
        self.assertEqual(joined(self.line.sent()), [LONG])

    def test_a_refused_message_is_not_sent_and_not_in_doubt(self):
        message = self.queue("+59170000103", "Hola")
        self.line.refuse_next()
        try:
            self.worker.send_one()
        except SubmitFailed as error:
            self.assertTrue(error.refused)
        self.line.accept_again()
        self.assertIn(self.status(message), (S.FAILED, S.QUEUED))
        self.assertEqual(self.line.sent(), [])

    def test_an_answer_that_never_came_leaves_the_message_in_doubt_not_resent(self):
        message = self.queue("+59170000104", "Hola")
        self.line.lose_next_answer()
        with self.assertRaises(TransportError):
            self.worker.send_one()  # the device vanished or went silent: the worker reconnects
        self.assertEqual(self.status(message), S.UNKNOWN)
        self.worker.disconnect()
        self.line.replug()
        self.worker.connect()
        while self.worker.send_one():
            pass
        copies = joined(self.line.sent()).count("Hola")
        self.assertLessEqual(copies, 1, "never sent again by itself")
        if copies:  # the network had it after all: its report settles the doubt
            self.settle(lambda: self.status(message) == S.DELIVERED)
            self.worker.read_storage()
            self.settle(lambda: self.status(message) == S.DELIVERED)
            self.assertEqual(self.status(message), S.DELIVERED)
        else:
            self.assertEqual(self.status(message), S.UNKNOWN, "a person decides; never resent by itself")

    def test_an_incoming_sms_is_stored_once_and_cleared_from_the_device(self):
        self.line.inject_sms("+59171111111", "Ya pagué, gracias")
        self.settle(lambda: IncomingMessage.objects.exists())
        self.worker.read_storage()
        self.worker.read_storage()
        self.assertEqual(
            list(IncomingMessage.objects.values_list("phone", "text")), [("+59171111111", "Ya pagué, gracias")]
        )

    def test_what_arrived_while_nobody_listened_is_read_at_the_next_start(self):
        self.worker.disconnect()
        self.line.inject_sms("+59172222222", "¿Hola?")
        self.worker.connect()
        self.worker.read_storage()
        self.settle(lambda: IncomingMessage.objects.exists())  # or the device tries again (webhooks)
        self.assertEqual(IncomingMessage.objects.get().text, "¿Hola?")

    def test_after_the_device_vanishes_the_worker_reconnects_and_sends_the_rest(self):
        first = self.queue("+59170000105", "Primero")
        self.worker.send_one()
        self.line.unplug()
        second = self.queue("+59170000106", "Segundo")
        with self.assertRaises(TransportError):
            self.worker.send_one()
        self.assertEqual(self.status(second), S.QUEUED, "never handed: it waits")
        self.worker.disconnect()
        self.line.replug()
        self.worker.connect()
        while self.worker.send_one():
            pass
        self.assertEqual(sorted(joined(self.line.sent())), ["Primero", "Segundo"])
        self.assertIn(self.status(first), (S.SENT, S.DELIVERED))
        self.assertIn(self.status(second), (S.SENT, S.DELIVERED))


class AtBehaviourTestCase(Behaviour, TransactionTestCase):
    line_class = AtLine


class HiLinkBehaviourTestCase(Behaviour, TransactionTestCase):
    line_class = HiLinkLine


class AndroidBehaviourTestCase(Behaviour, TransactionTestCase):
    line_class = AndroidLine


class SmppBehaviourTestCase(Behaviour, TransactionTestCase):
    line_class = SmppLine


class SmppPayloadBehaviourTestCase(Behaviour, TransactionTestCase):
    line_class = SmppPayloadLine


class RoutingAcrossKindsTestCase(TransactionTestCase):
    """Routing by operator and rotation do not care which kind a line is."""

    def test_a_stick_on_viva_leaves_entel_numbers_to_a_working_entel_modem_until_it_stops(self):
        line = HiLinkLine(Path(tempfile.mkdtemp(prefix="route-")), operator="VIVA")
        self.addCleanup(line.stop)
        MessagingSettings.objects.update_or_create(
            pk=1,
            defaults={"window_start": datetime.time(0), "window_end": datetime.time(0), "route_by_operator": True},
        )
        entel = Modem.objects.create(
            name="entel", transport=TransportKind.AT, port="/dev/ttyUSB0", operator="ENTEL", state="READY",
            heartbeat_at=timezone.now(),
        )  # fmt: skip
        stick = Modem.objects.create(name="stick", rate_per_minute=0, rate_per_day=0, **line.fields())
        worker = Worker(modem=stick)
        worker.connect()
        self.addCleanup(worker.disconnect)
        worker.housekeeping()
        self.assertEqual(Modem.objects.get(pk=stick.pk).operator, "VIVA")
        for phone, text in [("+59171000001", "Para Entel"), ("+59170000001", "Para Viva")]:
            message = OutgoingMessage.objects.create(phone=phone, text=text, segments=1)
            message_transition(message.pk, old=S.PENDING, new=S.QUEUED)
        while worker.send_one():
            pass
        self.assertEqual(joined(line.sent()), ["Para Viva"])
        self.assertEqual(OutgoingMessage.objects.get(text="Para Entel").status, S.QUEUED)
        Modem.objects.filter(pk=entel.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=5))
        while worker.send_one():
            pass
        self.assertEqual(sorted(joined(line.sent())), ["Para Entel", "Para Viva"])


class KillTestCase(TransactionTestCase):
    """run_modem as separate processes, killed with SIGKILL at random moments while they send."""

    COUNT = 150

    def run_kills(self, line, window_kills: bool = False) -> None:
        """`window_kills`: the line has several messages in flight; a kill may leave each in doubt."""
        logs = ARTIFACTS / "transports"
        logs.mkdir(parents=True, exist_ok=True)
        MessagingSettings.objects.update_or_create(
            pk=1, defaults={"window_start": datetime.time(0), "window_end": datetime.time(0)}
        )
        Modem.objects.create(name="k0", rate_per_minute=0, rate_per_day=0, **line.fields())
        texts = {f"Cuota {i:03d}: vence hoy." + (" Gracias." * 20 if i % 10 == 0 else ""): f"+5917{i:07d}"
                 for i in range(self.COUNT)}  # fmt: skip
        OutgoingMessage.objects.bulk_create(
            OutgoingMessage(phone=phone, text=text, segments=pdu.plan(text).segments, status=S.QUEUED)
            for text, phone in texts.items()
        )
        rng = random.Random(os.getpid())
        processes, kills = [], 0
        self.addCleanup(lambda: [stop(p) for p in processes])
        deadline = time.monotonic() + 120
        while OutgoingMessage.objects.filter(status=S.QUEUED).exists() and time.monotonic() < deadline:
            process = manage("run_modem", "--modem", "k0", log=logs / f"{self.id()}-worker.log")
            processes.append(process)
            time.sleep(rng.uniform(1.5, 3.0))
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            kills += 1
        final = manage("run_modem", "--modem", "k0", "--exit-when-idle", log=logs / f"{self.id()}-worker.log")
        processes.append(final)
        self.assertEqual(final.wait(120), 0)
        self.assertGreaterEqual(kills, 3, "the queue went out too fast to test anything")
        print(f"{line.kind}: {kills} kills", Counter(OutgoingMessage.objects.values_list("status", flat=True)))

        received = Counter(joined(line.sent()))
        self.assertEqual([t for t, n in received.items() if n > 1], [], "sent twice")
        states = dict(OutgoingMessage.objects.values_list("text", "status"))
        lost = [t for t, status in states.items() if status in (S.QUEUED, S.SENDING)]
        self.assertEqual(lost, [], "left behind")
        for text, status in states.items():
            if received[f"<partial {texts[text]}>"]:
                self.assertIn(status, (S.UNKNOWN, S.FAILED), f"{text[:12]} reached the network in part")
            elif status in (S.SENT, S.DELIVERED):
                self.assertEqual(received[text], 1, f"{status} but the network has it {received[text]} times")
            elif status != S.UNKNOWN:
                self.fail(f"{text[:12]}: {status}")
        in_doubt = (line.fields()["window"] if window_kills else 2) * kills
        self.assertLessEqual(Counter(states.values())[S.UNKNOWN], in_doubt, "at most what was in flight, per kill")

    def test_at_modem(self):
        line = AtLine(Path(tempfile.mkdtemp(prefix="kill-")), latency=0.06)
        self.addCleanup(line.stop)
        self.run_kills(line)

    def test_hilink_stick(self):
        # Each HTTP answer takes 12 ms (a real stick: tens of ms): the queue lasts several kills.
        line = HiLinkLine(Path(tempfile.mkdtemp(prefix="kill-")), answer_delay=0.012)
        self.addCleanup(line.stop)
        self.run_kills(line)

    def test_android_phone(self):
        line = AndroidLine(Path(tempfile.mkdtemp(prefix="kill-")), latency=0.02)
        self.addCleanup(line.stop)
        self.run_kills(line)

    def test_smpp_account(self):
        # Each answer takes 0.6 s, ten in flight: the queue lasts several kills.
        line = SmppLine(Path(tempfile.mkdtemp(prefix="kill-")), latency=0.6)
        self.addCleanup(line.stop)
        self.run_kills(line, window_kills=True)


class AndroidRecallTestCase(TransactionTestCase):
    """A worker killed after handing a message to the phone leaves it UNKNOWN; the next one asks
    the phone by our id (each attempt's own) instead of leaving it to a person or sending again."""

    def setUp(self):
        self.line = AndroidLine(Path(tempfile.mkdtemp(prefix="recall-")))
        self.addCleanup(self.line.stop)
        MessagingSettings.objects.update_or_create(
            pk=1, defaults={"window_start": datetime.time(0), "window_end": datetime.time(0)}
        )
        self.modem = Modem.objects.create(name="phone", rate_per_minute=0, rate_per_day=0, **self.line.fields())

    def left_in_doubt(self, phone: str, text: str, *, reached_the_phone: bool) -> OutgoingMessage:
        """The state a SIGKILL right after the POST leaves: claimed, handed, then made UNKNOWN by recovery."""
        from messaging.services import message_mark_handed, messages_claim, messages_recover_abandoned
        from modem.transports.android import AndroidTransport

        message = OutgoingMessage.objects.create(phone=phone, text=text, segments=1)
        message_transition(message.pk, old=S.PENDING, new=S.QUEUED)
        (claimed,) = messages_claim(modem=self.modem, now=timezone.now(), today=timezone.localdate())
        self.assertTrue(message_mark_handed(claimed, now=timezone.now(), segments=1))
        if reached_the_phone:
            # As the killed worker's line was: its webhooks registered at the same address.
            host, port = self.line.listen.split(":")
            signing_key = self.line.sim.settings.signing_key
            transport = AndroidTransport(
                self.line.url, "sms", "clave", signing_key=signing_key, webhook_listen=(host, int(port))
            )
            transport.open()
            transport.submit(phone, text, on_handed=lambda: None, ident=Worker.ident(claimed))
            transport.close()
        messages_recover_abandoned(modems=[self.modem])
        self.assertEqual(OutgoingMessage.objects.get(pk=message.pk).status, S.UNKNOWN)
        return message

    def test_the_next_worker_asks_the_phone_what_became_of_messages_in_doubt(self):
        taken = self.left_in_doubt("+59170000201", "Llegó al celular", reached_the_phone=True)
        never = self.left_in_doubt("+59170000202", "Nunca llegó", reached_the_phone=False)
        worker = Worker(modem=self.modem)
        worker.connect()  # asks the phone about both
        self.addCleanup(worker.disconnect)
        self.assertEqual(OutgoingMessage.objects.get(pk=taken.pk).status, S.SENT, "the phone has it")
        self.assertEqual(OutgoingMessage.objects.get(pk=never.pk).status, S.QUEUED, "the phone never got it")
        worker.housekeeping()
        while worker.send_one():
            pass
        self.assertEqual(sorted(joined(self.line.sent())), ["Llegó al celular", "Nunca llegó"], "each once")
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and OutgoingMessage.objects.exclude(status=S.DELIVERED).exists():
            worker.take(worker.line.events(0.2))
        self.assertEqual(set(OutgoingMessage.objects.values_list("status", flat=True)), {S.DELIVERED})
