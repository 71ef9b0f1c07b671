"""Which transport drives a modem row: the one place that knows every kind of line."""

from __future__ import annotations

from collections.abc import Callable

from modem.models import Modem, TransportKind
from modem.transports.at import AtTransport
from modem.transports.base import Transport
from modem.transports.hilink import HiLinkTransport


def _at(modem: Modem, secret_rejected: bool) -> Transport:
    return AtTransport(
        modem.port,
        baud_rate=modem.baud_rate,
        command_timeout=modem.command_timeout,
        pin="" if secret_rejected else modem.pin,
        init_commands=modem.init_commands.splitlines(),
        smsc=modem.smsc,
        spanish=modem.spanish_encoding,
    )


def _hilink(modem: Modem, secret_rejected: bool) -> Transport:
    return HiLinkTransport(
        modem.url,
        username=modem.username or "admin",
        password="" if secret_rejected else modem.password,
        timeout=float(modem.command_timeout),
        spanish=modem.spanish_encoding,
    )


BUILDERS: dict[str, Callable[[Modem, bool], Transport]] = {
    TransportKind.AT: _at,
    TransportKind.HILINK: _hilink,
}


def transport_for(modem: Modem, *, secret_rejected: bool = False) -> Transport:
    """The transport for `modem`'s settings. `secret_rejected`: the device refused the PIN or
    password now in the settings; it is not offered again (a SIM blocks after three wrong PINs,
    a stick locks its login after a few wrong passwords)."""
    return BUILDERS[modem.transport](modem, secret_rejected)


def line_secret(modem: Modem) -> str:
    """What the line is unlocked with: the SIM's PIN, or the stick's password."""
    return modem.password if modem.transport == TransportKind.HILINK else modem.pin
