"""The worker against every simulated family: a message goes out and its report settles it, an
SMS that arrives is stored and cleared from the modem, the balance code answers."""

import datetime
import tempfile
import time
from pathlib import Path

from django.test import TransactionTestCase

from messaging.models import IncomingMessage, MessagingSettings, OutgoingMessage
from messaging.models import MessageStatus as S
from messaging.services import message_transition
from modem.models import CommandKind, CommandStatus, Modem, ModemCommand
from modem.worker import Worker
from simulators.profiles import PROFILES
from simulators.simulator import SimulatedModem

NUMBER = "+59170000288"


class WorkerProfileTestCase(TransactionTestCase):
    def setUp(self):
        MessagingSettings.objects.update_or_create(
            pk=1, defaults={"window_start": datetime.time(0), "window_end": datetime.time(0)}
        )

    def worker_on(self, profile: str) -> tuple[SimulatedModem, Worker]:
        folder = Path(tempfile.mkdtemp(prefix="sim-"))
        sim = SimulatedModem(latency=0, report_delay=0, ussd_delay=0, profile=profile, seed=1)
        sim.start(link=str(folder / "modem"))
        self.addCleanup(sim.stop)
        modem = Modem.objects.create(
            name=profile, port=str(folder / "modem"), rate_per_minute=0, rate_per_day=0, command_timeout=5
        )
        worker = Worker(modem=modem)
        worker.connect()
        self.addCleanup(worker.disconnect)
        worker.housekeeping()
        return sim, worker

    def settle(self, worker: Worker, until, seconds: float = 3.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not until():
            worker.take(worker.line.events(0.2))
            worker.flush_reports()

    def test_every_family_sends_receives_and_answers_the_balance_code(self):
        for profile in PROFILES:
            with self.subTest(profile=profile):
                sim, worker = self.worker_on(profile)
                message = OutgoingMessage.objects.create(phone=NUMBER, text=f"Su cuota vence hoy ({profile}).")
                message_transition(message.pk, old=S.PENDING, new=S.QUEUED)
                self.assertTrue(worker.send_one())
                self.assertEqual(sim.sent[-1].text, message.text)
                reported = worker.line.at.reports != ""
                self.settle(worker, lambda m=message: OutgoingMessage.objects.get(pk=m.pk).status == S.DELIVERED)
                self.assertEqual(OutgoingMessage.objects.get(pk=message.pk).status, S.DELIVERED if reported else S.SENT)

                if PROFILES[profile].sms_storage:
                    sim.inject_sms(NUMBER, f"Ya pagué ({profile})")
                    self.settle(worker, lambda p=profile: IncomingMessage.objects.filter(text__contains=p).exists())
                    self.assertTrue(IncomingMessage.objects.filter(text=f"Ya pagué ({profile})").exists())
                    self.assertEqual([s for s in sim.stored if s.stat in (0, 1)], [], "read and cleared")

                command = ModemCommand.objects.create(modem=worker.modem, kind=CommandKind.USSD, argument="*105#")
                worker.line.at.ussd_notice_grace = worker.line.at.ussd_packed_after = 0.5
                worker.run_commands()
                command.refresh_from_db()
                self.assertEqual(command.status, CommandStatus.DONE, command.result)
                self.assertIn("Bs 12.50", command.result["text"])
                worker.disconnect()
