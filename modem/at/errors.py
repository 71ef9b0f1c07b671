"""What can go wrong talking to a modem, as typed exceptions with a readable reason.

Reasons are English sentences marked with `gettext_noop` so that the Django side (which
owns the catalogues) shows them in the user's language; this package never imports Django.
The codes are those of 3GPP TS 27.005 (+CMS ERROR) and TS 27.007 (+CME ERROR); +CMS codes
below 128 are the network's RP causes (TS 24.011), which is how "no credit" or "unknown
number" reach us.
"""

from enum import Enum


def gettext_noop(text: str) -> str:
    """Marks a string for translation (picked up by makemessages); translated later."""
    return text


class ErrorKind(Enum):
    # Retrying this message later may work (network busy, temporary failure).
    TRANSIENT = "transient"
    # This message will never go (bad number, barred, invalid PDU): fail it.
    PERMANENT = "permanent"
    # The modem or SIM is not usable (no SIM, PIN, no network): keep the message, fix the modem.
    MODEM = "modem"


CMS_REASONS: dict[int, tuple[str, ErrorKind]] = {
    1: (gettext_noop("The number does not exist (unassigned number)."), ErrorKind.PERMANENT),
    8: (gettext_noop("The operator barred this line from sending."), ErrorKind.PERMANENT),
    10: (gettext_noop("Sending is barred for this line."), ErrorKind.PERMANENT),
    21: (
        gettext_noop("The operator rejected the message: the line may have no credit or not be active."),
        ErrorKind.PERMANENT,
    ),
    27: (gettext_noop("The destination phone is out of service."), ErrorKind.TRANSIENT),
    28: (gettext_noop("Unknown subscriber: check the phone number."), ErrorKind.PERMANENT),
    29: (gettext_noop("The network refused the message."), ErrorKind.PERMANENT),
    30: (gettext_noop("Unknown subscriber: check the phone number."), ErrorKind.PERMANENT),
    38: (gettext_noop("The operator's network is out of order."), ErrorKind.TRANSIENT),
    41: (gettext_noop("Temporary network failure."), ErrorKind.TRANSIENT),
    42: (gettext_noop("The network is congested."), ErrorKind.TRANSIENT),
    47: (gettext_noop("The network has no resources available right now."), ErrorKind.TRANSIENT),
    50: (gettext_noop("The line is not subscribed to SMS: ask the operator."), ErrorKind.MODEM),
    69: (gettext_noop("The operator does not allow this service on the line (often: no credit)."), ErrorKind.PERMANENT),
    95: (gettext_noop("The network found the message invalid."), ErrorKind.PERMANENT),
    96: (gettext_noop("The network found the message invalid."), ErrorKind.PERMANENT),
    97: (gettext_noop("The network found the message invalid."), ErrorKind.PERMANENT),
    98: (gettext_noop("The network found the message invalid."), ErrorKind.PERMANENT),
    99: (gettext_noop("The network found the message invalid."), ErrorKind.PERMANENT),
    111: (gettext_noop("Network protocol error."), ErrorKind.TRANSIENT),
    127: (gettext_noop("Network interworking error."), ErrorKind.TRANSIENT),
    300: (gettext_noop("The modem failed."), ErrorKind.TRANSIENT),
    301: (gettext_noop("The modem's SMS service is busy."), ErrorKind.TRANSIENT),
    302: (gettext_noop("The modem does not allow this operation now."), ErrorKind.TRANSIENT),
    303: (gettext_noop("The modem does not support this operation."), ErrorKind.MODEM),
    304: (gettext_noop("The modem refused the message data (invalid PDU)."), ErrorKind.PERMANENT),
    305: (gettext_noop("The modem refused the message text."), ErrorKind.PERMANENT),
    310: (gettext_noop("There is no SIM card in the modem."), ErrorKind.MODEM),
    311: (gettext_noop("The SIM card asks for its PIN: set it in the modem settings."), ErrorKind.MODEM),
    312: (gettext_noop("The modem asks for a phone-SIM PIN."), ErrorKind.MODEM),
    313: (gettext_noop("The SIM card failed."), ErrorKind.MODEM),
    314: (gettext_noop("The SIM card is busy."), ErrorKind.TRANSIENT),
    315: (gettext_noop("Wrong SIM card."), ErrorKind.MODEM),
    316: (gettext_noop("The SIM card is blocked and asks for its PUK."), ErrorKind.MODEM),
    317: (gettext_noop("The SIM card asks for its PIN2."), ErrorKind.MODEM),
    318: (gettext_noop("The SIM card asks for its PUK2."), ErrorKind.MODEM),
    320: (gettext_noop("The SIM card's memory failed."), ErrorKind.TRANSIENT),
    321: (gettext_noop("No message at that position of the SIM card."), ErrorKind.PERMANENT),
    322: (gettext_noop("The SIM card's message memory is full."), ErrorKind.MODEM),
    330: (gettext_noop("The SMS centre number is unknown: set the SMSC in the modem settings."), ErrorKind.MODEM),
    331: (gettext_noop("No network: check the antenna, the signal and that the line is active."), ErrorKind.MODEM),
    332: (gettext_noop("The network did not answer in time."), ErrorKind.TRANSIENT),
    340: (gettext_noop("The modem did not expect an acknowledgement."), ErrorKind.TRANSIENT),
    500: (gettext_noop("The modem reported an unknown error."), ErrorKind.TRANSIENT),
}

CME_REASONS: dict[int, tuple[str, ErrorKind]] = {
    0: (gettext_noop("The modem failed."), ErrorKind.MODEM),
    1: (gettext_noop("The modem has no connection to the phone."), ErrorKind.MODEM),
    3: (gettext_noop("The modem does not allow this operation now."), ErrorKind.TRANSIENT),
    4: (gettext_noop("The modem does not support this operation."), ErrorKind.MODEM),
    5: (gettext_noop("The modem asks for a phone-SIM PIN."), ErrorKind.MODEM),
    10: (gettext_noop("There is no SIM card in the modem."), ErrorKind.MODEM),
    11: (gettext_noop("The SIM card asks for its PIN: set it in the modem settings."), ErrorKind.MODEM),
    12: (gettext_noop("The SIM card is blocked and asks for its PUK."), ErrorKind.MODEM),
    13: (gettext_noop("The SIM card failed."), ErrorKind.MODEM),
    14: (gettext_noop("The SIM card is busy."), ErrorKind.TRANSIENT),
    15: (gettext_noop("Wrong SIM card."), ErrorKind.MODEM),
    16: (gettext_noop("Wrong SIM PIN."), ErrorKind.MODEM),
    17: (gettext_noop("The SIM card asks for its PIN2."), ErrorKind.MODEM),
    18: (gettext_noop("The SIM card asks for its PUK2."), ErrorKind.MODEM),
    20: (gettext_noop("The SIM card's memory is full."), ErrorKind.MODEM),
    21: (gettext_noop("No message at that position of the SIM card."), ErrorKind.PERMANENT),
    22: (gettext_noop("Not found."), ErrorKind.PERMANENT),
    23: (gettext_noop("The SIM card's memory failed."), ErrorKind.TRANSIENT),
    24: (gettext_noop("The text is too long."), ErrorKind.PERMANENT),
    25: (gettext_noop("The text has characters the modem does not accept."), ErrorKind.PERMANENT),
    26: (gettext_noop("The number is too long."), ErrorKind.PERMANENT),
    27: (gettext_noop("The number has invalid characters."), ErrorKind.PERMANENT),
    30: (gettext_noop("No network: check the antenna, the signal and that the line is active."), ErrorKind.MODEM),
    31: (gettext_noop("The network did not answer in time."), ErrorKind.TRANSIENT),
    32: (gettext_noop("The network allows emergency calls only: the line may not be active."), ErrorKind.MODEM),
    100: (gettext_noop("The modem reported an unknown error."), ErrorKind.TRANSIENT),
}

# Modems in verbose mode (AT+CMEE=2) answer with text; map the usual ones back to codes.
VERBOSE_CME = {
    "sim not inserted": 10,
    "sim pin required": 11,
    "sim puk required": 12,
    "sim failure": 13,
    "sim busy": 14,
    "sim wrong": 15,
    "incorrect password": 16,
    "no network service": 30,
    "network timeout": 31,
    "operation not allowed": 3,
    "operation not supported": 4,
    "unknown": 100,
    "phone failure": 0,
    "memory full": 20,
    "invalid index": 21,
    "not found": 22,
}


class ModemError(Exception):
    """Anything that went wrong with the modem. `reason` is a translatable English sentence."""

    kind = ErrorKind.MODEM

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason} {detail}".strip())
        self.reason = reason
        self.detail = detail


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


class CmsError(CommandError):
    def __init__(self, code: int, detail: str = ""):
        reason, self.kind = _lookup(CMS_REASONS, code)
        super().__init__(reason, detail or f"+CMS ERROR: {code}")
        self.code = code


class CmeError(CommandError):
    def __init__(self, code: int, detail: str = ""):
        reason, self.kind = _lookup(CME_REASONS, code)
        super().__init__(reason, detail or f"+CME ERROR: {code}")
        self.code = code


class PinRequired(ModemError):
    """The SIM asks for a PIN (or PUK) we do not have."""


def _lookup(table: dict[int, tuple[str, ErrorKind]], code: int) -> tuple[str, ErrorKind]:
    if code in table:
        return table[code]
    if code >= 512:
        return gettext_noop("The modem reported an error of its own."), ErrorKind.TRANSIENT
    return gettext_noop("The modem reported an unknown error."), ErrorKind.TRANSIENT


def parse_error_line(line: str) -> CommandError | None:
    """The exception for a final error line, or None if `line` is not one."""
    if line == "ERROR" or line == "COMMAND NOT SUPPORT":
        return CommandError(gettext_noop("The modem answered ERROR."), line)
    for prefix, cls in (("+CMS ERROR:", CmsError), ("+CME ERROR:", CmeError)):
        if line.startswith(prefix):
            value = line[len(prefix) :].strip()
            if value.isdigit():
                return cls(int(value))
            code = VERBOSE_CME.get(value.lower())
            if code is not None and cls is CmeError:
                return CmeError(code, line)
            error = CommandError(gettext_noop("The modem reported an error."), line)
            return error
    return None
