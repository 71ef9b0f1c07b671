"""The HTTP API under load, SQLite and MariaDB side by side.

    .venv/bin/python bench/api.py [--duration 10] [--clients 20] [--workers 8] [--database sqlite|mariadb]

For each database: a fresh migrated database (SQLite in a temporary folder, MariaDB
`smsmotor_bench_api` on 127.0.0.1:3306), gunicorn on a loopback port, an API key without rate
limit, then
- a batch of 10 000 messages in one POST /api/v1/batches, three times (target: under 1 s);
- single POST /api/v1/messages from `--clients` concurrent clients for `--duration` seconds, each
  with its own Idempotency-Key (target: p95 under 50 ms), twice: paced (each client sends
  `--rate` requests a second, an open loop: a late answer does not delay the next send) and
  saturated (each client sends again as soon as answered: the throughput, and by Little's law a
  latency of clients / throughput).
Every phase is bounded in time; the server is stopped by its process group at the end.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))
from common import verdict  # noqa: E402 - bench/ is the script folder

PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
MARIADB = "smsmotor_bench_api"
BATCH = 10_000
BATCH_TARGET = 1.0
P95_TARGET = 0.050

MAKE_KEY = """
from django.contrib.auth import get_user_model
from accounts.modules import Module
from accounts.services import user_set_access
from api.models import ApiKey
from api.services import api_key_create
user = get_user_model().objects.create_user(username="bench", password="x")
user_set_access(user=user, enabled=True, modules={Module.SERVER}, by=None)
key, plain = api_key_create(user=user, name="bench")
ApiKey.objects.filter(pk=key.pk).update(rate_per_minute=0)
print(plain)
"""


def env_for(url: str) -> dict:
    return dict(
        os.environ,
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="smsmotor.settings",
        LOG_LEVEL="WARNING",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
    )


def prepare(url: str) -> str:
    """A fresh migrated database and an API key on it."""
    if url.startswith("mysql"):
        sql = f"DROP DATABASE IF EXISTS {MARIADB}; CREATE DATABASE {MARIADB} CHARACTER SET utf8mb4"
        subprocess.run(["mysql", "--protocol=tcp", "-h127.0.0.1", "-uroot", "-e", sql], check=True)
    run = {"cwd": BASE_DIR, "env": env_for(url), "check": True, "capture_output": True, "text": True}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], **run)
    return subprocess.run([PYTHON, "manage.py", "shell", "-v0", "-c", MAKE_KEY], **run).stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(url: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [str(BASE_DIR / ".venv" / "bin" / "gunicorn"), "smsmotor.wsgi", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "--workers", str(workers), "--timeout", "60"],
        cwd=BASE_DIR,
        env=env_for(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
            return server, port
        except urllib.error.HTTPError:
            return server, port  # answering
        except OSError:
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGTERM)
    raise RuntimeError("gunicorn did not start")


def post(port: int, key: str, path: str, body: bytes, timeout: float = 30) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        }
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def batch_times(port: int, key: str, runs: int = 3) -> list[float]:
    times = []
    for run in range(runs):
        messages = [{"to": f"7{run}{n:06d}", "text": f"Recordatorio {n}: su cuota vence mañana"} for n in range(BATCH)]
        body = json.dumps({"messages": messages}).encode()
        started = time.perf_counter()
        status, answer = post(port, key, "/api/v1/batches", body)
        times.append(time.perf_counter() - started)
        accepted = json.loads(answer).get("accepted") if status == 201 else answer[:200]
        if status != 201 or accepted != BATCH:
            raise RuntimeError(f"batch answered {status}: {accepted}")
    return times


def singles(port: int, key: str, clients: int, duration: float, rate: float = 0) -> tuple[list[float], int]:
    """Latencies of single sends from `clients` threads for `duration` seconds; and the errors.
    With `rate`, each client sends on its own schedule of `rate` a second; without, back to back."""
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + duration
    lock = threading.Lock()

    def client(number: int) -> None:
        sent = 0
        mine = []
        begin = time.monotonic() + number / clients / rate if rate else 0
        while time.monotonic() < stop:
            if rate:
                wait = begin + sent / rate - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            body = json.dumps({"to": f"76{number:02d}{sent % 10000:04d}", "text": "Su código es 4821"}).encode()
            started = time.perf_counter()
            try:
                status, _answer = post(port, key, "/api/v1/messages", body, timeout=10)
            except OSError:
                status = 0
            mine.append(time.perf_counter() - started)
            if status != 201:
                with lock:
                    errors[0] += 1
            sent += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 30)
    return latencies, errors[0]


def measure(name: str, url: str, args) -> dict:
    key = prepare(url)
    server, port = serve(url, args.workers)
    try:
        batch = batch_times(port, key)
        paced = singles(port, key, args.clients, args.duration, rate=args.rate)
        saturated = singles(port, key, args.clients, args.duration)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    return {"batch": batch, "paced": summary(*paced, args.duration), "saturated": summary(*saturated, args.duration)}


def summary(latencies: list[float], errors: int, duration: float) -> dict:
    latencies = sorted(latencies)
    return {
        "count": len(latencies),
        "errors": errors,
        "rate": len(latencies) / duration,
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rate", type=float, default=5, help="requests a second per client, paced run")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="the web's persistent database connections (DATABASE_URL ?conn_max_age=, README); 0: one a request",
    )
    parser.add_argument("--database", choices=["sqlite", "mariadb"], action="append")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-api-")
    urls = {"sqlite": f"sqlite:///{folder}/bench.sqlite3", "mariadb": f"mysql://root@127.0.0.1:3306/{MARIADB}"}
    if args.conn_max_age:
        urls = {name: f"{url}?conn_max_age={args.conn_max_age}" for name, url in urls.items()}
    results = {name: measure(name, urls[name], args) for name in args.database or urls}
    print(f"\nCPUs: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} (the load generator shares them)")
    print(f"{'':44}" + "".join(f"{name:>14}" for name in results))
    rows = [
        ("10 000-message batch, best of 3 (s)", lambda r: f"{min(r['batch']):.3f}"),
        ("10 000-message batch, worst of 3 (s)", lambda r: f"{max(r['batch']):.3f}"),
    ]
    for run, title in (
        ("paced", f"single POSTs, {args.clients} clients x {args.rate:g}/s"),
        ("saturated", f"single POSTs, {args.clients} clients back to back"),
    ):
        rows += [
            (f"{title}: sent", lambda r, run=run: str(r[run]["count"])),
            ("  per second", lambda r, run=run: f"{r[run]['rate']:.0f}"),
            ("  errors", lambda r, run=run: str(r[run]["errors"])),
            ("  p50 (ms)", lambda r, run=run: f"{r[run]['p50'] * 1000:.1f}"),
            ("  p95 (ms)", lambda r, run=run: f"{r[run]['p95'] * 1000:.1f}"),
        ]
    for label, cell in rows:
        print(f"{label:44}" + "".join(f"{cell(r):>14}" for r in results.values()))
    for name, r in results.items():
        print(
            f"{name}: batch under {BATCH_TARGET:.0f} s {verdict(max(r['batch']) < BATCH_TARGET)};"
            f" single p95 under {P95_TARGET * 1000:.0f} ms, paced {verdict(_met(r['paced']))},"
            f" back to back {verdict(_met(r['saturated']))}"
        )


def _met(run: dict) -> bool:
    return run["p95"] < P95_TARGET and not run["errors"]


if __name__ == "__main__":
    main()
