"""The AT-command driver: one modem on one serial port.

Plain Python over a pyserial-like port (anything with read/write/in_waiting). Unsolicited
lines (+CMTI, +CMT, +CDS, RING, +CLIP, +CUSD, Huawei's ^ lines) may arrive at any moment,
even between a command and its answer; they are parsed into events and queued, and the
caller drains them with `pop_events()` or `poll()`.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from modem.at import pdu
from modem.at.errors import (
    CommandError,
    CommandTimeout,
    ModemError,
    PinRequired,
    PortError,
    UnconfirmedSend,
    gettext_noop,
    parse_error_line,
)

logger = logging.getLogger("smsmotor.modem.at")

CTRL_Z = b"\x1a"
ESC = b"\x1b"
FINAL_OK = {"OK"}


# Events ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class NewMessage:
    """+CMTI: an SMS was stored on the SIM at `index`."""

    storage: str
    index: int


@dataclass(frozen=True)
class MessageReceived:
    """+CMT: an SMS delivered straight to us (not stored)."""

    deliver: pdu.Deliver


@dataclass(frozen=True)
class ReportStored:
    """+CDSI: a delivery report stored on the SIM at `index`."""

    storage: str
    index: int


@dataclass(frozen=True)
class ReportReceived:
    """+CDS: a delivery report delivered straight to us."""

    report: pdu.StatusReport


@dataclass(frozen=True)
class Ring:
    """RING, and the caller's number when +CLIP gives it."""

    number: str = ""


@dataclass(frozen=True)
class UssdReply:
    status: int
    text: str


@dataclass(frozen=True)
class Unparsed:
    """An unsolicited line we do not act on (^RSSI, ^BOOT...), kept for the activity log."""

    line: str


Event = NewMessage | MessageReceived | ReportStored | ReportReceived | Ring | UssdReply | Unparsed


# Readings -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Identity:
    manufacturer: str
    model: str
    revision: str
    imei: str
    imsi: str


@dataclass(frozen=True)
class Signal:
    rssi: int  # 0-31, 99 = unknown (AT+CSQ)
    dbm: int | None
    bars: int  # 0-5

    @classmethod
    def from_rssi(cls, rssi: int) -> Signal:
        if rssi == 99 or rssi < 0:
            return cls(rssi, None, 0)
        dbm = -113 + 2 * min(rssi, 31)
        bars = 0 if rssi < 2 else 1 if rssi < 10 else 2 if rssi < 15 else 3 if rssi < 20 else 4 if rssi < 25 else 5
        return cls(rssi, dbm, bars)


@dataclass(frozen=True)
class StoredMessage:
    index: int
    status: int
    message: pdu.Deliver | pdu.StatusReport | pdu.Submit | None
    raw: str
    error: str = ""


UNSOLICITED_PREFIXES = ("+CMTI:", "+CMT:", "+CDSI:", "+CDS:", "RING", "+CLIP:", "+CUSD:", "^", "+CRING:")
_CMTI = re.compile(r'^\+(CMTI|CDSI):\s*"?([^",]*)"?,\s*(\d+)')
_CLIP = re.compile(r'^\+CLIP:\s*"([^"]*)"')
_CUSD = re.compile(r'^\+CUSD:\s*(\d+)(?:,\s*"(.*)"(?:,\s*(\d+))?)?', re.S)
_CMGL = re.compile(r"^\+CMG[LR]:\s*(?:(\d+),)?\s*(\d+),[^,]*,\s*(\d+)")


class AtModem:
    """One modem. Not thread-safe: one worker drives it."""

    def __init__(self, port, *, command_timeout: float = 10.0, send_timeout: float = 60.0):
        self.port = port
        self.command_timeout = command_timeout
        self.send_timeout = send_timeout
        self.events: deque[Event] = deque()
        self._buffer = b""
        self._concat_reference = int(time.time()) % 256
        self.calls_supported = True
        self.keeps_link = False

    # Opening ------------------------------------------------------------------------------
    @classmethod
    def open(cls, device: str, baudrate: int = 115200, **kwargs) -> AtModem:
        import serial  # pyserial; imported here so that tests can pass any port object

        try:
            port = serial.Serial(device, baudrate, timeout=0.1, write_timeout=10, exclusive=True)
        except serial.SerialException as exc:
            text = str(exc).lower()
            if "busy" in text or "lock" in text or "resource temporarily unavailable" in text:
                raise PortError(gettext_noop("The port is being used by another program."), str(exc)) from exc
            if "no such file" in text or "could not open" in text:
                raise PortError(gettext_noop("The modem is not connected to this port."), str(exc)) from exc
            raise PortError(gettext_noop("The port could not be opened."), str(exc)) from exc
        return cls(port, **kwargs)

    def close(self) -> None:
        try:
            self.port.close()
        except Exception:  # a vanished port may fail to close; nothing left to do
            logger.debug("closing the port failed", exc_info=True)

    # Low level ----------------------------------------------------------------------------
    def _write(self, data: bytes) -> None:
        try:
            self.port.write(data)
        except Exception as exc:  # serial.SerialException, OSError (EIO when unplugged)
            raise PortError(gettext_noop("The modem stopped answering: it may have been unplugged."), str(exc)) from exc

    def _fill(self) -> bool:
        """Read what is there (waiting up to the port's timeout); False if nothing came."""
        try:
            waiting = self.port.in_waiting
            data = self.port.read(waiting or 1)
        except Exception as exc:
            raise PortError(gettext_noop("The modem stopped answering: it may have been unplugged."), str(exc)) from exc
        if data:
            self._buffer += data
            return True
        return False

    def _read_line(self, deadline: float, *, prompt: bool = False) -> str | None:
        """The next non-empty line, '>' for the send prompt, or None at the deadline."""
        while True:
            if prompt:
                stripped = self._buffer.lstrip(b"\r\n")
                if stripped.startswith(b">"):
                    self._buffer = stripped[1:].lstrip(b" ")
                    return ">"
            newline = self._buffer.find(b"\n")
            if newline < 0 and self._buffer.endswith(b"\r") and len(self._buffer) > 1:
                newline = len(self._buffer) - 1
            if newline >= 0:
                raw, self._buffer = self._buffer[:newline], self._buffer[newline + 1 :]
                line = raw.strip(b"\r\n ").decode("latin-1")
                if line:
                    return line
                continue
            if time.monotonic() >= deadline:
                return None
            self._fill()

    def _is_unsolicited(self, line: str, command: str) -> bool:
        if line.startswith("+CUSD:") and command.upper().startswith("AT+CUSD"):
            return True  # the answer to a USSD request always comes as an event
        return line.startswith(UNSOLICITED_PREFIXES)

    def _handle_unsolicited(self, line: str, deadline: float) -> None:
        try:
            event = self._parse_unsolicited(line, deadline)
        except pdu.PduError as exc:
            logger.warning("Unreadable PDU in %r: %s", line, exc)
            event = Unparsed(line)
        if event is not None:
            self.events.append(event)

    def _parse_unsolicited(self, line: str, deadline: float) -> Event | None:
        match = _CMTI.match(line)
        if match:
            kind = NewMessage if match.group(1) == "CMTI" else ReportStored
            return kind(match.group(2), int(match.group(3)))
        if line.startswith(("+CMT:", "+CDS:")):
            # The PDU follows on the next line.
            pdu_line = self._read_line(max(deadline, time.monotonic() + 2.0))
            if pdu_line is None:
                return Unparsed(line)
            if line.startswith("+CMT:"):
                return MessageReceived(pdu.decode_deliver(pdu_line))
            return ReportReceived(pdu.decode_status_report(pdu_line))
        if line == "RING" or line.startswith("+CRING:"):
            return Ring()
        match = _CLIP.match(line)
        if match:
            return Ring(match.group(1))
        match = _CUSD.match(line)
        if match:
            return UssdReply(int(match.group(1)), decode_ussd(match.group(2) or "", match.group(3)))
        return Unparsed(line)

    # Commands -----------------------------------------------------------------------------
    def command(self, command: str, *, timeout: float | None = None) -> list[str]:
        """Run one AT command; its answer lines without the echo and the final OK."""
        self._write(command.encode("ascii") + b"\r")
        return self._collect(command, time.monotonic() + (timeout or self.command_timeout))

    def _collect(self, command: str, deadline: float) -> list[str]:
        lines: list[str] = []
        while True:
            line = self._read_line(deadline)
            if line is None:
                raise CommandTimeout(gettext_noop("The modem did not answer in time."), command)
            if line == command or line.upper() == command.upper():
                continue  # echo
            if line in FINAL_OK:
                return lines
            error = parse_error_line(line)
            if error is not None:
                error.detail = f"{command}: {error.detail}"
                raise error
            if self._is_unsolicited(line, command):
                self._handle_unsolicited(line, deadline)
                continue
            lines.append(line)

    def try_command(self, command: str, **kwargs) -> list[str] | None:
        """Like command(), but None when the modem answers an error (optional features)."""
        try:
            return self.command(command, **kwargs)
        except CommandError:
            return None

    def value(self, command: str, prefix: str = "") -> str:
        """The answer's single value, without its '+CSQ: '-style prefix."""
        for line in self.command(command):
            if prefix and line.startswith(prefix):
                return line[len(prefix) :].strip()
            if not prefix:
                return line.strip()
        return ""

    # Set-up -------------------------------------------------------------------------------
    def initialise(self, *, pin: str = "", init_commands: Iterable[str] = (), smsc: str = "") -> None:
        self._wake()
        self.command("ATE0")
        self.try_command("AT+CMEE=1")
        self.unlock(pin)
        self.command("AT+CMGF=0")
        # Store incoming SMS and announce them (+CMTI); delivery reports straight to us (+CDS).
        if self.try_command("AT+CNMI=2,1,0,1,0") is None:
            self.try_command("AT+CNMI=2,1,0,0,0")
        self.calls_supported = self.try_command("AT+CLIP=1") is not None
        self.try_command("AT^CURC=0")  # Huawei: stop the flood of ^RSSI/^BOOT lines
        for extra in init_commands:
            if extra.strip():
                self.command(extra.strip())
        if smsc:
            self.command(f'AT+CSCA="{smsc}",145' if smsc.startswith("+") else f'AT+CSCA="{smsc}"')

    def _wake(self) -> None:
        """Get the modem's attention: it may be mid-prompt or echoing after a crash of ours."""
        self._write(ESC + b"\r")
        time.sleep(0.05)
        self._buffer = b""
        last_error: ModemError | None = None
        for _ in range(3):
            try:
                self.command("AT", timeout=2.0)
                return
            except (CommandTimeout, CommandError) as exc:
                last_error = exc
        raise PortError(gettext_noop("The device on this port does not answer AT commands."), str(last_error))

    def sim_state(self) -> str:
        """READY, SIM PIN, SIM PUK... or raises CmeError (e.g. 10, no SIM)."""
        return self.value("AT+CPIN?", "+CPIN:")

    def unlock(self, pin: str) -> None:
        state = self.sim_state()
        if state == "READY":
            return
        if state == "SIM PIN" and pin:
            self.command(f'AT+CPIN="{pin}"')
            return
        if state == "SIM PIN":
            raise PinRequired(gettext_noop("The SIM card asks for its PIN: set it in the modem settings."))
        raise PinRequired(gettext_noop("The SIM card is blocked and asks for its PUK."), state)

    def identify(self) -> Identity:
        def read(command: str) -> str:
            answer = self.try_command(command)
            value = answer[0] if answer else ""
            return value.split(":", 1)[1].strip() if value.startswith("+") and ":" in value else value.strip()

        return Identity(
            manufacturer=read("AT+CGMI"),
            model=read("AT+CGMM"),
            revision=read("AT+CGMR"),
            imei=read("AT+CGSN"),
            imsi=read("AT+CIMI"),
        )

    def operator(self) -> str:
        self.try_command("AT+COPS=3,0")
        answer = self.try_command("AT+COPS?") or []
        for line in answer:
            match = re.search(r'"([^"]*)"', line)
            if match:
                return match.group(1)
        return ""

    def signal(self) -> Signal:
        value = self.value("AT+CSQ", "+CSQ:")
        try:
            rssi = int(value.split(",")[0])
        except ValueError:
            rssi = 99
        return Signal.from_rssi(rssi)

    def registration(self) -> int:
        """+CREG status: 1 home, 5 roaming, 2 searching, 3 denied, 0 not registered."""
        value = self.value("AT+CREG?", "+CREG:")
        try:
            return int(value.split(",")[1])
        except (IndexError, ValueError):
            return 0

    def keep_link_open(self) -> bool:
        """AT+CMMS=2: keep the radio link between consecutive sends, where supported."""
        self.keeps_link = self.try_command("AT+CMMS=2") is not None
        return self.keeps_link

    # Sending ------------------------------------------------------------------------------
    def next_concat_reference(self) -> int:
        self._concat_reference = (self._concat_reference + 1) % 256
        return self._concat_reference

    def send_pdu(self, part: pdu.SubmitPdu, *, on_handed=None) -> int:
        """Send one part; returns the modem's message reference (TP-MR).

        `on_handed` runs after the modem's '>' prompt and right before the PDU is written:
        from then on the message may leave even if we never see the answer.
        """
        command = f"AT+CMGS={part.tpdu_length}"
        self._write(command.encode("ascii") + b"\r")
        deadline = time.monotonic() + self.command_timeout
        while True:
            line = self._read_line(deadline, prompt=True)
            if line is None:
                self._write(ESC)  # leave the prompt state if it came late
                raise CommandTimeout(gettext_noop("The modem did not ask for the message."), command)
            if line == ">":
                break
            if line == command:
                continue
            error = parse_error_line(line)
            if error is not None:
                raise error
            if self._is_unsolicited(line, command):
                self._handle_unsolicited(line, deadline)
        if on_handed is not None:
            on_handed()
        self._write(part.hex.encode("ascii") + CTRL_Z)
        lines = self._collect(command, time.monotonic() + self.send_timeout)
        for line in lines:
            if line.startswith("+CMGS:"):
                try:
                    return int(line[6:].split(",")[0].strip())
                except ValueError:
                    break
        # OK without a reference: the message may well have left, so this is not a refusal.
        raise UnconfirmedSend(gettext_noop("The modem did not confirm the message."), " ".join(lines))

    def cancel_prompt(self) -> None:
        """Leave the '>' prompt without sending (ESC), e.g. when the message was taken away."""
        self._write(ESC)
        # Some modems answer nothing, or ERROR, to a cancelled send.
        with contextlib.suppress(CommandTimeout, CommandError):
            self._collect("ESC", time.monotonic() + 5.0)

    # Receiving ----------------------------------------------------------------------------
    def list_messages(self, status: int = 4) -> list[StoredMessage]:
        """Every stored SMS and report (AT+CMGL=4: all), decoded where possible."""
        lines = self.command(f"AT+CMGL={status}", timeout=max(self.command_timeout, 30.0))
        return self._stored(lines)

    def read_message(self, index: int) -> StoredMessage | None:
        lines = self.command(f"AT+CMGR={index}")
        stored = self._stored(lines, index=index)
        return stored[0] if stored else None

    def delete_message(self, index: int) -> None:
        self.command(f"AT+CMGD={index}")

    def _stored(self, lines: list[str], index: int | None = None) -> list[StoredMessage]:
        result = []
        for header, body in zip(lines[::2], lines[1::2], strict=False):
            match = _CMGL.match(header)
            if not match:
                continue
            position = int(match.group(1)) if match.group(1) is not None else index
            try:
                message = pdu.decode(body)
                result.append(StoredMessage(position, int(match.group(2)), message, body))
            except pdu.PduError as exc:
                result.append(StoredMessage(position, int(match.group(2)), None, body, str(exc)))
        return result

    # Waiting ------------------------------------------------------------------------------
    def poll(self, timeout: float) -> list[Event]:
        """Wait up to `timeout` for unsolicited lines; returns every queued event."""
        deadline = time.monotonic() + timeout
        while not self.events and time.monotonic() < deadline:
            line = self._read_line(deadline)
            if line is None:
                break
            if line in FINAL_OK or parse_error_line(line) is not None:
                continue  # a late answer to a command that timed out
            self._handle_unsolicited(line, deadline)
        return self.pop_events()

    def pop_events(self) -> list[Event]:
        events = list(self.events)
        self.events.clear()
        return events

    # USSD ---------------------------------------------------------------------------------
    def ussd(self, code: str, *, timeout: float = 30.0) -> UssdReply:
        """Run a USSD code (e.g. *105# for the balance) and wait for the network's answer."""
        self.command(f'AT+CUSD=1,"{code}",15', timeout=timeout)
        deadline = time.monotonic() + timeout
        kept: list[Event] = []
        try:
            while time.monotonic() < deadline:
                for event in self.poll(deadline - time.monotonic()):
                    if isinstance(event, UssdReply):
                        return event
                    kept.append(event)
        finally:
            self.events.extend(kept)
        raise CommandTimeout(gettext_noop("The network did not answer the USSD code in time."), code)


def decode_ussd(text: str, dcs: str | None) -> str:
    """USSD answers come as plain text, or as UCS-2 hex (DCS 72) on some modems."""
    if dcs == "72" and re.fullmatch(r"(?:[0-9A-Fa-f]{4})+", text or ""):
        return bytes.fromhex(text).decode("utf-16-be", errors="replace")
    return text
