"""What a modem says without being asked: the events the driver queues, and how a notice is told
apart from the answer of the command in progress.

Notices (+CMTI, RING, ^RSSI, "SMS Ready"...) may arrive between a command and its final result.
A line that names a command other than the one in progress is a notice; so is any line of the
known start-up and status notices of Huawei, ZTE, Quectel, SIMCom, Telit, Sierra/Wavecom,
u-blox and Cinterion, even inside a listing whose lines may be any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modem.at import pdu


# Events ----------------------------------------------------------------------------------
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
CMTI = re.compile(r'^\+(CMTI|CDSI):\s*"?([^",]*)"?\s*,\s*(\d+)')
CLIP = re.compile(r'^\+CLIP:\s*"?([^",]*)"?')


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
