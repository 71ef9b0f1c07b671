"""The crash test: 1 000 messages, worker processes killed with SIGKILL at random moments (and the
modem power-cycled now and then), against the simulated network's own record of what it accepted.

What must hold at the end, whatever was killed when:
- nothing reached the network twice, and nothing is lost: a message the network has in full is
  DELIVERED (or, rarely, still UNKNOWN); one it has only in part is UNKNOWN or FAILED and says so;
  one it never got is UNKNOWN (it was handed to the modem when a kill came), never SENT;
- delivery reports that arrived while no worker ran (stored by the modem) settle the messages that
  were UNKNOWN: at least 90 % of the UNKNOWNs that reached the network end DELIVERED;
- no restart ever reported a PIN or PUK problem: the SIM has a PIN and the worker has it right.
Runs on SQLite and on MariaDB (scripts/test.sh).
"""

import datetime
import os
import random
import signal
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from django.test import TransactionTestCase

from messaging.models import MessageStatus as S
from messaging.models import MessagingSettings, OutgoingMessage
from modem.at import pdu
from modem.models import Modem, ModemEvent
from simulators import control
from tests.processes import manage, start_simulator, stop

ARTIFACTS = Path(os.environ["TEST_ARTIFACTS"])
COUNT = 1000
REPORT_DELAY = 1.5  # seconds from the network's acceptance to its delivery report


class CrashTestCase(TransactionTestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="crash-"))
        self.logs = ARTIFACTS / "crash"
        self.logs.mkdir(parents=True, exist_ok=True)
        MessagingSettings.objects.update_or_create(
            pk=1, defaults={"window_start": datetime.time(0), "window_end": datetime.time(0)}
        )
        self.processes = []
        self.addCleanup(lambda: [stop(p) for p in self.processes])
        self.link = self.folder / "modem"
        log = self.logs / f"{self.id()}-sim.log"
        self.processes.append(start_simulator(self.link, latency=0.01, log=log, extra=("--pin", "1234")))
        # Room on the SIM for the reports that pile up while no worker runs, as a real modem's memory.
        self.control("set", report_delay=REPORT_DELAY, capacity=200)
        Modem.objects.create(
            name="m0", port=str(self.link), pin="1234", rate_per_minute=0, rate_per_day=0, command_timeout=5
        )

    def control(self, cmd: str, **fields):
        return control.send(f"{self.link}.ctl", cmd=cmd, timeout=30, **fields)

    def worker(self, *extra: str):
        process = manage("run_modem", "--modem", "m0", *extra, log=self.logs / f"{self.id()}-worker.log")
        self.processes.append(process)
        return process

    def queue(self) -> dict[str, str]:
        """Unique texts; one in ten long enough for two parts. Returns text -> phone."""
        texts = {}
        for i in range(COUNT):
            text = f"Cuota {i:04d}: su pago vence hoy."
            if i % 10 == 0:
                text += " Puede pagar en cualquier agencia o por banca movil; gracias por su puntualidad." * 2
            texts[text] = f"+5917{i:07d}"
        OutgoingMessage.objects.bulk_create(
            OutgoingMessage(phone=phone, text=text, segments=pdu.plan(text).segments) for text, phone in texts.items()
        )
        OutgoingMessage.objects.update(status=S.QUEUED)
        return texts

    def network(self) -> tuple[Counter, dict[str, int]]:
        """From the simulator's record: how many times each whole text arrived, and how many
        parts arrived of each multipart text."""
        whole: Counter = Counter()
        parts: dict[tuple, dict[int, str]] = defaultdict(dict)
        part_seen: Counter = Counter()
        for sms in self.control("sent")["sent"]:
            concat = sms["concat"]
            if not concat:
                whole[sms["text"]] += 1
                continue
            key = (sms["number"], concat["reference"], concat["total"])
            part_seen[(sms["number"], sms["text"])] += 1
            parts[key][concat["sequence"]] = sms["text"]
        self.assertEqual([k for k, n in part_seen.items() if n > 1], [], "a part reached the network twice")
        partial: dict[str, int] = {}
        for (_number, _reference, total), pieces in parts.items():
            text = "".join(pieces[i] for i in sorted(pieces))
            if len(pieces) == total:
                whole[text] += 1
            else:
                partial[text] = len(pieces)  # keyed by the beginning of the text
        return whole, partial

    def test_kill_9_at_random_loses_nothing_sends_nothing_twice_and_reports_settle_unknowns(self):
        texts = self.queue()
        rng = random.Random(os.getpid())
        kills = 0
        deadline = time.monotonic() + 240
        while OutgoingMessage.objects.filter(status=S.QUEUED).exists() and time.monotonic() < deadline:
            process = self.worker()
            time.sleep(rng.uniform(1.0, 3.0))
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            kills += 1
            if kills % 4 == 0:
                self.control("replug")  # a power cut of the modem too: PIN asked again
        self.assertGreaterEqual(kills, 5, "the queue went out too fast to test anything")
        self.assertEqual(self.worker("--exit-when-idle").wait(240), 0)
        time.sleep(REPORT_DELAY + 1.5)  # the last reports reach the SIM with nobody listening
        self.assertEqual(self.worker("--exit-when-idle").wait(120), 0)

        whole, partial = self.network()
        if os.environ.get("CRASH_DEBUG"):
            from messaging.models import SentPart

            stored = self.control("stored")["stored"]
            reports = self.control("reports")["reports"]
            print("stored on sim:", len(stored), "network reports:", len(reports))
            for message in OutgoingMessage.objects.filter(status=S.SENT)[:5]:
                parts = list(SentPart.objects.filter(message=message).values("reference", "sent_at", "reported_at"))
                mine = [r for r in reports if r["recipient"].endswith(message.phone[-8:])]
                print(message.pk, message.phone, parts, mine)
        self.assertEqual([t for t, n in whole.items() if n > 1], [], "sent twice")
        rows = {
            text: (status, result)
            for text, status, result in OutgoingMessage.objects.values_list("text", "status", "result")
        }
        states = Counter(status for status, _result in rows.values())
        wrong, unknown_reached, settled = [], 0, 0
        for text in texts:
            status, result = rows[text]
            reached = [p for p in partial if p in text]
            if whole[text]:
                if status == S.UNKNOWN:
                    unknown_reached += 1
                elif status == S.DELIVERED:
                    settled += bool(result)  # a result on a delivered message: it was UNKNOWN first
                else:
                    wrong.append((text[:12], status, "reached the network"))
            elif reached:
                if status not in (S.UNKNOWN, S.FAILED) or ("parts" not in result and "partes" not in result):
                    wrong.append((text[:12], status, "reached the network in part", result))
            elif status != S.UNKNOWN:
                wrong.append((text[:12], status, "never reached the network"))
        if os.environ.get("CRASH_DEBUG"):
            print("kills", kills, "states", states, "settled", settled, "unknown that reached", unknown_reached)
        self.assertEqual(wrong[:5], [], f"{len(wrong)} messages in a state the network contradicts; {states}")
        self.assertEqual(states[S.QUEUED] + states[S.SENDING] + states[S.SENT], 0, states)
        self.assertLessEqual(states[S.UNKNOWN], 2 * kills, "at most a message or two in doubt per kill")
        if settled + unknown_reached:
            self.assertGreaterEqual(settled / (settled + unknown_reached), 0.9, (settled, unknown_reached, states))
        alarms = list(
            ModemEvent.objects.filter(text__regex=r"\bPIN\b|\bPUK\b").values_list("text", flat=True).distinct()[:3]
        )
        self.assertEqual(alarms, [], "a restart reported a PIN or PUK problem")
        self.assertNotRegex(Modem.objects.get(name="m0").last_error, r"\bPIN\b|\bPUK\b")
