"""Workers against a database that goes away: a MariaDB server of the test's own, killed and
started again; the machine's shared server is never touched.

- a worker keeps going through a database crash and restart, and sends everything once;
- a worker asked to stop (SIGTERM) while the database is down stops at once, leaving its message
  for recovery, and a worker started later settles everything with nothing sent twice.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from collections import Counter
from pathlib import Path

from django.db import connection
from django.test import SimpleTestCase

from tests.processes import BASE_DIR, PrivateMariaDB, child_env, manage, sent_texts, start_simulator, stop

ARTIFACTS = Path(os.environ["TEST_ARTIFACTS"])
FINISHED = ("SENT", "DELIVERED")


@unittest.skipUnless(PrivateMariaDB.available(), "MariaDB's server binaries are not installed")
class DatabaseOutageTestCase(SimpleTestCase):
    databases: set[str] = set()  # everything goes through the private server

    def setUp(self):
        if connection.vendor != "mysql":
            self.skipTest("a MariaDB test: it runs once, in the MariaDB pass of the suite")
        self.folder = Path(tempfile.mkdtemp(prefix="outage-"))
        self.logs = ARTIFACTS / "outage"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.db = PrivateMariaDB(self.folder)
        self.db.start()
        self.addCleanup(self.db.kill)
        self.processes = []
        self.addCleanup(lambda: [stop(p) for p in self.processes])
        self.shell(
            "from messaging.models import MessagingSettings; import datetime;"
            "MessagingSettings.objects.update_or_create(pk=1, defaults={'window_start': datetime.time(0),"
            " 'window_end': datetime.time(0)})",
            migrate=True,
        )
        self.link = self.folder / "modem"
        self.processes.append(start_simulator(self.link, latency=0.05, log=self.log("sim")))
        self.shell(
            "from modem.models import Modem;"
            f"Modem.objects.create(name='m0', port='{self.link}', rate_per_minute=0, rate_per_day=0, command_timeout=5)"
        )

    def log(self, name: str) -> Path:
        return self.logs / f"{self.id()}-{name}.log"

    def shell(self, code: str, *, migrate: bool = False) -> None:
        env = child_env(self.db.url)
        if migrate:
            subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
        subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", code], cwd=BASE_DIR, env=env, check=True)

    def queue(self, count: int) -> list[str]:
        texts = [f"Aviso {i:03d}: su cuota vence hoy." for i in range(count)]
        self.shell(
            "from messaging.models import OutgoingMessage;"
            f"OutgoingMessage.objects.bulk_create(OutgoingMessage(phone=f'+5917{{i:07d}}', text=t, status='QUEUED')"
            f" for i, t in enumerate({texts!r}))"
        )
        return texts

    def states(self) -> dict[str, str]:
        rows = self.db.sql(
            "SELECT text, status FROM messaging_outgoingmessage", database="smsmotor"
        ).stdout.splitlines()
        return dict(row.split("\t") for row in rows)

    def worker(self, *extra: str) -> subprocess.Popen:
        process = manage("run_modem", "--modem", "m0", *extra, log=self.log("worker"), url=self.db.url)
        self.processes.append(process)
        return process

    def wait_for_finished(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while sum(status in FINISHED for status in self.states().values()) < count:
            self.assertLess(time.monotonic(), deadline, f"fewer than {count} messages sent in {timeout} s")
            time.sleep(0.2)

    def assert_exactly_once(self, texts: list[str]) -> Counter:
        sent = Counter(sent_texts(self.link))
        self.assertEqual([text for text, n in sent.items() if n > 1], [], "sent twice")
        states = self.states()
        for text in texts:
            if states[text] in FINISHED:
                self.assertEqual(sent[text], 1, f"{text} is {states[text]} but the network got it {sent[text]} times")
            else:
                self.assertEqual(states[text], "UNKNOWN", f"{text}: only a message in doubt may be missing")
        return Counter(states.values())

    def test_a_worker_goes_on_through_a_database_crash_and_restart(self):
        texts = self.queue(120)
        process = self.worker("--exit-when-idle")
        self.wait_for_finished(20)
        self.db.kill()
        time.sleep(2)
        self.db.start()
        self.assertEqual(process.wait(120), 0)
        states = self.assert_exactly_once(texts)
        self.assertEqual(states["SENT"] + states["DELIVERED"] + states["UNKNOWN"], 120)
        self.assertLessEqual(states["UNKNOWN"], 1)

    def test_sigterm_while_the_database_is_down_stops_the_worker_and_loses_nothing(self):
        texts = self.queue(60)
        process = self.worker()
        self.wait_for_finished(5)
        self.db.kill()
        time.sleep(1.5)  # the worker is now failing to save, or waiting for the database
        started = time.monotonic()
        os.killpg(process.pid, signal.SIGTERM)
        self.assertEqual(process.wait(20), 0, "the worker did not stop while the database was down")
        self.assertLess(time.monotonic() - started, 15)
        self.db.start()
        self.assertEqual(self.worker("--exit-when-idle").wait(120), 0)
        states = self.assert_exactly_once(texts)
        self.assertEqual(states["QUEUED"] + states["SENDING"], 0, states)
        self.assertLessEqual(states["UNKNOWN"], 1, states)
