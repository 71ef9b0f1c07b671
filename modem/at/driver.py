"""The AT-command driver: one modem on one serial port.

Plain Python over a pyserial-like port (anything with read/write/in_waiting). Unsolicited
lines (+CMTI, +CMT, +CDS, RING, +CLIP, +CUSD, Huawei's ^ lines, start-up notices) may arrive
at any moment, even between a command and its answer; they are parsed into events and queued,
and the caller drains them with `pop_events()` or `poll()`.

Written against what real modems send, not only against our simulator: answers are matched to
their command by prefix, a port may still hold answers owed to a previous process (see
`synchronise`), the SIM may be busy for seconds after power-on, and listings, USSD answers and
identification come in many shapes (`listing.py`, `ussd.py`, `identity.py`).
"""

from __future__ import annotations

import contextlib
import logging
import random
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from modem.at import errors, pdu, ussd
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
from modem.at.identity import Identity, identity_from_answers
from modem.at.listing import StoredMessage, is_text_mode_listing, parse_direct, parse_listing, split_fields
from modem.at.ussd import decode_ussd

__all__ = [
    "AtModem",
    "Identity",
    "MessageReceived",
    "NewMessage",
    "ReportReceived",
    "ReportStored",
    "Ring",
    "Signal",
    "StoredMessage",
    "Unparsed",
    "UssdReply",
    "decode_ussd",
]

logger = logging.getLogger("smsmotor.modem.at")

CTRL_Z = b"\x1a"
ESC = b"\x1b"
FINAL_OK = {"OK"}
BUSY_WAIT = 30.0  # seconds a SIM may stay busy after power-on (Quectel, Sierra: 10-20 s seen)
BUSY_RETRY = 1.0
READY_WAIT = 20.0  # seconds for the SIM to become READY after its PIN
CPIN_GRACE = 1.0  # seconds to wait for the OK that some modems never send after +CPIN:
QUIET = 0.3  # seconds of silence that end the draining of a freshly opened port
KEEPALIVE_EVERY = 5.0  # seconds between `on_wait` calls while waiting for a slow modem
USSD_NOTICE_GRACE = 5.0  # seconds to wait for the real answer after a +CUSD: 2/4 notice


# Events ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class NewMessage:
    """+CMTI: an SMS was stored at `index` of memory `storage`."""

    storage: str
    index: int


@dataclass(frozen=True)
class MessageReceived:
    """+CMT: an SMS delivered straight to us (not stored)."""

    deliver: pdu.Deliver


@dataclass(frozen=True)
class ReportStored:
    """+CDSI: a delivery report stored at `index` of memory `storage`."""

    storage: str
    index: int


@dataclass(frozen=True)
class ReportReceived:
    """+CDS: a delivery report delivered straight to us (acknowledge it once saved, if asked to)."""

    report: pdu.StatusReport


@dataclass(frozen=True)
class Ring:
    """RING, and the caller's number when +CLIP gives it."""

    number: str = ""


@dataclass(frozen=True)
class UssdReply:
    status: int
    text: str
    dcs: int | None = None


@dataclass(frozen=True)
class Unparsed:
    """An unsolicited line we do not act on (^RSSI, ^BOOT, a stale answer...), kept for the activity log."""

    line: str


Event = NewMessage | MessageReceived | ReportStored | ReportReceived | Ring | UssdReply | Unparsed


# Readings -------------------------------------------------------------------------------
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


# Unsolicited lines ------------------------------------------------------------------------
# Prefixes that are never the answer to a command of ours but the one that names them
# (TS 27.005/27.007 and the start-up and status notices of Huawei, ZTE, Quectel, SIMCom,
# Telit, Sierra/Wavecom, u-blox and Cinterion).
KNOWN_URCS = frozenset(
    {
        "+CMTI", "+CMT", "+CDSI", "+CDS", "+CBM", "+CUSD", "+CLIP", "+CRING", "+CCWA", "+CREG", "+CGREG",
        "+CEREG", "+C5GREG", "+CIEV", "+CTZV", "+CTZE", "+CTZEU", "+CPIN", "+CFUN", "+CSQN", "+QIND",
        "+QUSIM", "+QSTK", "+STIN", "+STKPCI", "+SIND", "+WIND", "+KSUP", "+UUSIM", "+UMWI", "+ZPBIC",
        "+ZUSIMR", "+ZEND", "+ZDONR", "+PACSP", "+CPINR", "+CGEV", "+CMGRMI", "*PSUTTZ", "*ESIMSR",
        "+ECIND", "+CREC", "+CLCC", "+CSSU", "+CSSI",
    }
)  # fmt: skip
# Vendor prefixes whose every line is a notice (Huawei ^RSSI/^BOOT/^MODE..., Telit #..., Sony Ericsson *E...).
URC_PREFIX_CHARS = "^*#"
# Whole-line notices, compared case-insensitively.
BARE_URCS = frozenset(
    {"RING", "RDY", "CALL READY", "SMS READY", "PB DONE", "SMS DONE", "^SYSSTART", "+PACSP0", "+PACSP1",
     "NORMAL POWER DOWN", "START", "+CPIN: READY", "IIII"}
)  # fmt: skip
# Commands whose answers use another command's name.
ALIASES = {"+CGMI": "+GMI", "+CGMM": "+GMM", "+CGMR": "+GMR", "+CGSN": "+GSN"}
# Answers whose lines may be any text (message bodies): only known notices are taken out of them.
FREE_TEXT = {"+CMGL", "+CMGR"}

_NAME = re.compile(r"^([+^*#$%][A-Za-z][A-Za-z0-9_]*)\s*:")
_COMMAND_NAMES = re.compile(r'"[^"]*"|([+^*#$%][A-Za-z][A-Za-z0-9_]*)')
_CMTI = re.compile(r'^\+(CMTI|CDSI):\s*"?([^",]*)"?\s*,\s*(\d+)')
_CLIP = re.compile(r'^\+CLIP:\s*"?([^",]*)"?')
_STORAGE_GROUP = re.compile(r"\(([^)]*)\)")


def line_name(line: str) -> str | None:
    """ "+CSQ" for "+CSQ: 20,99", "^RSSI" for "^RSSI:12"; None for a line without a name."""
    match = _NAME.match(line)
    return match.group(1).upper() if match else None


def command_names(command: str) -> frozenset[str]:
    """The extended commands on a command line (quoted arguments skipped), with their aliases."""
    names = {match.group(1).upper() for match in _COMMAND_NAMES.finditer(command) if match.group(1)}
    return frozenset(names | {ALIASES[name] for name in names if name in ALIASES})


def is_unsolicited(line: str, command: str) -> bool:
    """Is `line` a notice that arrived during `command`, rather than part of its answer?"""
    if line.upper() in BARE_URCS and not (line.upper() == "+CPIN: READY" and "+CPIN" in command_names(command)):
        return True
    name = line_name(line)
    if name is None:
        return False
    if name == "+CUSD":
        return True  # the network's answer to a USSD request always comes as an event
    names = command_names(command)
    if name in names:
        return False
    if not names or names & FREE_TEXT:
        # A basic command (ATI) or a listing: any text may be an answer; only known notices are not.
        return name in KNOWN_URCS or name[0] in URC_PREFIX_CHARS
    return True


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
        # Where delivery reports go: "stored" (+CDSI, read and deleted once saved), "direct"
        # (+CDS; acknowledged with +CNMA once saved when `needs_ack`), or "" (none).
        self.reports = ""
        self.needs_ack = False
        self.memory: str | None = None  # <mem1> of AT+CPMS: where +CMGL/+CMGR/+CMGD look
        self.report_memory = ""  # "SR" where the modem keeps reports in a memory of their own
        self.identity: Identity | None = None
        # False after a timeout: the late answer must be drained before the next command.
        # initialise() always synchronises, for what a previous process left on the port.
        self.synced = True
        self.ussd_packed = False  # the modem wants USSD requests packed in GSM-7 hex (Huawei)
        # Called every few seconds while waiting for a slow answer (the worker's heartbeat).
        self.on_wait: Callable[[], None] | None = None
        self._last_wait_call = time.monotonic()

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
            now = time.monotonic()
            if now >= deadline:
                return None
            if self.on_wait is not None and now - self._last_wait_call >= KEEPALIVE_EVERY:
                self._last_wait_call = now
                self.on_wait()
            self._fill()

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
            return kind(match.group(2).upper(), int(match.group(3)))
        if line.startswith(("+CMT:", "+CDS:")):
            if line.startswith("+CDS:") and len(split_fields(line[5:])) >= 7:
                return ReportReceived(parse_direct(line, None))  # text mode: the report is this line
            # The PDU (or, in text mode, the text) follows on the next line.
            body = self._read_line(max(deadline, time.monotonic() + 2.0))
            message = parse_direct(line, body)
            if isinstance(message, pdu.StatusReport):
                return ReportReceived(message)
            return MessageReceived(message)
        upper = line.upper()
        if upper == "RING" or upper.startswith("+CRING:"):
            return Ring()
        match = _CLIP.match(line)
        if match:
            return Ring(match.group(1))
        if line.startswith("+CUSD:"):
            return self._ussd_event(line, deadline)
        return Unparsed(line)

    def _ussd_event(self, line: str, deadline: float) -> UssdReply:
        text = line[len("+CUSD:") :]
        # A multi-line answer (a menu): the quoted text goes on over several lines.
        until = max(deadline, time.monotonic() + 2.0)
        while text.count('"') % 2:
            more = self._read_line(until)
            if more is None:
                break
            text += "\n" + more
        answer = ussd.parse_cusd(text, packed_request=self.ussd_packed)
        return UssdReply(answer.status, answer.text, answer.dcs)

    # Commands -----------------------------------------------------------------------------
    def command(self, command: str, *, timeout: float | None = None) -> list[str]:
        """Run one AT command; its answer lines without the echo, notices and the final OK."""
        if not self.synced:
            self.synchronise()
        self._write(command.encode("ascii") + b"\r")
        return self._collect(command, time.monotonic() + (timeout or self.command_timeout))

    def _collect(self, command: str, deadline: float) -> list[str]:
        lines: list[str] = []
        while True:
            line = self._read_line(deadline)
            if line is None:
                # Its answer may still come, and would be read as the next command's.
                self.synced = False
                raise CommandTimeout(gettext_noop("The modem did not answer in time."), command)
            if line.upper() == command.upper():
                continue  # echo
            if line in FINAL_OK:
                return lines
            error = parse_error_line(line)
            if error is not None:
                error.detail = f"{command}: {error.detail}"
                raise error
            if is_unsolicited(line, command):
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

    def patiently(self, run: Callable[[], object], *, limit: float = BUSY_WAIT):
        """Run a command again while the modem says it is busy (SIM busy, "please wait, init in
        progress"): for some seconds after power-on, real modems answer so to everything."""
        deadline = time.monotonic() + limit
        while True:
            try:
                return run()
            except CommandError as error:
                if not errors.is_busy(error) or time.monotonic() >= deadline:
                    raise
                logger.info("Modem busy (%s); trying again", error.detail)
                self.listen(BUSY_RETRY)

    # Set-up -------------------------------------------------------------------------------
    def synchronise(self) -> None:
        """Make sure the next answer read is the answer to the next command written.

        A port just opened may still hold what the modem owed a previous process (the answer to
        a send whose worker was killed, a listing half read), and a busy modem only answers new
        commands after it finishes the old one. So: leave a pending send prompt (ESC), let
        the old output drain, then send a line that is echoed back in a form nobody else wrote
        (`ATS7=<random>`, a harmless register) and trust only what follows its echo. A modem
        that does not echo is in sync once it has answered and gone quiet.
        """
        self._write(ESC + b"\r")
        self._drain(QUIET, limit=2.0)
        marker = f"ATS7={random.randint(40, 99)}"
        self._write(b"ATE1V1\r")
        self._write(marker.encode("ascii") + b"\r")
        if not self._await_marker(marker):
            self._plain_wake()
        self.synced = True
        self.command("ATE0")

    def _await_marker(self, marker: str) -> bool:
        """True once the marker's answer is read; False if the modem said nothing at all."""
        start = time.monotonic()
        heard_at: float | None = None  # when the modem last said anything
        echoed = False
        finals = 0
        while True:
            line = self._read_line(time.monotonic() + 0.5)
            now = time.monotonic()
            if line is None:
                if heard_at is None and now - start > 3.0:
                    return False
                if heard_at is not None and finals >= 2 and now - heard_at >= 1.0:
                    return True  # no echo, but both lines were answered and the modem is quiet
                if now - start > max(self.send_timeout, 10.0):
                    raise PortError(gettext_noop("The modem did not get ready in time."), f"no answer to {marker}")
                continue
            heard_at = now
            if line.replace(" ", "").upper() == marker:
                echoed = True
            elif line in FINAL_OK or line in ("0", "4") or parse_error_line(line) is not None:
                if echoed:
                    return True
                finals += 1
            elif is_unsolicited(line, ""):
                self._handle_unsolicited(line, now + 2.0)
            else:
                logger.info("Left over from before: %r", line)

    def _plain_wake(self) -> None:
        """The classic way, for a device that ignored the marker: AT until it answers OK."""
        self._buffer = b""
        self.synced = True
        last_error: ModemError | None = None
        for _ in range(3):
            try:
                self.command("AT", timeout=2.0)
                return
            except (CommandTimeout, CommandError) as exc:
                self.synced = True
                last_error = exc
        raise PortError(gettext_noop("The device on this port does not answer AT commands."), str(last_error))

    def _drain(self, quiet: float, *, limit: float) -> None:
        """Read until the modem has been silent for `quiet` seconds (at most `limit`), keeping notices."""
        end = time.monotonic() + limit
        silent_since = time.monotonic()
        while time.monotonic() < end and time.monotonic() - silent_since < quiet:
            if self._fill():
                silent_since = time.monotonic()
        for raw in self._buffer.split(b"\n"):
            line = raw.strip(b"\r\n ").decode("latin-1")
            if line and is_unsolicited(line, ""):
                with contextlib.suppress(pdu.PduError):
                    event = self._parse_unsolicited(line, time.monotonic())
                    if event is not None:
                        self.events.append(event)
            elif line:
                logger.info("Left over from before: %r", line)
        self._buffer = b""

    def initialise(self, *, pin: str = "", init_commands: Iterable[str] = (), smsc: str = "") -> None:
        self.synchronise()
        if self.try_command("AT+CMEE=1") is None:
            self.try_command("AT+CMEE=2")  # verbose errors are still better than a bare ERROR
        self.unlock(pin)
        self.patiently(lambda: self.command("AT+CMGF=0"))
        self.patiently(self._find_memories)
        self._route_incoming()
        self.calls_supported = self.try_command("AT+CLIP=1") is not None
        self.try_command("AT^CURC=0")  # Huawei: stop the flood of ^RSSI/^BOOT lines
        for extra in init_commands:
            if extra.strip():
                self.command(extra.strip())
        if smsc:
            self.command(f'AT+CSCA="{smsc}",145' if smsc.startswith("+") else f'AT+CSCA="{smsc}"')

    def _find_memories(self) -> None:
        answer = self.try_command("AT+CPMS?") or []
        for line in answer:
            fields = split_fields(line.partition(":")[2])
            if fields and fields[0]:
                self.memory = fields[0].strip('"').upper()
        options = self.try_command("AT+CPMS=?") or []
        for line in options:
            groups = _STORAGE_GROUP.findall(line)
            if groups and '"SR"' in groups[0].upper().replace(" ", ""):
                self.report_memory = "SR"

    # (command, where reports go): SMS stored and announced (+CMTI), reports stored and
    # announced (+CDSI) so that a report that arrives while no worker runs is not lost; where the
    # modem cannot store them, reports straight to us (+CDS), acknowledged once saved.
    ROUTES = (
        ("AT+CNMI=2,1,0,2,0", "stored"),
        ("AT+CNMI=1,1,0,2,0", "stored"),
        ("AT+CNMI=3,1,0,2,0", "stored"),
        ("AT+CNMI=2,1,0,1,0", "direct"),
        ("AT+CNMI=1,1,0,1,0", "direct"),
        ("AT+CNMI=3,1,0,1,0", "direct"),
        ("AT+CNMI=2,1,0,0,0", ""),
        ("AT+CNMI=1,1,0,0,0", ""),
        ("AT+CNMI=3,1", ""),
    )

    def _route_incoming(self) -> None:
        for command, reports in self.ROUTES:
            if self.patiently(lambda command=command: self.try_command(command)) is not None:
                self.reports = reports
                break
        if self.reports == "direct":
            # Phase 2+ (AT+CSMS=1): the network gets the report's acknowledgement only once we
            # saved it, and sends it again if we die first.
            self.needs_ack = self.try_command("AT+CSMS=1") is not None

    def acknowledge(self) -> None:
        """Tell the network a +CDS (or +CMT) was saved (AT+CNMA), when the modem asked for it."""
        if self.needs_ack:
            self.try_command("AT+CNMA")

    def sim_state(self) -> str:
        """READY, SIM PIN, SIM PUK, PH-NET PIN... ("" when the modem does not say), or raises
        CmeError (e.g. 10, no SIM). Busy answers at start-up are waited out."""
        return self.patiently(self._read_sim_state)

    def _read_sim_state(self) -> str:
        if not self.synced:
            self.synchronise()
        command = "AT+CPIN?"
        self._write(command.encode("ascii") + b"\r")
        deadline = time.monotonic() + self.command_timeout
        state: str | None = None
        while True:
            line = self._read_line(deadline if state is None else min(deadline, time.monotonic() + CPIN_GRACE))
            if line is None:
                if state is not None:
                    return state  # answered without a final OK, as some modems do
                self.synced = False
                raise CommandTimeout(gettext_noop("The modem did not answer in time."), command)
            if line.upper() == command:
                continue
            if line in FINAL_OK:
                return state or ""
            error = parse_error_line(line)
            if error is not None:
                error.detail = f"{command}: {error.detail}"
                raise error
            if line.upper().startswith("+CPIN:"):
                state = errors.sim_state_normalise(line[6:])
            elif errors.sim_state_normalise(line) in errors.SIM_STATES:
                state = errors.sim_state_normalise(line)  # a bare "READY" from an old phone
            elif is_unsolicited(line, command):
                self._handle_unsolicited(line, deadline)

    def unlock(self, pin: str) -> str:
        """Enter the PIN if the SIM asks for it; PinRequired (with the right reason) if it asks
        for something we cannot give. Returns the SIM state."""
        state = self.sim_state()
        if state == "SIM PIN" and pin:
            try:
                self.patiently(lambda: self.command(f'AT+CPIN="{pin}"'))
            except CommandError as error:
                if errors.is_wrong_password(error):
                    raise errors.PinRejected(
                        gettext_noop("The SIM card rejected the PIN: check it in the modem settings."), error.detail
                    ) from error
                raise
            return self._wait_until_ready()
        if not errors.sim_state_blocks(state):
            return state
        raise PinRequired(errors.sim_state_reason(state), state)

    def _wait_until_ready(self) -> str:
        deadline = time.monotonic() + READY_WAIT
        state = ""
        while time.monotonic() < deadline:
            with contextlib.suppress(CommandError, CommandTimeout):
                state = self.sim_state()
                if not errors.sim_state_blocks(state):
                    return state
            self.listen(BUSY_RETRY)
        if errors.sim_state_blocks(state):
            raise PinRequired(errors.sim_state_reason(state), state)
        return state

    def identify(self) -> Identity:
        def read(command: str) -> list[str]:
            with contextlib.suppress(CommandTimeout):
                return self.try_command(command) or []
            return []

        answers = {command: read(command) for command in ("AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN", "AT+CIMI")}
        identity = identity_from_answers(answers)
        if not identity.manufacturer or not identity.model:
            # Phones and older modems without +CGMI/+CGMM: the V.250 identification lines.
            extra = {command: read(command) for command in ("ATI", "ATI3", "ATI4")}
            identity = identity_from_answers(answers | extra)
        self.identity = identity
        return identity

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
        from then on the message may leave even if we never see the answer. An error raised
        after that point has `after_data = True`.
        """
        if not self.synced:
            self.synchronise()
        command = f"AT+CMGS={part.tpdu_length}"
        self._write(command.encode("ascii") + b"\r")
        deadline = time.monotonic() + self.command_timeout
        while True:
            line = self._read_line(deadline, prompt=True)
            if line is None:
                self._write(ESC)  # leave the prompt state if it came late
                self.synced = False
                raise CommandTimeout(gettext_noop("The modem did not ask for the message."), command)
            if line == ">":
                break
            if line == command:
                continue
            error = parse_error_line(line)
            if error is not None:
                raise error
            if is_unsolicited(line, command):
                self._handle_unsolicited(line, deadline)
        if on_handed is not None:
            on_handed()
        self._write(part.hex.encode("ascii") + CTRL_Z)
        try:
            lines = self._collect(command, time.monotonic() + self.send_timeout)
        except ModemError as error:
            error.after_data = True
            raise
        for line in lines:
            if line.startswith("+CMGS:"):
                try:
                    return int(line[6:].split(",")[0].strip())
                except ValueError:
                    break
        # OK without a reference: the message may well have left, so this is not a refusal.
        error = UnconfirmedSend(gettext_noop("The modem did not confirm the message."), " ".join(lines))
        error.after_data = True
        raise error

    def cancel_prompt(self) -> None:
        """Leave the '>' prompt without sending (ESC), e.g. when the message was taken away."""
        self._write(ESC)
        # Some modems answer nothing, or ERROR, to a cancelled send.
        with contextlib.suppress(CommandTimeout, CommandError):
            self._collect("ESC", time.monotonic() + 5.0)
        self.synced = True  # a timeout above only means the modem said nothing

    # Receiving ----------------------------------------------------------------------------
    def list_messages(self) -> list[StoredMessage]:
        """Every stored SMS and report, decoded where possible, from every memory that holds them."""
        entries = self._list(self.memory)
        if self.report_memory and self.report_memory != self.memory:
            with contextlib.suppress(CommandError):
                entries += self._list(self.report_memory)
        return entries

    def _list(self, storage: str | None) -> list[StoredMessage]:
        with self._in_memory(storage):
            lines = self._listing_lines()
            if is_text_mode_listing(lines) and self.try_command("AT+CMGF=0") is not None:
                lines = self._listing_lines()  # something had switched the modem to text mode
            return parse_listing(lines, storage=storage or "")

    def _listing_lines(self) -> list[str]:
        timeout = max(self.command_timeout, 30.0)
        try:
            return self.patiently(lambda: self.command("AT+CMGL=4", timeout=timeout))
        except CommandError:
            # A modem in text mode refuses the number: back to PDU mode, else list in text.
            if self.try_command("AT+CMGF=0") is not None:
                return self.command("AT+CMGL=4", timeout=timeout)
            return self.command('AT+CMGL="ALL"', timeout=timeout)

    def read_message(self, index: int, storage: str | None = None) -> StoredMessage | None:
        with self._in_memory(storage):
            lines = self.patiently(lambda: self.command(f"AT+CMGR={index}"))
            if is_text_mode_listing(lines) and self.try_command("AT+CMGF=0") is not None:
                lines = self.command(f"AT+CMGR={index}")
            stored = parse_listing(lines, index=index, storage=storage or self.memory or "")
        return stored[0] if stored else None

    def delete_message(self, index: int, storage: str | None = None) -> None:
        with self._in_memory(storage):
            self.patiently(lambda: self.command(f"AT+CMGD={index}"))

    @contextlib.contextmanager
    def _in_memory(self, storage: str | None) -> Iterator[None]:
        """Point <mem1> at `storage` (e.g. "SR", where some modems keep reports) for a while."""
        storage = (storage or "").upper()
        if not storage or storage == self.memory or (self.memory is None and storage != "SR"):
            yield
            return
        self.command(f'AT+CPMS="{storage}"')
        try:
            yield
        finally:
            with contextlib.suppress(ModemError):
                self.command(f'AT+CPMS="{self.memory or "SM"}"')

    # Waiting ------------------------------------------------------------------------------
    def listen(self, timeout: float) -> None:
        """Read notices for `timeout` seconds into the event queue."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self._read_line(deadline)
            if line is None:
                break
            if line in FINAL_OK or parse_error_line(line) is not None:
                continue  # a late answer to a command that timed out
            self._handle_unsolicited(line, deadline)

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
        """Run a USSD code (e.g. *105# for the balance) and wait for the network's answer.

        The request goes as text; a modem that refuses it (Huawei sticks in "transparent" mode)
        gets it packed in GSM-7 hex. Notices that the session ended or the service is not
        supported may come before the real answer, so they are only believed after a short wait.
        A session that asks for more (a menu) is closed, since nobody will answer it.
        """
        deadline = time.monotonic() + timeout
        notice: UssdReply | None = None
        for packed in [True] if self.ussd_packed else [False, True]:
            self.ussd_packed = packed
            request = ussd.encode_ussd_request(code) if packed else code
            try:
                self.command(f'AT+CUSD=1,"{request}",15', timeout=timeout)
            except CommandError as error:
                if packed or errors.is_network_refusal(error):
                    self.ussd_packed = False
                    raise
                continue  # refused as text: try it packed
            reply = self._ussd_answer(deadline)
            if reply is None:
                break
            if reply.text or reply.status in (0, 1):
                if reply.status == 1:
                    self.try_command("AT+CUSD=2")  # a menu waits for an answer nobody will give
                return reply
            notice = reply
            if reply.status != 4 or packed:
                break  # 4 to a text request may mean "send it packed"; anything else is the network's word
        self.ussd_packed = False
        if notice is not None:
            reason = ussd.status_reason(notice.status) or gettext_noop("The network did not answer the USSD code.")
            raise CommandError(reason, f"{code}: +CUSD: {notice.status}")
        raise CommandTimeout(gettext_noop("The network did not answer the USSD code in time."), code)

    def _ussd_answer(self, deadline: float) -> UssdReply | None:
        """The first +CUSD with text; a bare notice only if nothing better follows soon."""
        notice: UssdReply | None = None
        notice_at = 0.0
        kept: list[Event] = []
        try:
            while True:
                until = deadline if notice is None else min(deadline, notice_at + USSD_NOTICE_GRACE)
                if time.monotonic() >= until:
                    return notice
                for event in self.poll(until - time.monotonic()):
                    if not isinstance(event, UssdReply):
                        kept.append(event)
                    elif event.text or event.status not in (2, 4):
                        return event
                    elif notice is None:
                        notice, notice_at = event, time.monotonic()
        finally:
            self.events.extend(kept)
