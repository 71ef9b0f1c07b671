"""What can go wrong talking to a modem, as typed exceptions with a readable reason; the parsing
of a final error line; and what an error means (certainly_not_sent, is_busy, the SIM states...).

An exception's `reason` is a translatable English sentence for office clerks; the modem's own
words and code stay in `detail`. The sentences, the +CME/+CMS code tables, the verbose texts, the
SIM states and the code sets are data and live in `modem.at.codes`, whose docstring says where
the codes come from and lists which errors after the message data prove that it did not leave.
What moved there is re-exported here (see `__all__`), so `from modem.at.errors import ...` works
as before.
"""

from __future__ import annotations

import re

from modem.at.codes import (
    BRANDS,
    CME_BUSY,
    CME_FROM_NETWORK,
    CME_NOT_SENT,
    CME_REASONS,
    CMS_BUSY,
    CMS_FROM_NETWORK,
    CMS_NOT_SENT,
    CMS_REASONS,
    GENERIC_REASON,
    RESULT_CODES,
    SIM_STATES,
    UNKNOWN_SIM_STATE,
    VENDOR_CMS_BUSY,
    VENDOR_CMS_NOT_SENT,
    VERBOSE_CME,
    VERBOSE_CMS,
    ErrorKind,
    Meaning,
    SimState,
    cme_meaning,
    cms_meaning,
    gettext_noop,
    verbose_code,
)
from modem.transports.base import SecretRejected, TransportError

__all__ = [
    "CmeError",
    "CmsError",
    "CommandError",
    "CommandTimeout",
    "ModemError",
    "PinRejected",
    "PinRequired",
    "PortError",
    "ResultCodeError",
    "UnconfirmedSend",
    "certainly_not_sent",
    "is_busy",
    "is_network_refusal",
    "is_wrong_password",
    "parse_error_line",
    "sim_state_blocks",
    "sim_state_normalise",
    "sim_state_reason",
    "vendor_of",
]
# What moved to modem.at.codes and is still imported from here.
__all__ += [
    "CME_BUSY",
    "CME_NOT_SENT",
    "CME_REASONS",
    "CMS_BUSY",
    "CMS_NOT_SENT",
    "CMS_REASONS",
    "SIM_STATES",
    "VENDOR_CMS_BUSY",
    "VENDOR_CMS_NOT_SENT",
    "VERBOSE_CME",
    "VERBOSE_CMS",
    "ErrorKind",
    "Meaning",
    "SimState",
    "gettext_noop",
]


# Exceptions ----------------------------------------------------------------------------------------
class ModemError(TransportError):
    """Anything that went wrong with the modem. `reason` is a translatable English sentence."""


class PortError(ModemError):
    """The port cannot be opened, is busy, or vanished (modem unplugged)."""


class CommandTimeout(ModemError):
    """The modem did not finish answering in time."""

    kind = ErrorKind.TRANSIENT


class UnconfirmedSend(CommandTimeout):
    """The PDU was written and the modem answered without a message reference."""


class CommandError(ModemError):
    """The modem answered ERROR (or a +CME/+CMS ERROR)."""

    kind = ErrorKind.TRANSIENT
    code: int | None = None
    vendor = ""  # "wavecom", "quectel"...: when the modem's own words named the brand


class ResultCodeError(CommandError):
    """A final result code other than OK: ERROR, NO CARRIER, BUSY, COMMAND NOT SUPPORT..."""

    def __init__(self, result: str, reason: str):
        super().__init__(reason, result)
        self.result = result


class CmsError(CommandError):
    """+CMS ERROR: an SMS command failed; below 256 the network's or message centre's cause."""

    def __init__(self, code: int, detail: str = "", *, vendor: str = ""):
        reason, self.kind = cms_meaning(code)
        super().__init__(reason, detail or f"+CMS ERROR: {code}")
        self.code = code
        self.vendor = vendor


class CmeError(CommandError):
    """+CME ERROR: the modem, its SIM or the network refused a command."""

    def __init__(self, code: int, detail: str = "", *, vendor: str = ""):
        reason, self.kind = cme_meaning(code)
        super().__init__(reason, detail or f"+CME ERROR: {code}")
        self.code = code
        self.vendor = vendor


class PinRequired(ModemError):
    """The SIM asks for a PIN, PUK or unlock code we do not have."""


class PinRejected(PinRequired, SecretRejected):
    """The SIM refused the PIN of the settings: entering it again would block the card."""


# Parsing ------------------------------------------------------------------------------------------
_EXTENDED = re.compile(r"^\+CM([ES]) ?ERROR\s*:(.*)$", re.IGNORECASE)


def parse_error_line(line: str) -> CommandError | None:
    """The exception for a final error line, or None if `line` is not one.

    "+CME ERROR:" with nothing after the colon is not final: real modems emit it as noise."""
    text = line.strip()
    if text in RESULT_CODES:
        return ResultCodeError(text, RESULT_CODES[text])
    match = _EXTENDED.match(text)
    if match is None:
        return None
    value = match.group(2).strip().strip('"').strip()
    if not value:
        return None
    cls = CmeError if match.group(1).upper() == "E" else CmsError
    if value.isascii() and value.isdigit():
        return cls(int(value))
    code, vendor = verbose_code(value, cms=cls is CmsError)
    if code is None:
        return CommandError(GENERIC_REASON, text)
    return cls(code, text, vendor=vendor)


# SIM states (+CPIN) ------------------------------------------------------------------------------
def sim_state_normalise(text: str) -> str:
    """The canonical upper-case state from what follows "+CPIN:" in any real shape: ' READY',
    '"SIM PIN"', 'sim  pin', 'SIM PIN,3' (trailing retry counts), 'READY\\r', 'PH_NET PIN'."""
    value = text.strip()
    if value[:6].upper() == "+CPIN:":
        value = value[6:]
    value = value.split(",")[0].strip().strip('"').strip()
    value = " ".join(value.upper().split())
    value = re.sub(r"\s*-\s*", "-", value)
    value = re.sub(r"^PH[_ ]", "PH-", value)
    value = re.sub(r"\(U\)SIM|\bUSIM\b", "SIM", value)
    return re.sub(r"\b(PIN|PUK) 2$", r"\g<1>2", value)


def sim_state_blocks(state: str) -> bool:
    """Whether the SIM cannot send in this state. A state the modem did not give ("") or that we
    do not know does not block: the next command tells (+CME ERROR: 10...) if the SIM is unusable."""
    return SIM_STATES.get(sim_state_normalise(state), UNKNOWN_SIM_STATE).blocks_sending


def sim_state_reason(state: str) -> str:
    return SIM_STATES.get(sim_state_normalise(state), UNKNOWN_SIM_STATE).reason


# Classification ------------------------------------------------------------------------------------
def vendor_of(manufacturer: str) -> str:
    """The brand family whose manufacturer codes we know, from AT+CGMI's answer; "" if none."""
    name = manufacturer.lower()
    return next((vendor for word, vendor in BRANDS if word in name), "")


def _vendor(error: CommandError, manufacturer: str) -> str:
    return error.vendor or vendor_of(manufacturer)


def certainly_not_sent(error: BaseException, manufacturer: str = "") -> bool:
    """Whether an error that came after the message data was written proves that the message
    did not leave (the network, message centre or modem refused it). False means "may have been
    sent". `manufacturer` (AT+CGMI) lets a brand's own codes count; see `modem.at.codes`."""
    if isinstance(error, CmsError):
        return error.code in CMS_NOT_SENT or error.code in VENDOR_CMS_NOT_SENT.get(_vendor(error, manufacturer), ())
    if isinstance(error, CmeError):
        return error.code in CME_NOT_SENT
    return False


def is_busy(error: BaseException, manufacturer: str = "") -> bool:
    """SIM busy, "please wait, init in progress", RR/MM busy, SMS service reserved: the same
    command may work after a short wait (real modems answer so for seconds after power-on)."""
    if isinstance(error, CmeError):
        return error.code in CME_BUSY
    if isinstance(error, CmsError):
        return error.code in CMS_BUSY or error.code in VENDOR_CMS_BUSY.get(_vendor(error, manufacturer), ())
    return False


def is_wrong_password(error: BaseException) -> bool:
    """+CME ERROR: 16 "incorrect password": the PIN (or code) given was wrong."""
    return isinstance(error, CmeError) and error.code == 16


def is_network_refusal(error: BaseException) -> bool:
    """Whether the network (not the modem's own checks of the command) refused: asking again in
    another form will not help."""
    if isinstance(error, CmeError):
        return error.code in CME_FROM_NETWORK
    if isinstance(error, CmsError):
        return error.code in CMS_FROM_NETWORK
    return False
