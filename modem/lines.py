"""Which transport drives a modem row: the one place that knows every kind of line."""

from __future__ import annotations

from collections.abc import Callable

from modem.models import Modem, TransportKind
from modem.transports.android import AndroidTransport
from modem.transports.at import AtTransport
from modem.transports.base import Transport
from modem.transports.hilink import HiLinkTransport
from modem.transports.smpp import SmppTransport

SMPP_PORT = 2775  # the registered SMPP port, when the address gives none


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


def _android(modem: Modem, secret_rejected: bool) -> Transport:
    return AndroidTransport(
        modem.url,
        username=modem.username or "sms",
        password="" if secret_rejected else modem.password,
        signing_key=modem.signing_key,
        webhook_listen=host_and_port(modem.webhook_listen, 0) if modem.webhook_listen else None,
        webhook_url=modem.webhook_url,
        timeout=float(modem.command_timeout),
        spanish=modem.spanish_encoding,
    )


def _smpp(modem: Modem, secret_rejected: bool) -> Transport:
    host, port = host_and_port(modem.url, SMPP_PORT)
    return SmppTransport(
        host,
        port,
        modem.username,
        "" if secret_rejected else modem.password,
        system_type=modem.system_type,
        source_addr=modem.sender,
        long_messages=modem.long_messages,
        default_alphabet=modem.smpp_alphabet,
        window=modem.window,
        timeout=float(modem.command_timeout),
        spanish=modem.spanish_encoding,
    )


def host_and_port(address: str, default_port: int) -> tuple[str, int]:
    """ "smpp://host:2775", "host:2775" or "host" -> (host, port)."""
    address = address.split("://", 1)[-1].strip().rstrip("/")
    host, _sep, port = address.rpartition(":") if ":" in address else (address, "", "")
    return host.strip("[]"), int(port) if port else default_port


BUILDERS: dict[str, Callable[[Modem, bool], Transport]] = {
    TransportKind.AT: _at,
    TransportKind.HILINK: _hilink,
    TransportKind.ANDROID: _android,
    TransportKind.SMPP: _smpp,
}


def transport_for(modem: Modem, *, secret_rejected: bool = False) -> Transport:
    """The transport for `modem`'s settings. `secret_rejected`: the device refused the PIN or
    password now in the settings; it is not offered again (a SIM blocks after three wrong PINs,
    a stick locks its login after a few wrong passwords)."""
    return BUILDERS[modem.transport](modem, secret_rejected)


def line_secret(modem: Modem) -> str:
    """What the line is unlocked with: the SIM's PIN, or the device's or account's password."""
    return modem.pin if modem.transport == TransportKind.AT else modem.password
