"""The simulated modem's brain: AT commands in, answers and unsolicited lines out. No I/O.

`AtInterpreter` is fed the bytes the driver writes (`receive`) and hands what the modem says to
an `emit` callback; delays (the network's latency, a delivery report a second later, the
second RING, the SIM's start-up) are timers that the pty loop in `simulator.py` runs
(`next_timeout`, `run_due`). It is not thread-safe on its own: `SimulatedModem` calls it under
one lock.

What every family shares is here; where they differ, the switches of the chosen
`profiles.Profile` decide. Identification, SIM, network and calls are in `device.py`,
messages in `sms.py`, USSD in `ussd.py`:
- answers are framed "\\r\\n<text>\\r\\n"; echo is on after power-on and ATZ until ATE0;
- AT+CMEE governs +CME and +CMS errors alike (0: plain ERROR, 1: numeric, 2: verbose text);
- power-on restores the defaults (echo on, CMEE 0, CNMI 0,0,0,0,0, CLIP off, PIN asked again)
  and, for the profile's start-up time, the SIM is busy: the driver must initialise the modem
  again after a replug, and wait for it.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from simulators.device import SERVICE_STATES, DeviceCommands
from simulators.profiles import CME_TEXT, CMS_TEXT, PROFILES, STATE_CME, STATE_CMS, Profile
from simulators.settings import (
    IDENTITY,
    LA_PAZ,
    NO_CREDIT_CODE,
    PROMPT,
    AtError,
    NetworkReport,
    SentSms,
    Settings,
    StoredSms,
)
from simulators.sms import SmsCommands
from simulators.ussd import UssdCommands

__all__ = ["LA_PAZ", "NO_CREDIT_CODE", "AtInterpreter", "NetworkReport", "SentSms", "Settings", "StoredSms"]

logger = logging.getLogger("smsmotor.simulators")

CTRL_Z, ESC = 0x1A, 0x1B
# The most parameters each command takes: one more gets the profile's "too many" answer.
MAX_ARGS = {
    "+CMEE": 1, "+CMGF": 1, "+CNMI": 5, "+CPMS": 3, "+CMGR": 1, "+CMGD": 2, "+CMGL": 1, "+CSCA": 2,
    "+CUSD": 3, "+CLIP": 1, "+CRC": 1, "+CREG": 1, "+CFUN": 2, "+CSMS": 1, "+CNMA": 2, "+CSCS": 1,
    "+CPIN": 2, "+CMGS": 2,
}  # fmt: skip


class AtInterpreter(DeviceCommands, SmsCommands, UssdCommands):
    def __init__(
        self,
        settings: Settings,
        *,
        emit: Callable[[bytes], None],
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.settings = settings
        self.emit = emit
        self.rng = rng or random.Random()
        self.clock = clock
        self.sent: list[SentSms] = []
        self.reports: list[NetworkReport] = []  # every report the network generated
        self.memories: dict[str, dict[int, StoredSms]] = {"SM": {}, "ME": {}, "SR": {}}
        self.powered = False
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()
        self._input = bytearray()
        self._mr = 0
        self._concat_reference = self.rng.randrange(256)
        self._network_queue: list[str] = []  # SMS the network holds for us (modem off, SIM full)
        self._report_queue: list[str] = []  # delivery reports it holds, likewise
        self._reports_in_flight: list[str] = []  # reports the network will send after their delay
        self._send_actions: list[tuple[str, Callable[[], None]]] = []
        self._call = 0  # bumped by ATH: the rest of a ringing call is not announced
        self._periodic = 0
        self._ready_at = 0.0
        self._override_cleared = False
        self._reset_session()
        for entry in settings.preload:
            self.preload(**entry)

    @property
    def profile(self) -> Profile:
        return PROFILES[self.settings.profile]

    @property
    def store(self) -> dict[int, StoredSms]:
        """The SIM's message memory ("SM")."""
        return self.memories["SM"]

    # Power and settings ----------------------------------------------------------------------
    def power_on(self) -> None:
        """A (re)plugged modem: defaults restored, PIN asked again, stored SMS still on the SIM,
        and the SIM busy for the profile's start-up time."""
        self._report_queue += self._reports_in_flight
        self._reports_in_flight.clear()
        self._timers.clear()
        self._reset_session()
        self.powered = True
        s = self.settings
        busy = s.delay(s.sim_busy_seconds, self.profile.start_seconds)
        self._ready_at = self.clock() + busy
        if self._boot_urcs():
            for line in self.profile.boot_urcs:
                self._say(line)
        self.schedule(busy, self._sim_ready)
        self._start_periodic()

    def _boot_urcs(self) -> bool:
        chosen = self.settings.boot_urcs
        return self.profile.boot_urcs_default if chosen is None else chosen

    def _sim_ready(self) -> None:
        if self._boot_urcs() and self.sim_state() != "MISSING":
            for line in self.profile.ready_urcs:
                self._say(line)
        self._flush_network()

    def power_off(self) -> None:
        self.powered = False
        self._timers.clear()
        # The network goes on: the reports on their way wait for the modem to come back.
        self._report_queue += self._reports_in_flight
        self._reports_in_flight.clear()
        self._reset_session()

    def update(self, **changes: Any) -> None:
        known = {f.name for f in fields(Settings)}
        unknown = set(changes) - known
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        if "profile" in changes:
            for name in IDENTITY:
                changes.setdefault(name, None)
        values = {f.name: getattr(self.settings, f.name) for f in fields(Settings)} | changes
        self.settings = Settings(**values)  # validates like the constructor
        if {"pin", "sim_missing", "sim_state_override"} & set(changes):
            self._pin_entered, self._pin_attempts = False, 3  # another SIM, or the same one re-seated
            self._override_cleared = False
        if "sim_busy_seconds" in changes and self.powered:
            self._ready_at = self.clock() + (changes["sim_busy_seconds"] or 0)
            self.schedule(changes["sim_busy_seconds"] or 0, self._sim_ready)
        for entry in changes.get("preload", []):
            self.preload(**entry)
        if "ussd_style" in changes or "profile" in changes:
            self.ussd_mode = 1 if (self.settings.ussd_style or self.profile.ussd_style) == "gsm7" else 0
        if "curc_interval" in changes:
            self._start_periodic()
        self._flush_network()

    def _reset_session(self) -> None:
        """What ATZ restores, plus what only a power cycle clears."""
        self._factory_defaults()
        self._busy = False
        self._prompt: tuple[str, Any] | None = None
        self._input.clear()
        self._pin_entered = False
        self._pin_attempts = 3
        self._override_cleared = False
        self._awaiting_ack: tuple[str, str] | None = None
        self._ussd_session: str | None = None
        self.cfun = 1
        self.curc = 1
        self.ussd_mode = 1 if (self.settings.ussd_style or self.profile.ussd_style) == "gsm7" else 0

    def _factory_defaults(self) -> None:
        self.echo = True
        self.cmee = 0
        self.cmgf = 0
        self.cnmi = self._cnmi_defaults()
        self.clip = 0
        self.crc = 0
        self.creg = 0
        self.cops_format = 0
        self.cmms = 0
        self.cusd = 0
        self.csms = 0
        self.cscs = "GSM"
        self.csmp_fo = 17  # SMS-SUBMIT, relative validity, no status report (TS 27.005 default)
        self.cpms = ["SM", "SM", "SM"] if "SM" in self.profile.memories else ["ME", "ME", "ME"]

    # State ------------------------------------------------------------------------------------
    def sim_state(self) -> str:
        """ "READY", a +CPIN? state, "MISSING" (no SIM) or "BUSY" (still reading it)."""
        s = self.settings
        if s.sim_missing:
            return "MISSING"
        if self.powered and self.clock() < self._ready_at:
            return "BUSY"
        if s.pin and not self._pin_entered:
            return "SIM PIN" if self._pin_attempts else "SIM PUK"
        if s.sim_state_override and not self._override_cleared:
            return s.sim_state_override
        return "READY"

    def _serving(self) -> bool:
        return self.sim_state() in SERVICE_STATES

    def registered(self) -> bool:
        return self.powered and self._serving() and self.cfun == 1 and self.settings.rssi != 99

    # Timers -----------------------------------------------------------------------------------
    def schedule(self, delay: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._timers, (self.clock() + max(delay, 0.0), next(self._sequence), action))

    def next_timeout(self) -> float | None:
        """Seconds until the next timer is due, None if there is none."""
        if not self._timers:
            return None
        return max(0.0, self._timers[0][0] - self.clock())

    def run_due(self) -> None:
        now = self.clock()
        while self._timers and self._timers[0][0] <= now:
            _, _, action = heapq.heappop(self._timers)
            action()

    # Output -----------------------------------------------------------------------------------
    def _say(self, *lines: str) -> None:
        """One framed block: "\\r\\n<line>\\r\\n<line>\\r\\n" (answers and unsolicited lines alike)."""
        if self.powered:
            text = "\r\n" + "\r\n".join(lines) + "\r\n"
            logger.debug("sim says %r", text)
            self.emit(text.encode("latin-1", errors="replace"))

    def _cme(self, code: int) -> AtError:
        if self.cmee == 0:
            return AtError("ERROR")
        if self.cmee == 2 and code in CME_TEXT:
            return AtError(f"+CME ERROR: {CME_TEXT[code]}")
        return AtError(f"+CME ERROR: {code}")

    def _cms(self, code: int) -> AtError:
        if self.cmee == 0:
            return AtError("ERROR")
        if self.cmee == 2:
            return AtError(f"+CMS ERROR: {CMS_TEXT.get(code, 'unknown error')}")
        return AtError(f"+CMS ERROR: {code}")

    def _unsupported(self) -> AtError:
        return AtError(self.profile.unknown_command) if self.profile.unknown_command else self._cme(4)

    # Input ------------------------------------------------------------------------------------
    def receive(self, data: bytes) -> None:
        """Bytes the driver wrote. Kept while the modem is busy with a send."""
        if not self.powered:
            return
        self._input += data
        self._process()

    def _process(self) -> None:
        while self.powered and not self._busy and self._input:
            taken = self._take_pdu() if self._prompt is not None else self._take_command()
            if not taken:
                return

    def _take_command(self) -> bool:
        end = self._input.find(b"\r")
        if end < 0:
            if len(self._input) > 4096:  # no modem keeps an endless line
                self._input.clear()
            return False
        raw = bytes(self._input[:end]).replace(b"\n", b"")
        raw = raw.replace(bytes([CTRL_Z]), b"").replace(bytes([ESC]), b"")
        del self._input[: end + 1]
        if self.echo:
            self.emit(raw + b"\r")
        self._execute(raw.decode("latin-1"))
        return True

    def _take_pdu(self) -> bool:
        ends = [i for i in (self._input.find(bytes([CTRL_Z])), self._input.find(bytes([ESC]))) if i >= 0]
        if not ends:
            return False
        end = min(ends)
        data, terminator = bytes(self._input[:end]), self._input[end]
        del self._input[: end + 1]
        if self.echo:
            self.emit(data)
        prompt, self._prompt = self._prompt, None
        if terminator == ESC:
            self._say("OK")  # the send is cancelled
        elif prompt is not None:
            self._submit(prompt, data.decode("latin-1"))
        return True

    # Command lines ----------------------------------------------------------------------------
    def _execute(self, line: str) -> None:
        start = line.upper().find("AT")
        if start < 0:
            return  # not a command line: a modem stays silent
        logger.debug("sim got %r", line)
        try:
            commands = split_commands(line[start + 2 :])
        except ValueError:
            self._say("ERROR")
            return
        try:
            for command in commands:
                answer = self._run(command)
                if answer is PROMPT:
                    return
                if answer:
                    self._say(*answer)
        except AtError as error:
            self._say(error.result)
            return
        self._say("OK")

    def _run(self, command: str) -> list[str] | object:
        if command[0] in "+^":
            match = re.fullmatch(r"([+^][A-Z0-9]+)(=\?|\?|=(.*))?", command, re.IGNORECASE | re.DOTALL)
            if not match:
                raise AtError("ERROR")
            name, suffix, argument = match.group(1).upper(), match.group(2), match.group(3)
            kind = {None: "exec", "=?": "test", "?": "read"}.get(suffix, "set")
            # +CMD is handled by at_cmd; ^CMD (Huawei's own commands) by hw_cmd, unknown elsewhere.
            prefix = "at_" if name[0] == "+" else "hw_"
            handler = getattr(self, prefix + name[1:].lower(), None)
            if handler is None or (prefix == "hw_" and not self.profile.caret_commands):
                raise self._unsupported()
            args = split_arguments(argument) if kind == "set" else []
            if len(args) > MAX_ARGS.get(name, len(args)):
                too_many = self.profile.too_many_parameters
                raise AtError(too_many) if too_many else self._cme(50)
            return handler(kind, args)
        return self._basic(command)

    def _basic(self, command: str) -> list[str]:
        letter, value = re.fullmatch(r"(&[A-Z]|S\d+|[A-Z])(.*)", command).groups()
        if letter == "E" and value in ("", "0", "1"):
            self.echo = value == "1"
        elif letter in ("Z", "&F"):
            self._factory_defaults()
        elif letter == "I":
            pages = self.profile.ati
            return self._identity(pages.get(int(value or 0), pages[0]))
        elif letter == "H":
            self._call += 1  # hang up: no more RING for this call
        elif (letter, value) in (("V", ""), ("V", "1"), ("Q", ""), ("Q", "0")):
            pass  # verbose and not quiet: the only modes simulated
        elif letter.startswith("S"):
            return ["000"] if value == "?" else []
        elif letter not in ("&W", "&C", "&D", "&K", "X", "L", "M"):
            raise AtError("ERROR")
        return []

    def _identity(self, lines: tuple[str, ...]) -> list[str]:
        s = self.settings
        values = {"manufacturer": s.manufacturer, "model": s.model, "revision": s.revision, "imei": s.imei}
        return [line.format(**values) for line in lines]

    # Guards -----------------------------------------------------------------------------------
    def _need_sim(self) -> None:
        state = self.sim_state()
        if state == "BUSY":
            raise self._cme(self.profile.busy_code)
        if state not in SERVICE_STATES:
            raise self._cme(STATE_CME.get(state, 3))

    def _need_sim_for_sms(self) -> None:
        state = self.sim_state()
        if state == "BUSY":
            raise self._cme(self.profile.busy_code)  # the vendors answer +CME here too, not +CMS 314
        if state not in SERVICE_STATES:
            raise self._cms(STATE_CMS.get(state, 302))

    def _int(self, args: list[str], position: int, allowed: range, default: int | None = None) -> int:
        text = args[position] if position < len(args) else ""
        if text == "" and default is not None:
            return default
        try:
            value = int(text)
        except ValueError:
            raise self._cme(50) from None
        if value not in allowed:
            raise self._cme(50)
        return value


def split_commands(body: str) -> list[str]:
    """ "E0V1+CMEE=1;+CMGF=0" -> ["E0", "V1", "+CMEE=1", "+CMGF=0"]; an empty body is plain AT."""
    commands, position = [], 0
    basic = re.compile(r"&[A-Z]\d*|S\d+(?:=\d*|\?)?|[A-Z]\d*", re.IGNORECASE)
    while position < len(body):
        char = body[position]
        if char in " ;":
            position += 1
        elif char in "+^":
            end, quoted = position, False
            while end < len(body) and (quoted or body[end] != ";"):
                quoted ^= body[end] == '"'
                end += 1
            commands.append(body[position:end].strip())
            position = end
        else:
            match = basic.match(body, position)
            if not match:
                raise ValueError(body)
            commands.append(match.group(0).upper())
            position = match.end()
    return commands


def split_arguments(text: str | None) -> list[str]:
    """'1,"*105#",15' -> ["1", "*105#", "15"] (quotes removed, commas inside quotes kept)."""
    if text is None:
        return []
    args, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            args.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    args.append("".join(current).strip())
    return args
