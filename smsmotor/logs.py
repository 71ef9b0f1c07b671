"""The event log: one text file per day, shared by every process of the installation.

`logging.handlers.TimedRotatingFileHandler` renames the file at midnight, which breaks as
soon as two processes (web, cluster, modem workers) write the same file. Here each record
goes to the file named after its own local date, opened in append mode, so any number of
processes can write side by side and a new file starts with the first record of a new day.
"""

import logging
import re
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

FILE_SUFFIX = ".log"
FILE_NAME = re.compile(r"smsmotor-\d{4}-\d{2}-\d{2}\.log")
# Present in the log folder while the Server tab's "keep history" is off; every process of
# this machine looks at it every CHECK_SECONDS.
DISABLED_MARKER = ".history-off"
CHECK_SECONDS = 2.0


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
        self._enabled = True
        self._checked_at = float("-inf")

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
        """The Server tab's "keep history" switch (a marker file, so every process sees it
        within seconds); also notices that "clear" deleted the file it was writing."""
        now = time.monotonic()
        if now - self._checked_at >= CHECK_SECONDS:
            self._checked_at = now
            self._enabled = not (self.directory / DISABLED_MARKER).exists()
            if self._path is not None and not self._path.exists():
                self._close_stream()  # deleted under us: start the file again
        return self._enabled

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


# --- The Server tab's view of the files -----------------------------------------------------


def event_log_files(directory: str | Path) -> list[dict]:
    """The daily files, newest first: name, size in bytes, last change."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    files = []
    for path in folder.iterdir():
        if FILE_NAME.fullmatch(path.name) and path.is_file():
            stat = path.stat()
            files.append({"name": path.name, "size": stat.st_size, "modified": stat.st_mtime})
    return sorted(files, key=lambda item: item["name"], reverse=True)


def event_log_path(directory: str | Path, name: str) -> Path | None:
    """The file of that name, or None: only names the handler writes, never a path."""
    if not FILE_NAME.fullmatch(name):
        return None
    path = Path(directory) / name
    return path if path.is_file() else None


def event_log_clear(directory: str | Path) -> int:
    """Delete every daily file; writers start a new one with their next record."""
    count = 0
    for item in event_log_files(directory):
        (Path(directory) / item["name"]).unlink(missing_ok=True)
        count += 1
    _recheck_handlers()
    return count


def _recheck_handlers() -> None:
    """This process's handlers see a change at once; the others within CHECK_SECONDS."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, DailyFileHandler):
            handler._checked_at = float("-inf")


def event_log_enabled(directory: str | Path) -> bool:
    return not (Path(directory) / DISABLED_MARKER).exists()


def event_log_set_enabled(directory: str | Path, enabled: bool) -> None:
    marker = Path(directory) / DISABLED_MARKER
    if enabled:
        marker.unlink(missing_ok=True)
    else:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    _recheck_handlers()


class NoClientErrorTraceback(logging.Filter):
    """A request refused or not found (4xx) is logged as one line, without the traceback of the
    PermissionDenied or Http404 behind it; a server error (5xx) keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
