"""Page benchmark: the tables with a million messages in MariaDB, under 10 concurrent clients.

    .venv/bin/python bench/pages.py [--messages 1000000] [--duration 15] [--reuse]

Fills two MariaDB databases (1 000 and --messages messages, `manage.py fill_database`), serves
each with gunicorn on loopback and loads, with wrk (10 connections, 2 threads), the Outgoing
tab filtered by load ID and by phone, the Load history tab, the Incoming tab and the admin
changelist of outgoing messages, logged in as an administrator. Prints p50/p95 per page and
the ratio of the big database's p95 to the small one's. Targets: p95 under 300 ms, ratio
under 3x. --reuse keeps databases filled by an earlier run.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))
from common import verdict  # noqa: E402 - bench/ is the script folder

PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
LUA = str(BASE_DIR / "bench" / "p95.lua")


def mysql(sql: str) -> str:
    return subprocess.run(
        ["mysql", "--protocol=tcp", "-h127.0.0.1", "-uroot", "-N", "-e", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def env_for(database: str) -> dict:
    return dict(
        os.environ,
        DATABASE_URL=f"mysql://root@127.0.0.1:3306/{database}",
        DJANGO_SETTINGS_MODULE="smsmotor.settings",
        LOG_LEVEL="WARNING",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
    )


def manage(database: str, *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env_for(database), check=True, capture_output=True, text=True
    ).stdout


def prepare(database: str, messages: int, reuse: bool) -> None:
    exists = mysql(f"SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '{database}'") == "1"
    if reuse and exists:
        count = int(mysql(f"SELECT COUNT(*) FROM {database}.messaging_outgoingmessage"))
        if count >= messages:
            manage(database, "migrate", "-v0")  # the code may have moved on since it was filled
            print(f"{database}: reusing {count} messages")
            return
    mysql(f"DROP DATABASE IF EXISTS {database}; CREATE DATABASE {database} CHARACTER SET utf8mb4")
    manage(database, "migrate", "-v0")
    started = time.monotonic()
    manage(database, "fill_database", "--messages", str(messages), "--customers", str(max(1000, messages // 5)))
    mysql(f"ANALYZE TABLE {database}.messaging_outgoingmessage, {database}.loads_load")
    print(f"{database}: {messages} messages filled in {time.monotonic() - started:.0f} s")


SESSION = """
from django.contrib.auth import get_user_model, BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.modules import Module
from accounts.services import user_set_access
from loads.models import Load
from messaging.models import OutgoingMessage
user, _ = get_user_model().objects.get_or_create(username="bench-admin")
user_set_access(user=user, enabled=True, modules={Module.SERVER}, by=None)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
loads = list(Load.objects.order_by("id").values_list("id", flat=True))
load = loads[len(loads) // 2]
phone = OutgoingMessage.objects.filter(load_id=load).values_list("phone", flat=True).first()
print(session.session_key, load, phone)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(database: str, *, workers: int = 4, threads: int = 0) -> tuple[subprocess.Popen, str]:
    port = free_port()
    threading = ["--worker-class", "gthread", "--threads", str(threads)] if threads else []
    server = subprocess.Popen(
        [
            str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "smsmotor.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            *threading,
        ],
        cwd=BASE_DIR,
        env=env_for(database),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/login/", timeout=2)
            return server, url
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def wrk(url: str, cookie: str, duration: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c10",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            LUA,
            "-H",
            f"Cookie: sessionid={cookie}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("p50_ms", "p95_ms", "requests", "non2xx", "errors"):
            figures[parts[0]] = float(parts[1])
    return figures


def measure(database: str, duration: int) -> dict[str, dict]:
    manage(database, "collectstatic", "--noinput", "-v0")  # served by whitenoise, as in production
    cookie, load, phone = manage(database, "shell", "-c", SESSION).strip().splitlines()[-1].split()
    server, base = serve(database)
    pages = {
        "Outgoing, by load ID": f"/messages/outgoing/?load={load}",
        "Outgoing, by phone": f"/messages/outgoing/?phone={urllib.parse.quote(phone)}&date_from=&date_to=",
        "Outgoing, this month": "/messages/outgoing/",
        "Load history": "/loads/history/",
        "Incoming": "/messages/incoming/",
        "Admin changelist": "/admin/messaging/outgoingmessage/",
    }
    try:
        results = {}
        for name, path in pages.items():
            check = urllib.request.Request(base + path, headers={"Cookie": f"sessionid={cookie}"})
            with urllib.request.urlopen(check, timeout=30) as response:
                if response.status != 200 or "/login/" in response.url:
                    raise RuntimeError(f"{path}: {response.status} {response.url}")
            results[name] = wrk(base + path, cookie, duration)
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=15, help="Seconds of load per page")
    parser.add_argument("--reuse", action="store_true", help="Keep databases filled by an earlier run")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    prepare("smsmotor_pages_small", 1000, options.reuse)
    prepare("smsmotor_pages_big", options.messages, options.reuse)
    small = measure("smsmotor_pages_small", options.duration)
    big = measure("smsmotor_pages_big", options.duration)
    print(f"\n{'page':24} {'1 000: p50/p95 ms':>20} {options.messages:>9,}: p50/p95 ms   ratio   verdict")
    for name, figures in big.items():
        base = small[name]
        ratio = figures["p95_ms"] / base["p95_ms"]
        ok = figures["p95_ms"] < 300 and ratio < 3 and not figures["non2xx"] and not figures["errors"]
        print(
            f"{name:24} {base['p50_ms']:>9.0f}/{base['p95_ms']:<9.0f}"
            f" {figures['p50_ms']:>11.0f}/{figures['p95_ms']:<10.0f}"
            f" {ratio:5.2f}x  [p95 < 300 ms, < 3x: {verdict(ok)}] ({figures['requests']:.0f} requests,"
            f" {figures['non2xx']:.0f} non-2xx)"
        )


if __name__ == "__main__":
    main()
