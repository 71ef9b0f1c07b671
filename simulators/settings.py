"""What tests tune on the simulated modem (`Settings`), what it records (`SentSms`, `NetworkReport`,
`StoredSms`), and the two results the interpreter's parts share (`AtError`, `PROMPT`). No I/O."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from simulators.profiles import PROFILES

LA_PAZ = timezone(timedelta(hours=-4))  # Bolivia: UTC-4 all year

# Bolivian operators (MCC 736) and their MNC.
OPERATORS = {"ENTEL": "73602", "VIVA": "73601", "TIGO": "73603"}  # Bolivia: MCC 736; Nuevatel (Viva) 01, Entel 02

# What the network answers a prepaid line without credit: RP-cause 21 "Short message transfer
# rejected" (3GPP TS 24.011), which the modem passes on as +CMS ERROR: 21.
NO_CREDIT_CODE = 21

# +CPIN? states of TS 27.007 8.3 a test can put the SIM in (`sim_state_override`).
SIM_STATES = (
    "READY", "SIM PIN", "SIM PUK", "PH-SIM PIN", "PH-FSIM PIN", "PH-FSIM PUK", "SIM PIN2", "SIM PUK2",
    "PH-NET PIN", "PH-NET PUK", "PH-NETSUB PIN", "PH-NETSUB PUK", "PH-SP PIN", "PH-SP PUK",
    "PH-CORP PIN", "PH-CORP PUK",
)  # fmt: skip
USSD_STYLES = ("text", "unquoted", "ucs2", "ucs2_lang", "gsm7")
IDENTITY = ("manufacturer", "model", "revision", "first_index")  # empty/None: the profile's


@dataclass
class Settings:
    """What tests, benchmarks and the demo tune; `SimulatedModem.set()` changes them at run time."""

    latency: float = 2.0  # seconds between the PDU and +CMGS (the network's round trip); 0 for benchmarks
    cms_error_rate: float = 0.0  # share of sends answered +CMS ERROR: <error_code>
    error_code: int = 500
    no_credit: bool = False  # every send answered +CMS ERROR: <no_credit_code>
    no_credit_code: int = NO_CREDIT_CODE
    transient_error_rate: float = 0.0  # share of sends failing with one of the profile's temporary errors
    sim_missing: bool = False
    pin: str | None = None  # a SIM that asks for this PIN after each power-on
    puk: str = "12345678"  # AT+CPIN="<puk>","<new pin>" unblocks a SIM PUK
    sim_state_override: str = ""  # any of SIM_STATES: +CPIN? answers it until the right code is entered
    sim_busy_seconds: float | None = None  # SIM busy after power-on; None: the profile's (0 when latency is 0)
    boot_urcs: bool | None = None  # the profile's start-up notices (RDY, ^SIMST...); None: profile's default
    rssi: int = 20  # AT+CSQ, 0-31 (99: unknown, not registered)
    operator: str = "ENTEL"
    profile: str = "huawei"  # a key of simulators.profiles.PROFILES: identity, shapes and quirks
    manufacturer: str = ""  # empty: the profile's
    model: str = ""
    revision: str = ""
    identification_unsupported: bool = False  # AT+CGMI/+CGMM/+CGMR answer ERROR: drivers must fall back to ATI
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
    ussd_menus: dict[str, str] = field(default_factory=dict)  # code -> menu (+CUSD: 1); "*105#>1": the answer to 1
    ussd_style: str = ""  # one of USSD_STYLES; empty: the profile's
    ussd_notice_first: int | None = None  # a bare +CUSD: <n> (2 or 4) that comes before the real answer
    ussd_refusal: str = ""  # what an unknown code gets ("+CUSD: 4", "+CME ERROR: 132"); empty: profile's
    ussd_before_ok: bool = False  # the answer comes before OK (Telit SELINT 0/1: the command blocks)
    capacity: int = 30  # SMS each memory holds
    first_index: int | None = None  # the first SIM position; None: the profile's (Huawei counts from 0)
    curc_interval: float = 0.0  # Huawei: seconds between ^RSSI lines until AT^CURC=0; 0: never
    phonebook: dict[str, str] = field(default_factory=dict)  # number -> name, listed as <alpha>
    preload: list[dict[str, Any]] = field(default_factory=list)  # stored entries at start (see preload())
    listing_blank_lines: bool | None = None  # a blank line after each listed message; None: profile's
    listing_interleave: str = ""  # a notice put between listed messages (e.g. "^RSSI:14")
    cnma_timeout: float = 15.0  # seconds an unacknowledged +CMT/+CDS waits for AT+CNMA (AT+CSMS=1)

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}; one of {', '.join(PROFILES)}")
        profile = PROFILES[self.profile]
        for name in IDENTITY:
            if getattr(self, name) in ("", None):
                setattr(self, name, getattr(profile, name))
        for name in ("cms_error_rate", "transient_error_rate"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.sim_state_override and self.sim_state_override not in SIM_STATES:
            raise ValueError(f"unknown SIM state {self.sim_state_override!r}; one of {', '.join(SIM_STATES)}")
        if self.ussd_style and self.ussd_style not in USSD_STYLES:
            raise ValueError(f"unknown USSD style {self.ussd_style!r}; one of {', '.join(USSD_STYLES)}")

    def delay(self, value: float | None, realistic: float) -> float:
        if value is not None:
            return value
        return 0.0 if self.latency == 0 else realistic

    @property
    def imsi_or_default(self) -> str:
        return self.imsi or OPERATORS.get(self.operator.upper(), "73602") + "0123456789"

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


@dataclass(frozen=True)
class NetworkReport:
    """A delivery report the simulated network generated (whether or not the modem passed it on)."""

    reference: int  # the <mr> of the send it reports on
    recipient: str
    status: int  # TP-ST: 0 delivered
    pdu: str
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)} | {"at": self.at.isoformat()}


@dataclass
class StoredSms:
    """A position of one of the modem's memories: an SMS part, a stored draft/sent copy or a report."""

    index: int
    stat: int  # 0 received unread, 1 received read, 2 stored unsent, 3 stored sent
    pdu: str
    memory: str = "SM"

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "stat": self.stat, "pdu": self.pdu, "memory": self.memory}


class AtError(Exception):
    """Ends a command line with this final result instead of OK."""

    def __init__(self, result: str):
        super().__init__(result)
        self.result = result


PROMPT = object()  # a handler's answer: the final result comes later (AT+CMGS)
