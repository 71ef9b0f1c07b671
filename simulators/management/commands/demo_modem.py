import socket

from django.core.management.base import BaseCommand

from modem.management.commands.run_modem import drive, line_row
from modem.models import Modem, TransportKind
from modem.worker import Worker
from simulators import SimulatedModem
from simulators.android import SimulatedPhone
from simulators.hilink import SimulatedStick
from simulators.smsc import SimulatedSmsc


class Command(BaseCommand):
    help = (
        "The demo: start a simulated modem (or HiLink stick, Android phone, SMPP server) and drive it with a "
        "worker, as run_modem drives a real one. The Modem tab can make it receive an SMS or a call."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--transport", choices=["at", "hilink", "android", "smpp"], default="at", help="The kind of line simulated"
        )
        parser.add_argument("--name", help="Name of the line in the database (default: machine:simulator)")
        parser.add_argument("--sim-latency", type=float, default=2.0, help="Simulated seconds per SMS (0: none)")
        parser.add_argument(
            "--ignore-window", action="store_true", help="Send at any hour (a real line obeys the send window)"
        )
        parser.add_argument("--exit-when-idle", action="store_true", help="Stop once nothing is left to send")

    def handle(self, *args, transport, name, sim_latency, ignore_window, exit_when_idle, **options):
        name = name or f"{socket.gethostname()}:simulator"
        if transport == "hilink":
            device = SimulatedStick(latency=sim_latency)
            row = line_row(kind=TransportKind.HILINK, url=device.start(), name=name)
        elif transport == "android":
            device = SimulatedPhone(latency=sim_latency, password="clave")
            row = line_row(kind=TransportKind.ANDROID, url=device.start(), name=name)
            with socket.socket() as probe:  # where the phone's webhooks (received SMS, states) reach the worker
                probe.bind(("127.0.0.1", 0))
                listen = f"127.0.0.1:{probe.getsockname()[1]}"
            Modem.objects.filter(pk=row.pk).update(
                username="sms", password="clave", signing_key=device.settings.signing_key, webhook_listen=listen
            )
        elif transport == "smpp":
            device = SimulatedSmsc(latency=min(sim_latency, 0.2), report_delay=sim_latency)
            host, port = device.start()
            row = line_row(kind=TransportKind.SMPP, url=f"{host}:{port}", name=name)
            Modem.objects.filter(pk=row.pk).update(username="smsmotor", password="clave")
        else:
            device = SimulatedModem(latency=sim_latency)
            row = line_row(kind=TransportKind.AT, port=device.start(), name=name)
        Modem.objects.filter(pk=row.pk).update(simulated=True)
        row.refresh_from_db()
        try:
            drive(Worker(modem=row, exit_when_idle=exit_when_idle, ignore_window=ignore_window, simulator=device))
        finally:
            device.stop()
