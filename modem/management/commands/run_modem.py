import signal
import socket

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from modem.models import Modem, TransportKind
from modem.worker import Worker


class Command(BaseCommand):
    help = (
        "Drive one line (a GSM modem on a port, a HiLink stick): send the queued messages, receive SMS "
        "and calls, publish its status."
    )

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--port", help="Serial port of the modem, e.g. /dev/ttyUSB0")
        where.add_argument("--url", help="Web address of a HiLink stick, e.g. http://192.168.8.1")
        where.add_argument("--modem", help="Name of a line saved in the Modem tab (its settings are used)")
        where.add_argument("--simulator", action="store_true", help="Start and use a simulated modem (or stick)")
        parser.add_argument(
            "--transport",
            choices=["at", "hilink"],
            help="Kind of line: at (a modem on a port; the default) or hilink (a stick's web address)",
        )
        parser.add_argument("--name", help="Name of the modem in the database (default: machine:port)")
        parser.add_argument("--sim-latency", type=float, default=2.0, help="Simulated seconds per SMS (0: none)")
        parser.add_argument(
            "--ignore-window",
            action="store_true",
            help="Send at any hour (only allowed with --simulator, for demonstrations)",
        )
        parser.add_argument("--exit-when-idle", action="store_true", help="Stop once nothing is left to send")

    def handle(
        self, *args, port, url, modem, simulator, transport, name, sim_latency, ignore_window, exit_when_idle, **options
    ):
        if ignore_window and not simulator:
            raise CommandError(_("--ignore-window is only for the simulated modem."))
        kind = TransportKind.HILINK if (transport == "hilink" or url) else TransportKind.AT
        if port and kind == TransportKind.HILINK:
            raise CommandError(_("A HiLink stick is reached by its web address (--url), not by a port."))
        sim = None
        if simulator:
            # The demo only: the simulators are never imported on a real line's path.
            from modem.sim.hilink import SimulatedStick
            from modem.sim.simulator import SimulatedModem

            if kind == TransportKind.HILINK:
                sim = SimulatedStick(latency=sim_latency)
                url = sim.start()
            else:
                sim = SimulatedModem(latency=sim_latency)
                port = sim.start()
            name = name or f"{socket.gethostname()}:simulator"
        if modem:
            row = Modem.objects.filter(name=modem).first()
            if row is None:
                raise CommandError(_("There is no modem called “%(name)s”.") % {"name": modem})
        else:
            where = {"transport": kind, "port": port or "", "url": (url or "").rstrip("/")}
            row, _created = Modem.objects.get_or_create(
                name=name or f"{socket.gethostname()}:{port or url}", defaults=where
            )
            if any(getattr(row, field) != value for field, value in where.items()):
                Modem.objects.filter(pk=row.pk).update(**where)
                row.refresh_from_db()
        if sim is not None:
            Modem.objects.filter(pk=row.pk).update(simulated=True)
        worker = Worker(modem=row, exit_when_idle=exit_when_idle, ignore_window=ignore_window, simulator=sim)
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        try:
            worker.run()
        finally:
            if sim is not None:
                sim.stop()
