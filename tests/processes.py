"""Helpers for tests that run the real commands as separate processes."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from simulators import control

BASE_DIR = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the test database, for child processes."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "root"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"mysql://{user}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 3306}/{settings['NAME']}"


def child_env(url: str | None = None) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="smsmotor.settings",
        DATABASE_URL=url or database_url(),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def manage(*args: str, log: Path, url: str | None = None) -> subprocess.Popen:
    """A manage.py command in its own process group, on the test database (or the one at `url`)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=child_env(url),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_simulator(
    link: Path, *, latency: float, log: Path, operator: str = "ENTEL", extra: tuple[str, ...] = ()
) -> subprocess.Popen:
    process = manage(
        "simulate_modem", "--link", str(link), "--latency", str(latency), "--operator", operator, *extra, log=log
    )
    control_path = f"{link}.ctl"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if Path(control_path).exists():
            try:
                control.send(control_path, cmd="status")
                return process
            except OSError:
                pass
        if process.poll() is not None:
            raise RuntimeError(f"simulate_modem exited: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    raise RuntimeError("simulate_modem did not start")


def sent_texts(link: Path) -> list[str]:
    """Every message the simulated network accepted, parts joined (by concat reference)."""
    reply = control.send(f"{link}.ctl", cmd="sent", timeout=20)
    return [sms["text"] for sms in reply["sent"]]


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateMariaDB:
    """A MariaDB server of a test's own, on a free port with a temporary data folder, to be
    killed and restarted at will: the machine's shared server is never touched."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return Path("/usr/sbin/mariadbd").exists() and shutil.which("mariadb-install-db") is not None

    @property
    def url(self) -> str:
        return f"mysql://root@127.0.0.1:{self.port}/smsmotor"

    def start(self) -> None:
        if not self.data.exists():
            subprocess.run(
                ["mariadb-install-db", "--no-defaults", f"--datadir={self.data}", "--user=root",
                 "--auth-root-authentication-method=normal", "--skip-test-db"],
                check=True, capture_output=True,
            )  # fmt: skip
        self.process = subprocess.Popen(
            ["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={self.data}", f"--port={self.port}",
             "--bind-address=127.0.0.1", f"--socket={self.folder / 'sock'}", "--user=root", "--skip-log-bin"],
            stdout=(self.folder / "server.log").open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while self.sql("SELECT 1", check=False).returncode != 0:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"private MariaDB did not start: {(self.folder / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
        self.sql("CREATE DATABASE IF NOT EXISTS smsmotor CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")

    def kill(self) -> None:
        """A crash: SIGKILL, no shutdown."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def sql(self, statement: str, *, database: str = "", check: bool = True) -> subprocess.CompletedProcess:
        where = [f"--database={database}"] if database else []
        return subprocess.run(
            ["mysql", "--protocol=tcp", "-h127.0.0.1", f"-P{self.port}", "-uroot", "-N", "-B", *where, "-e", statement],
            check=check, capture_output=True, text=True,
        )  # fmt: skip
