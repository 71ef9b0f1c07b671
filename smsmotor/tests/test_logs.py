import logging
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from django.test import SimpleTestCase

from smsmotor.logs import DailyFileHandler

LA_PAZ = ZoneInfo("America/La_Paz")


class DailyFileHandlerTestCase(SimpleTestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.handler = DailyFileHandler(str(self.folder), time_zone="America/La_Paz")
        self.handler.setFormatter(logging.Formatter("%(message)s"))
        self.logger = logging.getLogger(f"test.daily.{id(self)}")
        self.logger.propagate = False
        self.logger.addHandler(self.handler)
        self.logger.setLevel(logging.INFO)

    def tearDown(self):
        self.logger.removeHandler(self.handler)
        self.handler.close()

    def test_it_starts_a_new_file_at_local_midnight(self):
        with time_machine.travel(datetime(2026, 11, 24, 23, 59, 58, tzinfo=LA_PAZ), tick=False) as clock:
            self.logger.info("before midnight")
            clock.move_to(datetime(2026, 11, 25, 0, 0, 1, tzinfo=LA_PAZ))
            self.logger.info("after midnight")
        files = sorted(p.name for p in self.folder.iterdir())
        self.assertEqual(files, ["smsmotor-2026-11-24.log", "smsmotor-2026-11-25.log"])
        self.assertEqual((self.folder / files[0]).read_text(), "before midnight\n")
        self.assertEqual((self.folder / files[1]).read_text(), "after midnight\n")

    def test_it_uses_the_local_date_not_utc(self):
        # 21:00 in La Paz is already the next day in UTC.
        with time_machine.travel(datetime(2026, 11, 24, 21, 0, tzinfo=LA_PAZ), tick=False):
            self.logger.info("evening")
        self.assertEqual([p.name for p in self.folder.iterdir()], ["smsmotor-2026-11-24.log"])

    def test_two_processes_append_to_the_same_file(self):
        other = DailyFileHandler(str(self.folder), time_zone="America/La_Paz")
        other.setFormatter(logging.Formatter("%(message)s"))
        self.logger.addHandler(other)
        try:
            with time_machine.travel(datetime(2026, 11, 24, 10, 0, tzinfo=LA_PAZ), tick=False):
                self.logger.info("both")
        finally:
            self.logger.removeHandler(other)
            other.close()
        self.assertEqual((self.folder / "smsmotor-2026-11-24.log").read_text(), "both\nboth\n")

    def test_exceptions_are_written_with_their_traceback(self):
        with time_machine.travel(datetime(2026, 11, 24, 10, 0, tzinfo=LA_PAZ), tick=False):
            try:
                raise RuntimeError("modem on fire")
            except RuntimeError:
                self.logger.exception("crash")
        text = (self.folder / "smsmotor-2026-11-24.log").read_text()
        self.assertIn("crash", text)
        self.assertIn("RuntimeError: modem on fire", text)
