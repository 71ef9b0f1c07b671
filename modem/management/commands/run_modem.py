import signal
import socket

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from modem.models import Modem
from modem.worker import Worker


class Command(BaseCommand):
    help = "Drive one GSM modem: send the queued messages, receive SMS and calls, publish its status."

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--port", help="Serial port of the modem, e.g. /dev/ttyUSB0")
        where.add_argument("--modem", help="Name of a modem saved in the Modem tab (its port is used)")
        where.add_argument("--simulator", action="store_true", help="Start and use a simulated modem")
        parser.add_argument("--name", help="Name of the modem in the database (default: machine:port)")
        parser.add_argument("--sim-latency", type=float, default=2.0, help="Simulated seconds per SMS (0: none)")
        parser.add_argument(
            "--ignore-window",
            action="store_true",
            help="Send at any hour (only allowed with --simulator, for demonstrations)",
        )
        parser.add_argument("--exit-when-idle", action="store_true", help="Stop once nothing is left to send")

    def handle(self, *args, port, modem, simulator, name, sim_latency, ignore_window, exit_when_idle, **options):
        if ignore_window and not simulator:
            raise CommandError(_("--ignore-window is only for the simulated modem."))
        sim = None
        if simulator:
            from modem.sim.simulator import SimulatedModem

            sim = SimulatedModem(latency=sim_latency)
            port = sim.start()
            name = name or f"{socket.gethostname()}:simulator"
        if modem:
            row = Modem.objects.filter(name=modem).first()
            if row is None:
                raise CommandError(_("There is no modem called “%(name)s”.") % {"name": modem})
        else:
            row, _created = Modem.objects.get_or_create(
                name=name or f"{socket.gethostname()}:{port}", defaults={"port": port}
            )
            if row.port != port:
                Modem.objects.filter(pk=row.pk).update(port=port)
                row.port = port
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
