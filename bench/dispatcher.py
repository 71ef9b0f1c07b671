"""Dispatcher benchmark: messages through `run_modem` on the simulated lines.

    .venv/bin/python bench/dispatcher.py [--messages 3000] [--database sqlite|mariadb|both]
                                         [--transport at|hilink|all]

Prints, for each database:
- for each transport side by side, throughput against its zero-latency simulated device
  (messages per second), the time per message, and the worker's own CPU per message (its
  process's CPU time less a start-up with nothing to send, divided by the messages): the
  software's cost, whatever the device's protocol costs in round trips (target for the AT
  modem: under 3 ms, over 300 messages/s per worker);
- with realistic latency, the gap between the modem's answer to one send and the next
  AT+CMGS (target: under 50 ms);
- an idle worker's CPU use (target: under 1 %) and how soon it picks up a newly queued
  message (target: within 1 s).

The simulator runs as its own process so that its cost is not counted as ours.
"""

import argparse
import collections
import datetime
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from common import DATABASES, fresh_database, verdict  # noqa: E402 - bench/ is the script folder


def manage(*args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=dict(os.environ),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_simulator(link: Path, latency: float, folder: Path) -> subprocess.Popen:
    from simulators import control

    args = ["simulate_modem", "--link", str(link)]
    args += ["--zero-latency"] if latency == 0 else ["--latency", str(latency)]
    process = manage(*args, log=folder / "sim.log")
    for _ in range(200):
        try:
            control.send(f"{link}.ctl", cmd="status")
            return process
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the simulator did not start")


def start_stick(folder: Path) -> tuple[subprocess.Popen, str]:
    """A simulated HiLink stick in its own process, at zero latency; its URL."""
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = manage("simulate_modem", "--hilink", "--zero-latency", "--http-port", str(port), log=folder / "stick.log")
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/api/device/information", timeout=1).read()
            return process, url
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the simulated stick did not start")


def reset(name: str, link: Path | None, **where):
    from messaging.models import MessagingSettings, OutgoingMessage, SentPart
    from modem.models import Modem, ModemEvent

    SentPart.objects.all().delete()
    OutgoingMessage.objects.all().delete()
    ModemEvent.objects.all().delete()
    MessagingSettings.objects.update_or_create(
        pk=1, defaults={"window_start": datetime.time(0), "window_end": datetime.time(0), "sending_enabled": True}
    )
    where = where or {"transport": "AT", "port": str(link)}
    Modem.objects.update_or_create(
        name=name, defaults={**where, "rate_per_minute": 0, "rate_per_day": 0, "command_timeout": 10}
    )


def queue(count: int, prefix: str) -> None:
    from messaging.models import MessageStatus, OutgoingMessage

    OutgoingMessage.objects.bulk_create(
        (
            OutgoingMessage(
                phone=f"+5917{i:07d}", text=f"{prefix} {i}: su cuota vence hoy.", status=MessageStatus.QUEUED
            )
            for i in range(count)
        ),
        batch_size=1000,
    )


def worker_cpu(name: str, folder: Path) -> float:
    """Run the worker until the queue is empty; the CPU seconds its process used."""
    worker = manage("run_modem", "--modem", name, "--exit-when-idle", log=folder / "worker.log")
    _pid, _status, usage = os.wait4(worker.pid, 0)
    worker.returncode = 0
    return usage.ru_utime + usage.ru_stime


def throughput(count: int, folder: Path, transport: str) -> tuple[float, float, float]:
    from django.db.models import Max, Min

    from messaging.models import OutgoingMessage

    device = None  # a device simulated in this process: what reached its network is checked
    if transport == "hilink":
        sim, url = start_stick(folder)
        where = {"transport": "HILINK", "url": url, "port": ""}
    elif transport == "smpp":
        from simulators.smsc import SimulatedSmsc

        sim = device = SimulatedSmsc()
        host, port = device.start()
        where = {"transport": "SMPP", "url": f"{host}:{port}", "username": "smsmotor", "password": "clave"}
        where["window"] = 10
    elif transport == "android":
        from simulators.android import SimulatedPhone

        sim = device = SimulatedPhone(per_minute=10**9)  # the software's cost, not Android's 30 a minute
        where = {"transport": "ANDROID", "url": device.start(), "username": "sms", "password": "clave"}
    else:
        link = folder / "zero"
        sim = start_simulator(link, 0, folder)
        where = {"transport": "AT", "port": str(link)}
    try:
        reset(f"bench-{transport}", None, **where)
        start_up = worker_cpu(f"bench-{transport}", folder)  # connecting, nothing to send
        queue(count, "Rendimiento")
        cpu = worker_cpu(f"bench-{transport}", folder) - start_up
        if device is not None:
            wait_sent = getattr(device, "wait_sent", None)
            if wait_sent:
                wait_sent(timeout=60)
            texts = collections.Counter(sms.text for sms in device.sent)
            twice = sum(1 for count in texts.values() if count > 1)
            print(f"  {transport}: the network received {len(texts)} of {count} messages, {twice} more than once")
    finally:
        if device is not None:
            device.stop()
        else:
            sim.terminate()
            sim.wait()
    sent = OutgoingMessage.objects.filter(status__in=["SENT", "DELIVERED"])
    span = sent.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    seconds = (span["last"] - span["first"]).total_seconds()
    done = sent.count()
    rate = (done - 1) / seconds if seconds else float("inf")
    if done != count:
        print(f"  WARNING: {done} of {count} sent")
    return rate, 1000.0 / rate, cpu * 1000.0 / max(done, 1)


def gaps(latency: float, count: int, folder: Path) -> list[float]:
    from simulators import control

    link = folder / "real"
    sim = start_simulator(link, latency, folder)
    try:
        reset("bench-real", link)
        queue(count, "Latencia")
        worker = manage("run_modem", "--modem", "bench-real", "--exit-when-idle", log=folder / "worker.log")
        worker.wait(600)
        sent = control.send(f"{link}.ctl", cmd="sent", timeout=20)["sent"]
    finally:
        sim.terminate()
        sim.wait()
    # Each send takes `latency` on the simulated network, from its AT+CMGS to its answer:
    # what is left between two answers is the time we took to start the next send.
    times = sorted(datetime.datetime.fromisoformat(sms["at"]) for sms in sent)
    return [((b - a).total_seconds() - latency) * 1000 for a, b in itertools.pairwise(times)]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_and_pickup(folder: Path, idle_seconds: float) -> tuple[float, list[float]]:
    from messaging.models import MessageStatus, OutgoingMessage

    link = folder / "idle"
    sim = start_simulator(link, 0, folder)
    worker = None
    try:
        reset("bench-idle", link)
        worker = manage("run_modem", "--modem", "bench-idle", log=folder / "worker.log")
        time.sleep(5)  # start-up and connection
        before, started = cpu_seconds(worker.pid), time.monotonic()
        time.sleep(idle_seconds)
        cpu = (cpu_seconds(worker.pid) - before) / (time.monotonic() - started) * 100
        pickups = []
        for i in range(5):
            message = OutgoingMessage.objects.create(
                phone="+59170000288", text=f"Nuevo {i}", status=MessageStatus.QUEUED
            )
            queued = time.monotonic()
            while not OutgoingMessage.objects.filter(pk=message.pk, status__in=["SENT", "DELIVERED"]).exists():
                time.sleep(0.01)
                if time.monotonic() - queued > 10:
                    break
            pickups.append(time.monotonic() - queued)
            time.sleep(1.3)
        return cpu, pickups
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait()
        sim.terminate()
        sim.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--latency", type=float, default=1.0, help="realistic seconds per send for the gap test")
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--database", choices=["sqlite", "mariadb", "both"], default="both")
    parser.add_argument("--transport", choices=["at", "hilink", "android", "smpp", "all"], default="all")
    options = parser.parse_args()
    names = ["sqlite", "mariadb"] if options.database == "both" else [options.database]
    for name in names:
        # Each database in its own interpreter: Django is set up once per process.
        if len(names) > 1:
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--database",
                    name,
                    "--messages",
                    str(options.messages),
                    "--latency",
                    str(options.latency),
                    "--idle-seconds",
                    str(options.idle_seconds),
                    "--transport",
                    options.transport,
                ],
                check=True,
            )
            continue
        folder = Path(tempfile.mkdtemp(prefix="bench-"))
        url = DATABASES[name].format(folder=folder)
        fresh_database(url)
        os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="smsmotor.settings")
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        import django

        django.setup()
        print(f"== {name}: {options.messages} messages, logs in {folder}")
        transports = ["at", "hilink", "android", "smpp"] if options.transport == "all" else [options.transport]
        print(f"  {'transport':<10} {'messages/s':>11} {'ms per message':>15} {'worker CPU ms/message':>22}")
        for transport in transports:
            rate, per_message, cpu = throughput(options.messages, folder, transport)
            targets = {
                "at": f"[target < 3 ms: {verdict(per_message < 3)}]",
                "smpp": f"[target > 300/s per bind: {verdict(rate > 300)}]",
            }
            target = f"  {targets[transport]}" if transport in targets else ""
            print(f"  {transport:<10} {rate:>11.0f} {per_message:>15.2f} {cpu:>22.2f}{target}")
        if "at" not in transports:
            return
        between = gaps(options.latency, 10, folder)
        print(
            f"  answer -> next AT+CMGS with {options.latency:.1f} s latency:"
            f" median {statistics.median(between):.1f} ms, max {max(between):.1f} ms"
            f"  [target < 50 ms: {verdict(max(between) < 50)}]"
        )
        cpu, pickups = idle_and_pickup(folder, options.idle_seconds)
        print(f"  idle worker CPU: {cpu:.2f} %  [target < 1 %: {verdict(cpu < 1)}]")
        print(
            f"  new message picked up and sent in: max {max(pickups) * 1000:.0f} ms"
            f" (median {statistics.median(pickups) * 1000:.0f} ms)  [target < 1 s: {verdict(max(pickups) < 1)}]"
        )


if __name__ == "__main__":
    main()
