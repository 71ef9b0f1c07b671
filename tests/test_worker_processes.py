"""Real worker processes sharing one database: killed at random, several at once.

Nothing lost, nothing sent twice. Runs on SQLite and on MariaDB (scripts/test.sh).
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
from modem.models import Modem
from tests.processes import manage, sent_texts, start_simulator, stop

ARTIFACTS = Path(os.environ["TEST_ARTIFACTS"])
FINISHED = (S.SENT, S.DELIVERED)


class WorkerProcessesTestCase(TransactionTestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="workers-"))
        self.logs = ARTIFACTS / "processes"
        self.logs.mkdir(parents=True, exist_ok=True)
        MessagingSettings.objects.update_or_create(
            pk=1, defaults={"window_start": datetime.time(0), "window_end": datetime.time(0)}
        )
        self.processes = []
        self.addCleanup(lambda: [stop(p) for p in self.processes])

    def simulator(self, name: str, latency: float, operator: str = "ENTEL") -> Path:
        link = self.folder / name
        log = self.logs / f"{self.id()}-{name}-sim.log"
        self.processes.append(start_simulator(link, latency=latency, log=log, operator=operator))
        Modem.objects.create(name=name, port=str(link), rate_per_minute=0, rate_per_day=0, command_timeout=5)
        return link

    def worker(self, name: str, *extra: str):
        process = manage("run_modem", "--modem", name, *extra, log=self.logs / f"{self.id()}-{name}-worker.log")
        self.processes.append(process)
        return process

    def queue(self, count: int) -> list[str]:
        texts = [f"Recordatorio {i}: su cuota vence hoy." for i in range(count)]
        OutgoingMessage.objects.bulk_create(OutgoingMessage(phone=f"+5917{i:07d}", text=t) for i, t in enumerate(texts))
        return texts

    def assert_exactly_once(self, texts: list[str], sent: Counter, waiting_ok: bool = False) -> Counter:
        twice = [text for text, n in sent.items() if n > 1]
        self.assertEqual(twice, [], "sent twice")
        statuses = dict(OutgoingMessage.objects.values_list("text", "status"))
        for text in texts:
            status = statuses[text]
            if status in FINISHED:
                self.assertEqual(sent[text], 1, f"{text} is {status} but the network got it {sent[text]} times")
            elif waiting_ok and status == S.QUEUED:
                self.assertEqual(sent[text], 0, f"{text} is still queued but the network got it")
            else:
                # Only a message whose fate is unknown may be missing from the network's log.
                self.assertEqual(status, S.UNKNOWN, text)
        return Counter(statuses.values())

    def test_killing_the_worker_at_random_loses_nothing_and_sends_nothing_twice(self):
        link = self.simulator("m0", latency=0.02)
        texts = self.queue(150)
        rng = random.Random(os.getpid())
        for _round in range(8):
            process = self.worker("m0")
            time.sleep(rng.uniform(1.0, 2.5))
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        final = self.worker("m0", "--exit-when-idle")
        self.assertEqual(final.wait(120), 0)
        states = self.assert_exactly_once(texts, Counter(sent_texts(link)))
        self.assertEqual(states[S.QUEUED] + states[S.SENDING] + states[S.PENDING], 0)
        self.assertLessEqual(states[S.UNKNOWN], 8, "at most one message in doubt per kill")

    def test_three_workers_share_one_queue(self):
        links = [self.simulator(f"m{i}", latency=0.01) for i in range(3)]
        texts = self.queue(300)
        workers = [self.worker(f"m{i}", "--exit-when-idle") for i in range(3)]
        for process in workers:
            self.assertEqual(process.wait(120), 0)
        per_modem = [sent_texts(link) for link in links]
        sent = Counter(text for texts_of in per_modem for text in texts_of)
        states = self.assert_exactly_once(texts, sent)
        self.assertEqual(sum(states[s] for s in FINISHED), 300)
        self.assertTrue(all(per_modem), "every worker took a share of the queue")

    def test_3000_messages_routed_by_operator_through_three_workers_killed_at_random(self):
        operators = {"entel": ("ENTEL", "71"), "tigo": ("TIGO", "76"), "viva": ("VIVA", "70")}
        links = {name: self.simulator(name, latency=0.005, operator=op) for name, (op, _p) in operators.items()}
        MessagingSettings.objects.filter(pk=1).update(route_by_operator=True)
        workers = {name: self.worker(name) for name in operators}
        deadline = time.monotonic() + 30
        while Modem.objects.filter(state="READY").count() < 3 and time.monotonic() < deadline:
            time.sleep(0.1)  # "when one is up": all three are before the queue fills
        prefixes = [prefix for _op, prefix in operators.values()]
        texts = [f"Cuota {i}: vence hoy." for i in range(3000)]
        OutgoingMessage.objects.bulk_create(
            OutgoingMessage(phone=f"+591{prefixes[i % 3]}{i:06d}", text=text) for i, text in enumerate(texts)
        )
        rng = random.Random(os.getpid())
        for _kill in range(6):
            time.sleep(rng.uniform(0.5, 2.0))
            name = rng.choice(list(workers))
            os.killpg(workers[name].pid, signal.SIGKILL)
            workers[name].wait()
            workers[name] = self.worker(name)  # restarted at once, as systemd does
        for name in operators:  # the last round stops once everything has left
            os.killpg(workers[name].pid, signal.SIGKILL)
            workers[name].wait()
            workers[name] = self.worker(name, "--exit-when-idle")
        for process in workers.values():
            self.assertEqual(process.wait(240), 0)
        sent = Counter(text for link in links.values() for text in sent_texts(link))
        states = self.assert_exactly_once(texts, sent)
        self.assertEqual(states[S.QUEUED] + states[S.SENDING] + states[S.PENDING], 0)
        self.assertLessEqual(states[S.UNKNOWN], 9 * 1, "at most one message in doubt per kill")
        # Every message left through the modem of its operator, unless that modem was down
        # (an error until it connected again) when the message was claimed.
        modem_of_prefix = {prefix: name for name, (_op, prefix) in operators.items()}
        down = self.down_windows()
        wrong = []
        for phone, modem, claimed_at in OutgoingMessage.objects.filter(status__in=FINISHED).values_list(
            "phone", "modem__name", "claimed_at"
        ):
            own = modem_of_prefix[phone[4:6]]
            if modem != own and not any(start <= claimed_at <= end for start, end in down[own]):
                wrong.append((phone, modem, claimed_at))
        self.assertEqual(wrong[:5], [], f"{len(wrong)} messages left through another operator's modem")
        routed = OutgoingMessage.objects.filter(status__in=FINISHED).count() - len(wrong)
        self.assertGreater(routed, 2400)  # routing applied to the bulk, not only to some

    def down_windows(self) -> dict[str, list[tuple]]:
        """Per modem, the spans from an error in its Processing log to its next connection."""
        from modem.models import ModemEvent

        slack = datetime.timedelta(seconds=2)
        windows: dict[str, list[tuple]] = {name: [] for name in Modem.objects.values_list("name", flat=True)}
        for name in windows:
            start = None
            for event in ModemEvent.objects.filter(modem__name=name).order_by("created_at", "id"):
                if event.level == "ERROR" and start is None:
                    start = event.created_at - slack
                elif start is not None and event.text.startswith("Conectado"):
                    windows[name].append((start, event.created_at + slack))
                    start = None
            if start is not None:
                windows[name].append((start, start + datetime.timedelta(days=1)))
        return windows

    def test_sigterm_finishes_the_message_in_hand(self):
        link = self.simulator("m0", latency=0.5)
        texts = self.queue(20)
        process = self.worker("m0")
        deadline = time.monotonic() + 30
        while not OutgoingMessage.objects.filter(status__in=FINISHED).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGTERM)
        self.assertEqual(process.wait(30), 0)
        states = self.assert_exactly_once(texts, Counter(sent_texts(link)), waiting_ok=True)
        self.assertEqual(states[S.SENDING] + states[S.UNKNOWN], 0)
        self.assertGreater(states[S.QUEUED], 0, "stopped before the end of the queue")
        self.assertEqual(Modem.objects.get(name="m0").state, "DISCONNECTED")
