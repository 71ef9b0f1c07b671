"""What 20 open browsers cost the server while the pages update themselves.

    .venv/bin/python bench/live.py [--messages 200000] [--browsers 20] [--duration 30] [--reuse]

A MariaDB database with --messages messages (`manage.py fill_database`, as bench/pages.py), served
by gunicorn as the run command and the systemd unit serve it (2 workers, gthread, 8 threads).
Each simulated browser has the Outgoing tab open and, every 3 seconds, asks what a real one asks:
the Outgoing table's live poll (the newest id and the 50 rows on the page it follows), which also
brings the status bar and the "why nothing leaves" box when they changed. The reference is the
same browsers reloading the whole Outgoing page at the same pace, which is what updating it
without the live poll would cost.
Printed side by side: the server's CPU (share of one core, all gunicorn processes), requests per
second and latency. Target: the live polling of 20 browsers under 10 % of one core.
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))
from common import verdict  # noqa: E402 - bench/ is the script folder
from pages import SESSION, manage, prepare, serve  # noqa: E402

PACE = 3.0  # seconds between two polls of one browser (smsmotor.live.POLL_SECONDS)
DATABASE = "smsmotor_live_bench"


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (the gunicorn workers)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid or path.parent.name == str(pid):  # a worker (its parent), or the master
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def get(url: str, cookie: str) -> tuple[int, float, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}", "HX-Request": "true"})
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        return response.status, time.monotonic() - started, body


def browse(paths: list[str], base: str, cookie: str, until: float, latencies: list[float], errors: list[str]):
    offset = (hash(threading.current_thread().name) % 1000) / 1000 * PACE  # browsers are not in step
    time.sleep(offset)
    status_sig = ""  # what the page shows of the status bar, as a browser sends it back
    while time.monotonic() < until:
        started = time.monotonic()
        for path in paths:
            joiner = "&" if "?" in path else "?"
            try:
                status, seconds, body = get(f"{base}{path}{joiner}status_sig={status_sig}", cookie)
                latencies.append(seconds)
                if status >= 400:
                    errors.append(f"{status} {path}")
                found = re.search(rb'name="status_sig" value="([0-9a-f]*)"', body)
                if found:
                    status_sig = found.group(1).decode()
            except OSError as error:
                errors.append(f"{error} {path}")
        time.sleep(max(0.0, PACE - (time.monotonic() - started)))


def run(label: str, paths: list[str], base: str, cookie: str, browsers: int, duration: int, master: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    before = cpu_seconds(master)
    until = time.monotonic() + duration
    threads = [
        threading.Thread(target=browse, args=(paths, base, cookie, until, latencies, errors), name=f"browser-{i}")
        for i in range(browsers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    used = cpu_seconds(master) - before
    latencies.sort()
    return {
        "label": label,
        "cpu": used / duration * 100,
        "rate": len(latencies) / duration,
        "p50": statistics.median(latencies) * 1000 if latencies else 0,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0,
        "errors": len(errors),
    }


def live_paths(base: str, cookie: str) -> list[str]:
    """The live poll of an open Outgoing tab, with the state its first page gives."""
    _status, _seconds, page = get(base + "/messages/outgoing/", cookie)
    text = page.decode()
    after = re.search(r'name="after" value="(\d*)"', text).group(1)
    watch = re.search(r'name="watch" value="([^"]*)"', text).group(1)
    # One request a round: the table's poll carries the status bar when it changed.
    return [f"/messages/outgoing/live/?after={after}&watch={urllib.request.quote(watch)}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--browsers", type=int, default=20)
    parser.add_argument("--duration", type=int, default=30, help="Seconds per measurement")
    parser.add_argument("--reuse", action="store_true", help="Keep a database filled by an earlier run")
    options = parser.parse_args()
    prepare(DATABASE, options.messages, options.reuse)
    manage(DATABASE, "collectstatic", "--noinput", "-v0")
    cookie = manage(DATABASE, "shell", "-c", SESSION).strip().splitlines()[-1].split()[0]
    # Some messages on the first page still waiting, as while a load goes out.
    subprocess.run(
        ["mysql", "--protocol=tcp", "-h127.0.0.1", "-uroot", DATABASE, "-e",
         "UPDATE messaging_outgoingmessage SET status = 'QUEUED' ORDER BY id DESC LIMIT 30"],
        check=True,
    )  # fmt: skip
    server, base = serve(DATABASE, workers=2, threads=8)
    try:
        browsers, seconds = options.browsers, options.duration
        live = run("live polling", live_paths(base, cookie), base, cookie, browsers, seconds, server.pid)
        reload = run("full page reload", ["/messages/outgoing/"], base, cookie, browsers, seconds, server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    print(f"\n{options.browsers} browsers, one request round every {PACE:.0f} s, {options.messages:,} messages")
    print(f"{'':18} {'CPU (% of 1 core)':>18} {'requests/s':>11} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for figures in (live, reload):
        print(
            f"{figures['label']:18} {figures['cpu']:>18.1f} {figures['rate']:>11.1f} {figures['p50']:>8.1f}"
            f" {figures['p95']:>8.1f} {figures['errors']:>7}"
        )
    ok = live["cpu"] < 10 and not live["errors"]
    print(f"live polling under 10 % of one core: {verdict(ok)} ({reload['cpu'] / max(live['cpu'], 0.1):.0f}x cheaper)")


if __name__ == "__main__":
    main()
