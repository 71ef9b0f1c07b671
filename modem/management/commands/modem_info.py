import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from modem.at.driver import AtModem
from modem.at.errors import ModemError
from modem.worker import reason_text


class Command(BaseCommand):
    help = "Print what the driver reads from a modem: the first thing to run when installing one."

    def add_arguments(self, parser):
        parser.add_argument("--port", required=True)
        parser.add_argument("--baud", type=int, default=115200)
        parser.add_argument("--pin", default="")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON instead of text")

    def handle(self, *args, port, baud, pin, as_json: bool, **options):
        try:
            info = read_info(port, baud, pin)
        except ModemError as error:
            raise CommandError(reason_text(error)) from error
        if as_json:
            self.stdout.write(json.dumps(info, ensure_ascii=False, indent=2))
            return
        labels = {
            "port": _("Port"),
            "manufacturer": _("Brand"),
            "model": _("Model"),
            "revision": _("Firmware"),
            "imei": _("IMEI"),
            "imsi": _("IMSI"),
            "sim": _("SIM"),
            "operator": _("Operator"),
            "signal_dbm": _("Signal (dBm)"),
            "signal_bars": _("Signal (bars)"),
            "registration": _("Network registration"),
            "calls_supported": _("Detects calls"),
        }
        for key, label in labels.items():
            self.stdout.write(f"{label + ':':<22} {info.get(key, '')}")


def read_info(port: str, baud: int, pin: str) -> dict:
    modem = AtModem.open(port, baud)
    try:
        modem.initialise(pin=pin)
        identity = modem.identify()
        signal = modem.signal()
        return {
            "port": port,
            "manufacturer": identity.manufacturer,
            "model": identity.model,
            "revision": identity.revision,
            "imei": identity.imei,
            "imsi": identity.imsi,
            "sim": modem.sim_state(),
            "operator": modem.operator(),
            "signal_dbm": signal.dbm,
            "signal_bars": signal.bars,
            "registration": modem.registration(),
            "calls_supported": modem.calls_supported,
        }
    finally:
        modem.close()
