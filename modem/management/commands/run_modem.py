import signal
import socket

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from modem.models import Modem, TransportKind
from modem.worker import Worker


def line_row(*, kind: str, port: str = "", url: str = "", name: str = "") -> Modem:
    """The line's row, created on first use (named machine:port or machine:url) and kept
    pointing at where the device is now."""
    where = {"transport": kind, "port": port or "", "url": (url or "").rstrip("/")}
    row, _created = Modem.objects.get_or_create(name=name or f"{socket.gethostname()}:{port or url}", defaults=where)
    if any(getattr(row, field) != value for field, value in where.items()):
        Modem.objects.filter(pk=row.pk).update(**where)
        row.refresh_from_db()
    return row


def drive(worker: Worker) -> None:
    """Run the worker until SIGTERM or Ctrl+C (obeyed once the message in hand is settled)."""
    signal.signal(signal.SIGTERM, worker.stop)
    signal.signal(signal.SIGINT, worker.stop)
    worker.run()


class Command(BaseCommand):
    help = (
        "Drive one line (a GSM modem on a port, a HiLink stick, an Android phone, an SMPP account): send the "
        "queued messages, receive SMS and calls, publish its status."
    )

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--port", help="Serial port of the modem, e.g. /dev/ttyUSB0")
        where.add_argument(
            "--url",
            help="Address of a HiLink stick (http://192.168.8.1), an Android phone (http://192.168.1.20:8080)"
            " or an SMPP server (smpp.operator.bo:2775)",
        )
        where.add_argument("--modem", help="Name of a line saved in the Modem tab (its settings are used)")
        parser.add_argument(
            "--transport",
            choices=["at", "hilink", "android", "smpp"],
            help="Kind of line: at (a modem on a port; the default), hilink (the default with --url), android or"
            " smpp. Their logins and other settings are set in the Modem tab (use --modem).",
        )
        parser.add_argument("--name", help="Name of the modem in the database (default: machine:port)")
        parser.add_argument("--exit-when-idle", action="store_true", help="Stop once nothing is left to send")

    def handle(self, *args, port, url, modem, transport, name, exit_when_idle, **options):
        kind = TransportKind(transport.upper()) if transport else TransportKind.HILINK if url else TransportKind.AT
        if port and kind != TransportKind.AT:
            raise CommandError(_("Only a modem is reached by a port; the other lines by their address (--url)."))
        if url and kind == TransportKind.AT:
            raise CommandError(_("A modem is reached by its port (--port), not by an address."))
        if modem:
            row = Modem.objects.filter(name=modem).first()
            if row is None:
                raise CommandError(_("There is no modem called “%(name)s”.") % {"name": modem})
        else:
            row = line_row(kind=kind, port=port, url=url, name=name)
        drive(Worker(modem=row, exit_when_idle=exit_when_idle))
