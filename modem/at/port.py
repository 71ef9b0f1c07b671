"""Talking AT over a serial port: framing, echo, final results, notices, and staying in step.

`AtPort` writes command lines and reads their answers from a pyserial-like port (anything with
read/write/in_waiting), queues the notices that arrive meanwhile as events (`events.py`), and
makes sure an answer is read as the answer of the command that asked for it, even on a port that
still holds what the modem owed a previous process (`synchronise`). What to ask a modem, and
what its answers mean, is `driver.AtModem`'s business.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections import deque
from collections.abc import Callable

from modem.at import errors, pdu, ussd
from modem.at.errors import CommandError, CommandTimeout, ModemError, PortError, gettext_noop, parse_error_line
from modem.at.events import (
    CLIP,
    CMTI,
    Event,
    MessageReceived,
    NewMessage,
    ReportReceived,
    ReportStored,
    Ring,
    Unparsed,
    UssdReply,
    is_unsolicited,
)
from modem.at.listing import parse_direct, split_fields

logger = logging.getLogger("smsmotor.modem.at")

CTRL_Z = b"\x1a"
ESC = b"\x1b"
FINAL_OK = {"OK"}
BUSY_WAIT = 30.0  # seconds a SIM may stay busy after power-on (Quectel, Sierra: 10-20 s seen)
BUSY_RETRY = 1.0
PLAIN_ERROR_WAIT = 10.0  # seconds a bare ERROR may mean "not ready yet" (SIMCom before "SMS Ready")
QUIET = 0.1  # seconds of silence that end the draining of a freshly opened port
KEEPALIVE_EVERY = 5.0  # seconds between `on_wait` calls while waiting for a slow modem

_UNPLUGGED = gettext_noop(
    "The modem stopped answering; it may have been unplugged. Check the cable: the system reconnects by itself."
)


class AtPort:
    """One modem's serial line. Not thread-safe: one worker drives it."""

    def __init__(self, port, *, command_timeout: float = 10.0, send_timeout: float = 60.0):
        self.port = port
        self.command_timeout = command_timeout
        self.send_timeout = send_timeout
        self.events: deque[Event] = deque()
        self._buffer = b""
        # False after a timeout: the late answer must be drained before the next command.
        # AtModem.initialise() always synchronises, for what a previous process left on the port.
        self.synced = True
        self.brand = ""  # the modem's manufacturer, once known: some codes mean different things per brand
        self.ussd_packed = False  # USSD requests and answers packed in GSM-7 hex (Huawei "transparent" mode)
        # Called every few seconds while waiting for a slow answer (the worker's heartbeat).
        self.on_wait: Callable[[], None] | None = None
        self._last_wait_call = time.monotonic()

    # Opening ------------------------------------------------------------------------------
    @classmethod
    def open(cls, device: str, baudrate: int = 115200, **kwargs):
        import serial  # pyserial; imported here so that tests can pass any port object

        try:
            port = serial.Serial(device, baudrate, timeout=0.1, write_timeout=10, exclusive=True)
        except serial.SerialException as exc:
            text = str(exc).lower()
            if "busy" in text or "lock" in text or "resource temporarily unavailable" in text:
                raise PortError(
                    gettext_noop(
                        "The port is being used by another program (often ModemManager): stop that program or "
                        "choose another port."
                    ),
                    str(exc),
                ) from exc
            if "no such file" in text or "could not open" in text:
                raise PortError(
                    gettext_noop("There is no modem on this port: check the cable, or use Detect ports to find it."),
                    str(exc),
                ) from exc
            raise PortError(
                gettext_noop(
                    "The port could not be opened: check that the system user may use it (the dialout group)."
                ),
                str(exc),
            ) from exc
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
            raise PortError(
                _UNPLUGGED,
                str(exc),
            ) from exc

    def _fill(self) -> bool:
        """Read what is there (waiting up to the port's timeout); False if nothing came."""
        try:
            waiting = self.port.in_waiting
            data = self.port.read(waiting or 1)
        except Exception as exc:
            raise PortError(
                _UNPLUGGED,
                str(exc),
            ) from exc
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
        match = CMTI.match(line)
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
        match = CLIP.match(line)
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
    def command(self, command: str, *, timeout: float | None = None, shown: str = "") -> list[str]:
        """Run one AT command; its answer lines without the echo, notices and the final OK.
        `shown` is how errors name the command when it carries a secret (AT+CPIN="****")."""
        if not self.synced:
            self.synchronise()
        self._write(command.encode("ascii") + b"\r")
        return self._collect(command, time.monotonic() + (timeout or self.command_timeout), shown=shown)

    def _collect(self, command: str, deadline: float, *, shown: str = "") -> list[str]:
        lines: list[str] = []
        while True:
            line = self._read_line(deadline)
            if line is None:
                # Its answer may still come, and would be read as the next command's.
                self.synced = False
                raise CommandTimeout(gettext_noop("The modem did not answer in time."), shown or command)
            if line.upper() == command.upper():
                continue  # echo
            if line in FINAL_OK:
                return lines
            error = parse_error_line(line)
            if error is not None:
                error.detail = f"{shown or command}: {error.detail}"
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

    def patiently(self, run: Callable[[], object], *, limit: float = BUSY_WAIT, also_plain_errors: bool = False):
        """Run a command again while the modem says it is busy (SIM busy, "please wait, init in
        progress"): for some seconds after power-on, real modems answer so to everything. With
        `also_plain_errors`, a bare ERROR is also taken for "not ready yet", for a shorter while."""
        start = time.monotonic()
        while True:
            try:
                return run()
            except CommandError as error:
                plain = also_plain_errors and getattr(error, "code", None) is None
                if plain and time.monotonic() - start < PLAIN_ERROR_WAIT:
                    logger.info("Modem not ready (%s); trying again", error.detail)
                elif not errors.is_busy(error, self.brand) or time.monotonic() - start >= limit:
                    raise
                else:
                    logger.info("Modem busy (%s); trying again", error.detail)
                self.listen(BUSY_RETRY)

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
                    raise PortError(
                        gettext_noop(
                            "The modem did not get ready in time: unplug it, wait ten seconds and plug it in again."
                        ),
                        f"no answer to {marker}",
                    )
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
        raise PortError(
            gettext_noop(
                "The device on this port does not answer like a modem: try another port (a USB modem shows several)."
            ),
            str(last_error),
        )

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
        """Wait up to `timeout` for unsolicited lines; returns every queued event (all of a burst
        that has already arrived, e.g. RING and its +CLIP)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.events and not self._has_line():
                break
            line = self._read_line(time.monotonic() if self.events else deadline)
            if line is None:
                break
            if line in FINAL_OK or parse_error_line(line) is not None:
                continue  # a late answer to a command that timed out
            self._handle_unsolicited(line, deadline)
        return self.pop_events()

    def _has_line(self) -> bool:
        """Is a whole line waiting, in our buffer or the port's?"""
        if b"\n" in self._buffer:
            return True
        try:
            waiting = self.port.in_waiting
        except Exception:
            return False
        return bool(waiting) and self._fill() and b"\n" in self._buffer

    def pop_events(self) -> list[Event]:
        events = list(self.events)
        self.events.clear()
        return events
