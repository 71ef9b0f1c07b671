"""The mixed run: two GSM modems, a HiLink stick, an Android phone and an SMPP account share one
queue of 3 000 messages, their run_modem workers killed with SIGKILL at random and started again,
until the queue is empty.

Whatever was killed when, every message ends exactly once: the simulated networks together
received each text at most once; a message SENT or DELIVERED is there exactly once; one never
handed is not left QUEUED or SENDING; only a message handed when a kill came may be UNKNOWN (on
the SMPP account, up to a window of ten in flight).
Runs on SQLite and on MariaDB (scripts/test.sh).
"""

import datetime
import os
import random
import signal
import tempfile
import time
from collections import Counter
from pathlib import Path

from django.test import TransactionTestCase

from messaging.models import MessageStatus as S
from messaging.models import MessagingSettings, OutgoingMessage
from modem.at import pdu
from modem.models import Modem
from tests.processes import manage, stop
from tests.test_transports import AndroidLine, AtLine, HiLinkLine, SmppLine, joined

ARTIFACTS = Path(os.environ["TEST_ARTIFACTS"])
COUNT = 3000


class MixedLinesTestCase(TransactionTestCase):
    def setUp(self):
        MessagingSettings.objects.update_or_create(
            pk=1, defaults={"window_start": datetime.time(0), "window_end": datetime.time(0)}
        )
        # Each line at 15-30 messages a second: the queue lasts long enough for every one to be
        # killed a few times.
        self.lines = {
            "at1": AtLine(Path(tempfile.mkdtemp(prefix="mixed-")), latency=0.03),
            "at2": AtLine(Path(tempfile.mkdtemp(prefix="mixed-")), latency=0.03),
            "stick": HiLinkLine(Path(tempfile.mkdtemp(prefix="mixed-")), answer_delay=0.03),
            "phone": AndroidLine(Path(tempfile.mkdtemp(prefix="mixed-")), latency=0.03),
            "smpp": SmppLine(Path(tempfile.mkdtemp(prefix="mixed-")), latency=0.5),
        }
        for name, line in self.lines.items():
            self.addCleanup(line.stop)
            Modem.objects.create(name=name, rate_per_minute=0, rate_per_day=0, **line.fields())
        self.logs = ARTIFACTS / "mixed"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.processes = []
        self.addCleanup(lambda: [stop(p) for p in self.processes])

    def worker(self, name: str, *extra: str):
        process = manage("run_modem", "--modem", name, *extra, log=self.logs / f"{self.id()}-{name}.log")
        self.processes.append(process)
        return process

    def test_five_lines_of_four_kinds_killed_at_random_send_each_message_exactly_once(self):
        texts = {}
        for i in range(COUNT):
            text = f"Cuota {i:04d}: su pago vence hoy."
            if i % 10 == 0:
                text += " Puede pagar en cualquier agencia o por banca movil; gracias por su puntualidad." * 2
            texts[text] = f"+5917{i:07d}"
        OutgoingMessage.objects.bulk_create(
            OutgoingMessage(phone=phone, text=text, segments=pdu.plan(text).segments, status=S.QUEUED)
            for text, phone in texts.items()
        )
        running = {name: self.worker(name) for name in self.lines}
        rng = random.Random(os.getpid())
        kills = Counter()
        order: list[str] = []
        deadline = time.monotonic() + 400
        while OutgoingMessage.objects.filter(status=S.QUEUED).exists() and time.monotonic() < deadline:
            time.sleep(rng.uniform(0.5, 2.0))
            if not order:  # every line in turn, in a random order each round: each is killed as often
                order = rng.sample(list(self.lines), len(self.lines))
            name = order.pop()
            os.killpg(running[name].pid, signal.SIGKILL)
            running[name].wait()
            kills[name] += 1
            running[name] = self.worker(name)
        for process in running.values():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        finals = [self.worker(name, "--exit-when-idle") for name in self.lines]
        self.assertEqual([process.wait(240) for process in finals], [0] * len(self.lines))
        self.assertGreaterEqual(min(kills[name] for name in self.lines), 2, f"every line killed: {kills}")

        received = Counter()
        by_line = {}
        for name, line in self.lines.items():
            texts_here = joined(line.sent())
            by_line[name] = len(texts_here)
            received.update(texts_here)
        self.assertEqual([t[:12] for t, n in received.items() if n > 1], [], "sent twice")
        self.assertTrue(all(by_line.values()), f"every line sent: {by_line}")
        states = dict(OutgoingMessage.objects.values_list("text", "status"))
        wrong = []
        for text, status in states.items():
            if status in (S.SENT, S.DELIVERED) and received[text] != 1:
                wrong.append((text[:12], status, received[text]))
            elif status not in (
                S.SENT,
                S.DELIVERED,
                S.UNKNOWN,
                S.FAILED if received[f"<partial {texts[text]}>"] else S.UNKNOWN,
            ):
                wrong.append((text[:12], status))
        totals = Counter(states.values())
        self.assertEqual(wrong[:5], [], f"{len(wrong)} messages the networks contradict; {totals}")
        in_doubt = 2 * sum(kills.values()) + (self.lines["smpp"].fields()["window"] - 2) * kills["smpp"]
        self.assertLessEqual(totals[S.UNKNOWN], in_doubt, "at most what was in flight, per kill")
        print(f"mixed run: kills {dict(kills)}, sent per line {by_line}, states {dict(totals)}")
