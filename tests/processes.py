"""Helpers for tests that run the real commands as separate processes."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from modem.sim import control

BASE_DIR = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the test database, for child processes."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "root"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"mysql://{user}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 3306}/{settings['NAME']}"


def child_env() -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="smsmotor.settings",
        DATABASE_URL=database_url(),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def manage(*args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=child_env(),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_simulator(link: Path, *, latency: float, log: Path, operator: str = "ENTEL") -> subprocess.Popen:
    process = manage("simulate_modem", "--link", str(link), "--latency", str(latency), "--operator", operator, log=log)
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
