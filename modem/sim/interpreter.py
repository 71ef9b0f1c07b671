"""The simulated modem's brain: AT commands in, answers and unsolicited lines out. No I/O.

`AtInterpreter` is fed the bytes the driver writes (`receive`) and hands what the modem says to
an `emit` callback; delays (the network's latency, a delivery report a second later, the
second RING) are timers that the pty loop in `simulator.py` runs (`next_timeout`, `run_due`).
It is not thread-safe on its own: `SimulatedModem` calls it under one lock.

Behaviour copied from a Huawei E173 / ZTE MF190, as our driver talks to them:
- answers are framed "\\r\\n<text>\\r\\n"; echo is on after power-on and ATZ until ATE0;
- AT+CMEE governs +CME and +CMS errors alike (0: plain ERROR, 1: numeric, 2: verbose text);
- AT+CNMI routes incoming SMS (+CMTI stored / +CMT direct) and reports (+CDS / +CDSI);
- power-on restores the defaults (echo on, CMEE 0, CNMI 0,0,0,0,0, CLIP off, PIN asked again):
  the driver must initialise the modem again after a replug.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from modem.at.pdu import PduError, decode_submit, encode_deliver, encode_status_report, tpdu_length

logger = logging.getLogger("smsmotor.modem.sim")

CTRL_Z, ESC = 0x1A, 0x1B
LA_PAZ = timezone(timedelta(hours=-4))  # Bolivia: UTC-4 all year

PROFILES = {
    "huawei": {"manufacturer": "huawei", "model": "E173", "revision": "11.126.85.00.209"},
    "zte": {"manufacturer": "ZTE CORPORATION", "model": "MF190", "revision": "BD_MF190V1.0.0B05"},
}
# Bolivian operators (MCC 736) and their MNC.
OPERATORS = {"ENTEL": "73601", "VIVA": "73602", "TIGO": "73603"}

# What the network answers a prepaid line without credit: RP-cause 21 "Short message transfer
# rejected" (3GPP TS 24.011), which the modem passes on as +CMS ERROR: 21.
NO_CREDIT_CODE = 21

CME_TEXT = {
    3: "operation not allowed",
    4: "operation not supported",
    10: "SIM not inserted",
    11: "SIM PIN required",
    12: "SIM PUK required",
    16: "incorrect password",
    30: "no network service",
    50: "Incorrect parameters",
    100: "unknown",
}
CMS_TEXT = {
    21: "Short message transfer rejected",
    27: "Destination out of service",
    38: "Network out of order",
    41: "Temporary failure",
    42: "Congestion",
    69: "Requested facility not implemented",
    300: "ME failure",
    302: "operation not allowed",
    303: "operation not supported",
    304: "invalid PDU mode parameter",
    310: "SIM not inserted",
    311: "SIM PIN required",
    316: "SIM PUK required",
    321: "invalid memory index",
    322: "SIM memory full",
    331: "no network service",
    500: "unknown error",
}
STORAGES = ("SM", "ME", "MT")
STAT_UNREAD, STAT_READ = 0, 1


@dataclass
class Settings:
    """What tests, benchmarks and the demo tune; `SimulatedModem.set()` changes them at run time."""

    latency: float = 2.0  # seconds between the PDU and +CMGS (the network's round trip); 0 for benchmarks
    cms_error_rate: float = 0.0  # share of sends answered +CMS ERROR: <error_code>
    error_code: int = 500
    no_credit: bool = False  # every send answered +CMS ERROR: <no_credit_code>
    no_credit_code: int = NO_CREDIT_CODE
    sim_missing: bool = False
    pin: str | None = None  # a SIM that asks for this PIN after each power-on
    rssi: int = 20  # AT+CSQ, 0-31 (99: unknown, not registered)
    operator: str = "ENTEL"
    profile: str = "huawei"  # "huawei" (E173) or "zte" (MF190): the identity below and a few quirks
    manufacturer: str = ""  # empty: the profile's
    model: str = ""
    revision: str = ""
    imei: str = "863743012345675"  # Luhn-valid
    imsi: str = ""  # empty: the operator's MCC/MNC + 0123456789
    smsc: str = "+59170000000"  # made up: the SMS centre (AT+CSCA?, and in the PDUs we hand out)
    delivery_reports: bool = True  # the network sends the reports that sends ask for
    report_delay: float | None = None  # seconds from +CMGS to +CDS; None: 1 s, or 0 when latency is 0
    ussd_delay: float | None = None  # seconds from OK to +CUSD; None: 0.5 s, or 0 when latency is 0
    ring_interval: float | None = None  # seconds between RINGs; None: 2 s, or 0 when latency is 0
    ussd_replies: dict[str, str] = field(
        default_factory=lambda: {"*105#": "Su saldo es Bs 12.50, vigente hasta 31/12/2026"}
    )
    capacity: int = 30  # SMS the SIM holds
    first_index: int = 0  # Huawei numbers SIM positions from 0
    curc_interval: float = 0.0  # Huawei: seconds between ^RSSI lines until AT^CURC=0; 0: never

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}; one of {', '.join(PROFILES)}")
        for name, value in PROFILES[self.profile].items():
            if not getattr(self, name):
                setattr(self, name, value)
        if not 0 <= self.cms_error_rate <= 1:
            raise ValueError("cms_error_rate must be between 0 and 1")

    def delay(self, value: float | None, realistic: float) -> float:
        if value is not None:
            return value
        return 0.0 if self.latency == 0 else realistic

    @property
    def imsi_or_default(self) -> str:
        return self.imsi or OPERATORS.get(self.operator.upper(), "73601") + "0123456789"

    @property
    def operator_numeric(self) -> str:
        return self.imsi_or_default[:5]


@dataclass(frozen=True)
class SentSms:
    """A message the simulated network accepted (one part of a long one)."""

    number: str
    text: str
    mr: int  # the message reference answered in +CMGS
    concat: Any  # modem.at.pdu.Concat, or None for a single-part message
    pdu: str
    at: datetime
    encoding: str
    status_report: bool

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["at"] = self.at.isoformat()
        data["encoding"] = getattr(self.encoding, "value", self.encoding)  # an Encoding enum
        if is_dataclass(self.concat):
            data["concat"] = asdict(self.concat)
        return data


@dataclass
class StoredSms:
    """A position of the SIM's message store: an incoming SMS part or a delivery report."""

    index: int
    stat: int  # 0 received unread, 1 received read
    pdu: str

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "stat": self.stat, "pdu": self.pdu}


class AtError(Exception):
    """Ends a command line with this final result instead of OK."""

    def __init__(self, result: str):
        super().__init__(result)
        self.result = result


PROMPT = object()  # a handler's answer: the final result comes later (AT+CMGS)


class AtInterpreter:
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
        self.store: dict[int, StoredSms] = {}
        self.powered = False
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()
        self._input = bytearray()
        self._mr = 0
        self._concat_reference = self.rng.randrange(256)
        self._network_queue: list[str] = []  # SMS the network holds for us (modem off, SIM full)
        self._send_actions: list[tuple[str, Callable[[], None]]] = []
        self._call = 0  # bumped by ATH: the rest of a ringing call is not announced
        self._periodic = 0
        self._reset_session()

    # Power and settings ----------------------------------------------------------------------
    def power_on(self) -> None:
        """A (re)plugged modem: defaults restored, PIN asked again, stored SMS still on the SIM."""
        self._timers.clear()
        self._reset_session()
        self.powered = True
        self._start_periodic()
        self._flush_network()

    def power_off(self) -> None:
        self.powered = False
        self._timers.clear()
        self._reset_session()

    def update(self, **changes: Any) -> None:
        known = {f.name for f in fields(Settings)}
        unknown = set(changes) - known
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        if "profile" in changes:
            for name in PROFILES[changes["profile"]]:
                changes.setdefault(name, "")
        values = {f.name: getattr(self.settings, f.name) for f in fields(Settings)} | changes
        self.settings = Settings(**values)  # validates like the constructor
        if {"pin", "sim_missing"} & set(changes):
            self._pin_entered, self._pin_attempts = False, 3  # another SIM, or the same one re-seated
        if "curc_interval" in changes:
            self._start_periodic()
        self._flush_network()

    def _reset_session(self) -> None:
        """What ATZ restores, plus what only a power cycle clears."""
        self._factory_defaults()
        self._busy = False
        self._prompt: int | None = None
        self._input.clear()
        self._pin_entered = False
        self._pin_attempts = 3
        self.cfun = 1
        self.curc = 1

    def _factory_defaults(self) -> None:
        self.echo = True
        self.cmee = 0
        self.cmgf = 0
        self.cnmi = [0, 0, 0, 0, 0]
        self.clip = 0
        self.creg = 0
        self.cops_format = 0
        self.cmms = 0
        self.cpms = ["SM", "SM", "SM"]

    # State ------------------------------------------------------------------------------------
    def sim_state(self) -> str:
        if self.settings.sim_missing:
            return "MISSING"
        if self.settings.pin and not self._pin_entered:
            return "SIM PIN" if self._pin_attempts else "SIM PUK"
        return "READY"

    def registered(self) -> bool:
        return self.powered and self.sim_state() == "READY" and self.cfun == 1 and self.settings.rssi != 99

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
        length, self._prompt = self._prompt, None
        if terminator == ESC:
            self._say("OK")  # the send is cancelled
        elif length is not None:
            self._submit(length, "".join(data.decode("latin-1").split()))
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
            # +CMD is handled by at_cmd; ^CMD (Huawei's own commands) by hw_cmd, unknown to a ZTE.
            prefix = "at_" if name[0] == "+" else "hw_"
            handler = getattr(self, prefix + name[1:].lower(), None)
            if handler is None or (prefix == "hw_" and self.settings.profile != "huawei"):
                raise self._cme(4)
            return handler(kind, split_arguments(argument) if kind == "set" else [])
        return self._basic(command)

    def _basic(self, command: str) -> list[str]:
        letter, value = re.fullmatch(r"(&[A-Z]|S\d+|[A-Z])(.*)", command).groups()
        if letter == "E" and value in ("", "0", "1"):
            self.echo = value == "1"
        elif letter in ("Z", "&F"):
            self._factory_defaults()
        elif letter == "I":
            s = self.settings
            return [
                f"Manufacturer: {s.manufacturer}",
                f"Model: {s.model}",
                f"Revision: {s.revision}",
                f"IMEI: {s.imei}",
                "+GCAP: +CGSM,+DS,+ES",
            ]
        elif letter == "H":
            self._call += 1  # hang up: no more RING for this call
        elif (letter, value) in (("V", ""), ("V", "1"), ("Q", ""), ("Q", "0")):
            pass  # verbose and not quiet: the only modes simulated
        elif letter.startswith("S"):
            return ["000"] if value == "?" else []
        elif letter not in ("&W", "&C", "&D", "&K", "X", "L", "M"):
            raise AtError("ERROR")
        return []

    # Guards -----------------------------------------------------------------------------------
    def _need_sim(self) -> None:
        state = self.sim_state()
        if state == "MISSING":
            raise self._cme(10)
        if state != "READY":
            raise self._cme(11 if state == "SIM PIN" else 12)

    def _need_sim_for_sms(self) -> None:
        state = self.sim_state()
        if state != "READY":
            raise self._cms({"MISSING": 310, "SIM PIN": 311}.get(state, 316))

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

    # General commands -------------------------------------------------------------------------
    def at_cmee(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"+CMEE: {self.cmee}"]
        if kind == "test":
            return ["+CMEE: (0-2)"]
        self.cmee = self._int(args, 0, range(3), default=0)
        return []

    def hw_curc(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"^CURC: {self.curc}"]
        if kind == "set":
            self.curc = self._int(args, 0, range(2))
        return []

    def at_cfun(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"+CFUN: {self.cfun}"]
        if kind == "test":
            return ["+CFUN: (0,1,4),(0-1)"]
        if kind == "set":
            self.cfun = self._int(args, 0, range(5))
            self._flush_network()
        return []

    def at_cgmi(self, kind: str, args: list[str]) -> list[str]:
        return [self.settings.manufacturer] if kind == "exec" else []

    def at_cgmm(self, kind: str, args: list[str]) -> list[str]:
        return [self.settings.model] if kind == "exec" else []

    def at_cgmr(self, kind: str, args: list[str]) -> list[str]:
        return [self.settings.revision] if kind == "exec" else []

    def at_cgsn(self, kind: str, args: list[str]) -> list[str]:
        return [self.settings.imei] if kind == "exec" else []

    at_gmi, at_gmm, at_gmr, at_gsn = at_cgmi, at_cgmm, at_cgmr, at_cgsn

    def at_gcap(self, kind: str, args: list[str]) -> list[str]:
        return ["+GCAP: +CGSM,+DS,+ES"]

    def at_cimi(self, kind: str, args: list[str]) -> list[str]:
        if kind != "exec":
            return []
        self._need_sim()
        return [self.settings.imsi_or_default]

    def at_cpin(self, kind: str, args: list[str]) -> list[str]:
        state = self.sim_state()
        if state == "MISSING":
            raise self._cme(10)
        if kind == "read":
            return [f"+CPIN: {state}"]
        if kind != "set" or not args or not args[0]:
            return []
        if state == "SIM PUK":
            raise self._cme(12)
        if state == "READY":
            raise self._cme(3)  # no PIN was asked for
        if args[0] != self.settings.pin:
            self._pin_attempts -= 1  # three wrong PINs block the SIM (SIM PUK)
            raise self._cme(16)
        self._pin_entered = True
        self._flush_network()
        return []

    def at_csq(self, kind: str, args: list[str]) -> list[str]:
        if kind == "test":
            return ["+CSQ: (0-31,99),(0-7,99)"]
        rssi = self.settings.rssi if self.sim_state() != "MISSING" and self.cfun == 1 else 99
        return [f"+CSQ: {rssi},99"]

    def _registration(self) -> int:
        if self.registered():
            return 1
        return 2 if self.sim_state() == "READY" and self.cfun == 1 else 0  # 2: searching

    def at_creg(self, kind: str, args: list[str]) -> list[str]:
        if kind == "set":
            self.creg = self._int(args, 0, range(3), default=0)
            return []
        if kind == "test":
            return ["+CREG: (0-2)"]
        if kind == "read":
            cell = ',"0F5A","1B3C"' if self.creg == 2 and self.registered() else ""
            return [f"+CREG: {self.creg},{self._registration()}{cell}"]
        return []

    def at_cgreg(self, kind: str, args: list[str]) -> list[str]:
        return [f"+CGREG: 0,{self._registration()}"] if kind == "read" else []

    def at_cops(self, kind: str, args: list[str]) -> list[str]:
        s = self.settings
        if kind == "read":
            if not self.registered():
                return ["+COPS: 0"]
            name = s.operator_numeric if self.cops_format == 2 else s.operator
            return [f'+COPS: 0,{self.cops_format},"{name}",2']
        if kind == "test":
            found = [f'({2 if n == s.operator else 1},"{n}","{n}","{c}",2)' for n, c in OPERATORS.items()]
            return [f"+COPS: {','.join(found)},,(0,1,2,3,4),(0,1,2)"]
        if kind == "set" and args and args[0] == "3":
            self.cops_format = self._int(args, 1, range(3), default=0)
        return []

    def at_cusd(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return ["+CUSD: 1"]
        if kind != "set":
            return []
        mode = self._int(args, 0, range(3), default=0)
        if mode == 2 or len(args) < 2:
            return []  # cancel a session, or only switch the result codes
        self._need_sim()
        if not self.registered():
            raise self._cme(30)
        code = args[1]
        reply = self.settings.ussd_replies.get(code)
        line = f'+CUSD: 0,"{reply}",15' if reply is not None else "+CUSD: 4"
        self.schedule(self.settings.delay(self.settings.ussd_delay, 0.5), lambda: self._say(line))
        return []

    def at_clip(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"+CLIP: {self.clip},1"]
        if kind == "set":
            self.clip = self._int(args, 0, range(2))
        return []

    def at_chup(self, kind: str, args: list[str]) -> list[str]:
        self._call += 1
        return []

    # SMS commands -----------------------------------------------------------------------------
    def at_cmgf(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"+CMGF: {self.cmgf}"]
        if kind == "test":
            return ["+CMGF: (0-1)"]
        if kind == "set":
            self.cmgf = self._int(args, 0, range(2))
        return []

    def at_csms(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return ["+CSMS: 0,1,1,1"]
        return ["+CSMS: 1,1,1"] if kind == "set" else []

    def at_cscs(self, kind: str, args: list[str]) -> list[str]:
        return ['+CSCS: "GSM"'] if kind == "read" else []

    def at_csmp(self, kind: str, args: list[str]) -> list[str]:
        return ["+CSMP: 17,167,0,0"] if kind == "read" else []

    def at_cnma(self, kind: str, args: list[str]) -> list[str]:
        return []

    def at_csca(self, kind: str, args: list[str]) -> list[str]:
        self._need_sim_for_sms()
        if kind == "read":
            kind_of_number = 145 if self.settings.smsc.startswith("+") else 129
            return [f'+CSCA: "{self.settings.smsc}",{kind_of_number}']
        if kind == "set" and args and args[0]:
            self.settings.smsc = args[0]
        return []

    def at_cpms(self, kind: str, args: list[str]) -> list[str]:
        self._need_sim_for_sms()
        used, total = len(self.store), self.settings.capacity
        if kind == "test":
            return ['+CPMS: ("SM","ME"),("SM","ME"),("SM","ME")']
        if kind == "read":
            return ["+CPMS: " + ",".join(f'"{memory}",{used},{total}' for memory in self.cpms)]
        if kind == "set":
            if not args or any(memory.upper() not in STORAGES for memory in args[:3]):
                raise self._cms(302)
            for position, memory in enumerate(args[:3]):
                self.cpms[position] = memory.upper()
            return [f"+CPMS: {used},{total},{used},{total},{used},{total}"]
        return []

    def at_cnmi(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return ["+CNMI: " + ",".join(map(str, self.cnmi))]
        if kind == "test":
            return ["+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)"]
        if kind == "set":
            limits = (range(4), range(4), range(4), range(3), range(2))
            values = []
            for position, limit in enumerate(limits):
                text = args[position] if position < len(args) else ""
                if text == "":
                    values.append(self.cnmi[position] if position else 0)
                elif not text.isdigit() or int(text) not in limit:
                    raise self._cms(303)
                else:
                    values.append(int(text))
            self.cnmi = values
        return []

    def at_cmms(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"+CMMS: {self.cmms}"]
        if kind == "set":
            self.cmms = self._int(args, 0, range(3))
        return []

    def at_cmgs(self, kind: str, args: list[str]) -> list[str] | object:
        if kind == "test":
            return []
        if kind != "set":
            raise self._cms(302)
        self._need_sim_for_sms()
        if self.cmgf != 0:
            raise self._cms(302)  # the simulator speaks PDU mode only
        try:
            length = int(args[0])
        except (ValueError, IndexError):
            raise self._cms(304) from None
        if not 7 <= length <= 164:
            raise self._cms(304)
        self._prompt = length
        self._run_send_actions("prompt")
        if self.powered:
            self.emit(b"\r\n> ")  # no newline after the prompt, like every real modem
        return PROMPT

    def at_cmgl(self, kind: str, args: list[str]) -> list[str]:
        if kind == "test":
            return ["+CMGL: (0-4)"]
        self._need_sim_for_sms()
        if self.cmgf != 0:
            raise self._cms(302)
        wanted = self._int(args, 0, range(5), default=0) if kind == "set" else STAT_UNREAD
        lines = []
        for index in sorted(self.store):
            sms = self.store[index]
            if wanted == 4 or sms.stat == wanted:
                lines += [f"+CMGL: {index},{sms.stat},,{tpdu_length(sms.pdu)}", sms.pdu]
                if sms.stat == STAT_UNREAD:
                    sms.stat = STAT_READ
        return lines

    def at_cmgr(self, kind: str, args: list[str]) -> list[str]:
        if kind != "set":
            return []
        self._need_sim_for_sms()
        if self.cmgf != 0:
            raise self._cms(302)
        sms = self.store.get(self._index(args))
        if sms is None:
            raise self._cms(321)
        line = f"+CMGR: {sms.stat},,{tpdu_length(sms.pdu)}"
        if sms.stat == STAT_UNREAD:
            sms.stat = STAT_READ
        return [line, sms.pdu]

    def at_cmgd(self, kind: str, args: list[str]) -> list[str]:
        if kind == "test":
            return [f"+CMGD: ({','.join(map(str, sorted(self.store)))}),(0-4)"]
        if kind != "set":
            return []
        self._need_sim_for_sms()
        index = self._index(args)
        flag = args[1] if len(args) > 1 and args[1] else "0"
        if flag not in "01234" or len(flag) != 1:
            raise self._cms(302)
        if flag == "0":
            self.store.pop(index, None)
        else:
            doomed = [i for i, sms in self.store.items() if flag == "4" or sms.stat == STAT_READ]
            for doomed_index in doomed:
                del self.store[doomed_index]
        self._flush_network()  # room on the SIM: the network delivers what it held back
        return []

    def _index(self, args: list[str]) -> int:
        first = self.settings.first_index
        try:
            index = int(args[0])
        except (ValueError, IndexError):
            raise self._cms(321) from None
        if not first <= index < first + self.settings.capacity:
            raise self._cms(321)
        return index

    # Sending ----------------------------------------------------------------------------------
    def on_next_send(self, action: Callable[[], None], when: str = "answer") -> None:
        """Run `action` in the middle of the next AT+CMGS: right before its "> " prompt
        (when="prompt") or while the network is busy with the PDU, before +CMGS (when="answer")."""
        if when not in ("prompt", "answer"):
            raise ValueError("when is 'prompt' or 'answer'")
        self._send_actions.append((when, action))

    def _run_send_actions(self, when: str) -> None:
        due = [action for moment, action in self._send_actions if moment == when]
        self._send_actions = [(moment, action) for moment, action in self._send_actions if moment != when]
        for action in due:
            action()

    def _submit(self, length: int, pdu: str) -> None:
        try:
            if tpdu_length(pdu) != length:
                raise PduError(f"AT+CMGS={length} but the PDU has {tpdu_length(pdu)} octets")
            submit = decode_submit(pdu)
        except (PduError, ValueError) as exc:
            logger.debug("sim refused the PDU: %s", exc)
            self._say(self._cms(304).result)
            return
        self._busy = True  # the network round trip: nothing else is read meanwhile
        self._run_send_actions("answer")
        if not self.powered:
            return  # an action unplugged the modem: the send is lost, no answer ever comes
        self.schedule(self.settings.latency, lambda: self._answer_send(submit, pdu))

    def _answer_send(self, submit: Any, pdu: str) -> None:
        self._busy = False
        error = self._send_error()
        if error is not None:
            self._say(error.result)
        else:
            mr, self._mr = self._mr, (self._mr + 1) % 256
            now = datetime.now(LA_PAZ)
            self.sent.append(
                SentSms(
                    number=submit.number,
                    text=submit.text,
                    mr=mr,
                    concat=submit.concat,
                    pdu=pdu,
                    at=now,
                    encoding=submit.encoding,
                    status_report=submit.status_report,
                )
            )
            self._say(f"+CMGS: {mr}")
            self._say("OK")
            if submit.status_report and self.settings.delivery_reports:
                delay = self.settings.delay(self.settings.report_delay, 1.0)
                done = now + timedelta(seconds=delay)
                report = encode_status_report(mr, submit.number, 0, sent_at=now, done_at=done, smsc=self.settings.smsc)
                self.schedule(delay, lambda: self._route_report(report))
        self._process()  # commands that came while the network was busy

    def _send_error(self) -> AtError | None:
        s = self.settings
        if self.sim_state() != "READY":
            return self._cms(310 if self.sim_state() == "MISSING" else 311)
        if not self.registered():
            return self._cms(331)
        if s.no_credit:
            return self._cms(s.no_credit_code)
        if s.cms_error_rate and self.rng.random() < s.cms_error_rate:
            return self._cms(s.error_code)
        return None

    # Incoming ---------------------------------------------------------------------------------
    def inject_sms(self, sender: str, text: str, timestamp: datetime | None = None) -> list[str]:
        """An SMS from the network: its parts (one concat reference) stored or delivered per CNMI."""
        self._concat_reference = (self._concat_reference + 1) % 256
        parts = encode_deliver(
            sender,
            text,
            timestamp=timestamp or datetime.now(LA_PAZ),
            concat_reference=self._concat_reference,
            smsc=self.settings.smsc,
        )
        self._network_queue += parts
        self._flush_network()
        return parts

    def _flush_network(self) -> None:
        """Deliver what the network holds for us, once we are registered and the SIM has room."""
        while self._network_queue and self.registered():
            pdu = self._network_queue[0]
            mode, mt = self.cnmi[0], self.cnmi[1]
            if mode and mt == 2:
                self._say(f"+CMT: ,{tpdu_length(pdu)}", pdu)
            else:
                index = self._store(pdu)
                if index is None:
                    if self.settings.profile == "huawei":
                        self._say('^SMMEMFULL: "SM"')
                    return  # the network keeps it and tries again when there is room
                if mode and mt in (1, 3):
                    self._say(f'+CMTI: "{self.cpms[2]}",{index}')
            self._network_queue.pop(0)

    def _store(self, pdu: str) -> int | None:
        first = self.settings.first_index
        for index in range(first, first + self.settings.capacity):
            if index not in self.store:
                self.store[index] = StoredSms(index, STAT_UNREAD, pdu)
                return index
        return None

    def inject_status_report(self, reference: int, recipient: str, status: int = 0) -> str:
        now = datetime.now(LA_PAZ)
        sent_at = now - timedelta(seconds=5)
        report = encode_status_report(
            reference, recipient, status, sent_at=sent_at, done_at=now, smsc=self.settings.smsc
        )
        self._route_report(report)
        return report

    def _route_report(self, report: str) -> None:
        mode, ds = self.cnmi[0], self.cnmi[3]
        if not self.powered or not mode or not ds:
            return  # nobody asked for reports: the modem drops them
        if ds == 1:
            self._say(f"+CDS: {tpdu_length(report)}", report)
            return
        index = self._store(report)
        if index is not None:
            self._say(f'+CDSI: "{self.cpms[2]}",{index}')

    def ring(self, number: str, times: int = 2, interval: float | None = None) -> None:
        """An incoming call: RING (and +CLIP when AT+CLIP=1) `times` times, until ATH."""
        call = self._call
        gap = self.settings.delay(interval if interval is not None else self.settings.ring_interval, 2.0)

        def once() -> None:
            if call != self._call or not self.registered():
                return
            self._say("RING")
            if self.clip:
                self._say(f'+CLIP: "{number}",{145 if number.startswith("+") else 129},,,,0')

        once()
        for repeat in range(1, times):
            self.schedule(gap * repeat, once)

    # Huawei's periodic status lines --------------------------------------------------------------
    def _start_periodic(self) -> None:
        self._periodic += 1
        interval, generation = self.settings.curc_interval, self._periodic
        if not interval or self.settings.profile != "huawei" or not self.powered:
            return

        def tick() -> None:
            if generation != self._periodic or not self.powered:
                return
            if self.curc:
                self._say(f"^RSSI: {self.settings.rssi}")
            self.schedule(interval, tick)

        self.schedule(interval, tick)


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
