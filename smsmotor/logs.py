"""The event log: one text file per day, shared by every process of the installation.

`logging.handlers.TimedRotatingFileHandler` renames the file at midnight, which breaks as
soon as two processes (web, cluster, modem workers) write the same file. Here each record
goes to the file named after its own local date, opened in append mode, so any number of
processes can write side by side and a new file starts with the first record of a new day.
"""

import logging
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

FILE_SUFFIX = ".log"


def log_file_name(day) -> str:
    return f"smsmotor-{day.isoformat()}{FILE_SUFFIX}"


class DailyFileHandler(logging.Handler):
    def __init__(self, directory: str, time_zone: str | None = None, encoding: str = "utf-8"):
        super().__init__()
        self.directory = Path(directory)
        self.encoding = encoding
        self._time_zone = time_zone
        self._stream = None
        self._path: Path | None = None

    def _local_tz(self) -> ZoneInfo:
        if self._time_zone is None:
            # Settings are configured before logging, so the project's zone is known here.
            from django.conf import settings

            self._time_zone = settings.TIME_ZONE
        return ZoneInfo(self._time_zone)

    def path_for(self, created: float) -> Path:
        day = datetime.fromtimestamp(created, self._local_tz()).date()
        return self.directory / log_file_name(day)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if not self.is_enabled():
                return
            path = self.path_for(record.created)
            if path != self._path:
                self._open(path)
            self._stream.write(self.format(record) + "\n")
            self._stream.flush()
        except Exception:
            self.handleError(record)

    def is_enabled(self) -> bool:
        # The Server tab's "keep history" switch; see accounts.services.event_log_*.
        return os.environ.get("SMSMOTOR_EVENT_LOG", "on") != "off"

    def _open(self, path: Path) -> None:
        self._close_stream()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._stream = open(path, "a", encoding=self.encoding)  # noqa: SIM115 - kept open
        self._path = path

    def _close_stream(self) -> None:
        if self._stream is not None:
            self._stream.close()
        self._stream = None
        self._path = None

    def close(self) -> None:
        self.acquire()
        try:
            self._close_stream()
        finally:
            self.release()
        super().close()
