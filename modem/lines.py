"""Which transport drives a modem row: the one place that knows every kind of line."""

from __future__ import annotations

from modem.models import Modem
from modem.transports.at import AtTransport
from modem.transports.base import Transport


def transport_for(modem: Modem, *, secret_rejected: bool = False) -> Transport:
    """The transport for `modem`'s settings. `secret_rejected`: the device refused the PIN or
    password now in the settings; it is not offered again (a SIM blocks after three wrong PINs)."""
    return AtTransport(
        modem.port,
        baud_rate=modem.baud_rate,
        command_timeout=modem.command_timeout,
        pin="" if secret_rejected else modem.pin,
        init_commands=modem.init_commands.splitlines(),
        smsc=modem.smsc,
        spanish=modem.spanish_encoding,
    )
