"""The codes a modem answers with and what they mean, as data: the reasons shown to people, the
+CME and +CMS ERROR tables, the verbose texts (AT+CMEE=2), the final result codes, the SIM states
(+CPIN) and the sets of codes that prove a message did not leave or that the modem is busy, with
the few lookups over them. The exceptions, parse_error_line and the functions that classify an
error are in `modem.at.errors`, which re-exports the public names of this module.

Reasons are English sentences for office clerks (what happened, what to do next), marked with
`gettext_noop` so that the Django side (which owns the catalogues) shows them in the user's
language; this package never imports Django.

Longer than 500 lines on purpose: it is tables (every 27.007/27.005 code with its reason), not
logic; one file keeps each code next to its reason and its source.

Where the codes come from
-------------------------
+CME ERROR (3GPP TS 27.007 clause 9.2, up to v17): 0-63 and 100 general errors; 102-150 and
171-233 packet-domain (GPRS, EPS, 5GS) causes, 132 "service option not supported", 133
"requested service option not subscribed", 134 "service option temporarily out of order";
151-165 VBS/VGCS/eMLPP (v17 also reuses 151 for the legacy "last PDN disconnection not
allowed"). Other values below 256 are reserved; 256 and up belong to the manufacturer.

+CMS ERROR (3GPP TS 27.005 clause 3.2.5): 0-127 are the network's causes of TS 24.011 annex E
(RP causes of E-2, and the CP causes 17 and 22 of E-1), which is how "no credit" (21) or
"unknown number" reach us; 128-255 the message centre's TP-FCS of TS 23.040 9.2.3.22
(0xE0-0xFE "specific to an application"); 300-340 and 500 from 27.005 itself; 256-511 reserved;
512 and up belong to the manufacturer.

Manufacturer codes (512 and up) mean different things on different brands. From their AT
manuals, as collected in Gammu's vendor-aware table (libgammu/phone/at/at-error.c, citing Wavecom
"AT commands interface" 16.3, Quectel EC25 21.6, SIMCom SIM800 19.2, Telit 80617ST10991A 3.2.2.2,
Siemens TC65 2.12, u-blox LENA-R8 A.2), MediaTek's SMS causes (SIMCom and Quectel M-series) and the
Wavecom Q2686 list: +CMS 512 is "MM establishment failure" on Wavecom, "SIM not ready" on Quectel,
"no SM resources" on Telit, "user abort" on Siemens/Cinterion and "relay protocol acknowledgement"
on u-blox; +CMS 515 is "please wait, init or command processing in progress" on Wavecom but "no
response from network" on Telit. So a manufacturer code gets a reason that is true for the common
meaning and says it is the modem's own code, and the brand (`manufacturer=`, AT+CGMI's answer)
sharpens the classification below when it is known.

After the message data: what an error proves (`errors.certainly_not_sent`)
---------------------------------------------------------------------------
Once AT+CMGS's PDU and Ctrl-Z are written, an error line only proves that the message did not
leave when its code says that the network, the message centre or the modem refused it:

  +CMS ERROR 1-127      the network rejected the transfer (RP/CP cause, TS 24.011)
  +CMS ERROR 128-223    the message centre refused it (TP-FCS, TS 23.040)
  +CMS ERROR 255        the message centre refused it ("unspecified error cause")
  +CMS ERROR 301-305    the modem refused: SMS service busy, not allowed, not supported, bad data
  +CMS ERROR 310-318    SIM problems (missing, PIN, PUK, busy, failed)
  +CMS ERROR 320-322    memory problems
  +CMS ERROR 330, 331   no SMS centre number, no network
  +CMS ERROR 516-520, 522-533, 535   manufacturer codes that every manual we know gives a
                        "refused before sending" meaning (invalid length/characters/parameters,
                        MO SMS not allowed, SIM refresh or not ready, protocol stack busy, FDN...)
  +CME ERROR 2-7, 10-18, 24-27, 30, 32, 40-47, 50, 51, 53-57   the modem or its SIM refused
  +CME ERROR 515, 527, 528, 529, 531   Wavecom/Sierra: please wait, RR/MM busy, location update
                        or network selection failed (emergency calls only), number not in FDN
  and only when the brand is known (from `manufacturer`, or from the words of a verbose error):
    Wavecom/Sierra +CMS 512 (MM establishment failure), 515 (please wait, init in progress)
    Quectel +CMS 512-515 (SIM not ready, length exceeds, invalid parameters, storage failure)
    SIMCom +CMS 513-515, 521 (length exceeds, invalid parameters, storage failure, not ready)
    Telit +CMS 510 (msg blocked), 512 (no SM resources)
    Cinterion/Siemens +CMS 513-515, 538, 549-551, 553, 554 (local checks of the message)
    u-blox +CMS 350-373 (its numbering of the RP causes), 516-537, 539, 543-546

Everything else after the data is "may have been sent": a person reviews it and a delivery
report may settle it. That is +CMS ERROR 0; 224-254 (MediaTek/SIMCom use 224-226 for "CP retry
exceeded", "RP TR1M timeout", "connection broken"); 300 ME failure; 332 network timeout; 340;
500 unknown; 512-515 and 521 of an unknown brand (Wavecom 513 lower layer failure, 514 CP error;
Telit 513 TR1M timeout, 515 no response from network; u-blox 513 SMS timer expired; Siemens 521
timer expired); any other manufacturer or reserved code; +CME ERROR 0, 1, 31, 52, 100 and the
rest; plain ERROR, NO CARRIER and the other result codes; verbose texts we cannot map; timeouts
and a vanished port.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from modem.transports.base import ErrorKind, gettext_noop

_TRANSIENT, _PERMANENT, _MODEM = ErrorKind.TRANSIENT, ErrorKind.PERMANENT, ErrorKind.MODEM
Meaning = tuple[str, ErrorKind]

# Reasons -------------------------------------------------------------------------------------
# The modem itself
_MODEM_FAILED = gettext_noop("The modem failed: restart it, and replace it if this keeps happening.")
_MODEM_INTERNAL = gettext_noop("The modem lost contact with its own radio part: restart the modem.")
_PORT_IN_USE = gettext_noop("Another program is using the modem: close it and try again.")
_NOT_ALLOWED = gettext_noop("The modem does not allow this operation right now: try again in a moment.")
_NOT_SUPPORTED = gettext_noop("The modem does not support this operation.")
_BAD_VALUES = gettext_noop(
    "The modem did not accept the values it was given: "
    "check the modem settings (extra start-up commands, SMS centre number)."
)
_FUNCTION_OFF = gettext_noop("This function is switched off in the modem.")
_CANCELLED = gettext_noop("The operation was cancelled before it finished.")
_RADIO_OFF = gettext_noop("The modem's radio is off or limited (for example, flight mode): restart the modem.")
_TRY_AGAIN = gettext_noop("The modem is busy with something else: wait a moment and try again.")
_UNKNOWN = gettext_noop("The modem reported an unknown error.")
_OWN_ERROR = gettext_noop("The modem reported an error of its own.")
# parse_error_line's reason for a verbose error that no table knows
GENERIC_REASON = gettext_noop("The modem reported an error.")
# The SIM card
_NO_SIM = gettext_noop("There is no SIM card in the modem: check that it is well inserted.")
_PIN = gettext_noop("The SIM card asks for its PIN: set it in the modem settings.")
_PUK = gettext_noop("The SIM card is blocked: put it in a phone and enter its PUK, or ask the operator.")
_SIM_FAILED = gettext_noop("The SIM card failed: check that it is well inserted, or try another card.")
_SIM_BUSY = gettext_noop("The SIM card is busy: wait a moment and try again.")
_SIM_WRONG = gettext_noop("The modem does not accept this SIM card: try another card.")
_WRONG_PASSWORD = gettext_noop(
    "The PIN or code given to the modem is wrong: check it in the modem settings "
    "(after three wrong tries the SIM card gets blocked)."
)
_PIN2 = gettext_noop(
    "The SIM card asks for its PIN2, which only protects special settings: sending messages is not affected."
)
_PUK2 = gettext_noop(
    "The SIM card's PIN2 is blocked and needs its PUK2; this only affects special settings, not sending messages."
)
_SIM_NOT_READY = gettext_noop(
    "The SIM card is not ready yet: wait a moment; if it goes on, check that the card is well inserted."
)
_SIM_READY = gettext_noop("The SIM card is ready.")
_SIM_UNEXPLAINED = gettext_noop(
    "The modem did not explain the state of the SIM card: restart the modem, "
    "and try the card in a phone if this keeps happening."
)
_PIN_CANNOT_BE_OFF = gettext_noop("This SIM card does not allow turning its PIN off (the modem's own code).")
# Locks: the modem only works with some SIM cards
_PH_SIM_PIN = gettext_noop(
    "The modem is locked to another SIM card: put that card back, or ask whoever sold the modem for the unlock code."
)
_PH_SIM_PUK = gettext_noop(
    "The modem is locked to another SIM card and its unlock code was entered wrong too often: "
    "ask whoever sold the modem for the unblocking code (PUK)."
)
_PH_FSIM_PIN = gettext_noop(
    "The modem is locked to the first SIM card used in it: put that card back, "
    "or ask whoever sold the modem for the unlock code."
)
_PH_FSIM_PUK = gettext_noop(
    "The modem is locked to the first SIM card used in it and its unlock code was entered wrong too often: "
    "ask whoever sold the modem for the unblocking code (PUK)."
)
_PH_NET_PIN = gettext_noop(
    "The modem is locked to one operator's SIM cards: use a card of that operator, "
    "or ask whoever sold the modem for the network unlock code."
)
_PH_NET_PUK = gettext_noop(
    "The modem is locked to one operator's SIM cards and the unlock code was entered wrong too often: "
    "ask whoever sold the modem for the unblocking code (PUK)."
)
_PH_NETSUB_PIN = gettext_noop(
    "The modem is locked to part of one operator's network: ask whoever sold the modem for the unlock code."
)
_PH_NETSUB_PUK = gettext_noop(
    "The modem is locked to part of one operator's network and the unlock code was entered wrong too often: "
    "ask whoever sold the modem for the unblocking code (PUK)."
)
_PH_SP_PIN = gettext_noop(
    "The modem is locked to one service provider's SIM cards: ask whoever sold the modem for the unlock code."
)
_PH_SP_PUK = gettext_noop(
    "The modem is locked to one service provider's SIM cards and the unlock code was entered wrong too often: "
    "ask whoever sold the modem for the unblocking code (PUK)."
)
_PH_CORP_PIN = gettext_noop(
    "The modem is locked to one company's SIM cards: ask whoever sold the modem for the unlock code."
)
_PH_CORP_PUK = gettext_noop(
    "The modem is locked to one company's SIM cards and the unlock code was entered wrong too often: "
    "ask whoever sold the modem for the unblocking code (PUK)."
)
_SPECIAL_CODE = gettext_noop(
    "The modem asks for a special code (a lock code or a key for hidden contacts): ask whoever set up the modem."
)
# Memory, text and number
_MEMORY_FULL = gettext_noop("The SIM card's message memory is full: delete old messages from it.")
_NO_MESSAGE = gettext_noop("No message at that position of the SIM card.")
_NOT_FOUND = gettext_noop("The modem did not find what was asked for.")
_MEMORY_FAILED = gettext_noop(
    "The modem's memory failed: restart the modem, and try another SIM card if this keeps happening."
)
_TEXT_TOO_LONG = gettext_noop("The text is too long.")
_TEXT_CHARS = gettext_noop("The text has characters the modem does not accept.")
_NUMBER_TOO_LONG = gettext_noop("The number is too long.")
_NUMBER_CHARS = gettext_noop("The number has invalid characters.")
_FDN = gettext_noop(
    "The SIM card only allows some numbers (fixed dialling list): turn that list off in a phone, or add the number."
)
# The network and the line
_NO_NETWORK = gettext_noop("No network: check the antenna, the signal and that the line is active.")
_NETWORK_TIMEOUT = gettext_noop("The network did not answer in time.")
_EMERGENCY_ONLY = gettext_noop("The network allows emergency calls only: the line may not be active.")
_NETWORK_TROUBLE = gettext_noop("The network is having trouble right now: try again later.")
_NETWORK_REFUSED_REQUEST = gettext_noop("The network refused the request: try again later.")
_NETWORK_BARRED = gettext_noop("The operator barred this service on the line: ask the operator.")
_NOT_SUBSCRIBED = gettext_noop("The line is not subscribed to this service: ask the operator to enable it.")
_SERVICE_NOT_OFFERED = gettext_noop("The network does not offer this service on the line: ask the operator.")
_SERVICE_OUT_OF_ORDER = gettext_noop("This service of the network is temporarily out of order: try again later.")
_SIM_REJECTED = gettext_noop("The network does not accept this SIM card: ask the operator whether the line is active.")
_MODEM_REJECTED = gettext_noop(
    "The network does not accept this modem (its IMEI may be blocked): try another modem or ask the operator."
)
_NO_DATA_SERVICE = gettext_noop("The line has no mobile data service: ask the operator if you need it.")
_NETWORK_LOST_MODEM = gettext_noop("The network lost track of the modem: restart the modem.")
_WRONG_NETWORK = gettext_noop(
    "This network does not accept the SIM card: check that the modem uses the line's own operator."
)
_AREA_NOT_ALLOWED = gettext_noop(
    "The network does not allow the line in this area: check the coverage or ask the operator."
)
_APN = gettext_noop("The mobile data access point (APN) is missing or wrong: check the modem settings.")
_DATA_LOGIN = gettext_noop("The network rejected the mobile data user name or password: check the modem settings.")
_DATA_REFUSED = gettext_noop(
    "The network refused the mobile data connection: check the mobile data settings or ask the operator."
)
_DATA_FAILED = gettext_noop("The mobile data service failed: try again later.")
# Sending: the network's answer (TS 24.011)
_NUMBER_DOES_NOT_EXIST = gettext_noop("The number does not exist: check the phone number.")
_LINE_BARRED_BY_OPERATOR = gettext_noop("The operator barred this line from sending: ask the operator.")
_SENDING_BARRED = gettext_noop("Sending is barred for this line: ask the operator to lift the barring.")
_NETWORK_FAILED_SENDING = gettext_noop("The network failed while taking the message: try again later.")
_NO_CREDIT = gettext_noop("The operator rejected the message: the line may have no credit or not be active.")
_CONGESTED = gettext_noop("The network is congested.")
_DESTINATION_OUT = gettext_noop("The destination phone is out of service.")
_UNKNOWN_NUMBER = gettext_noop("The network does not know the destination number: check the phone number.")
_NETWORK_REFUSED = gettext_noop("The network refused the message: ask the operator whether the line can send messages.")
_NETWORK_OUT_OF_ORDER = gettext_noop("The operator's network is out of order.")
_TEMPORARY_FAILURE = gettext_noop("Temporary network failure.")
_NO_RESOURCES = gettext_noop("The network has no resources available right now.")
_SMS_NOT_SUBSCRIBED = gettext_noop("The line is not subscribed to SMS: ask the operator.")
_NOT_ALLOWED_ON_LINE = gettext_noop("The operator does not allow this service on the line (often: no credit).")
_TECHNICAL = gettext_noop(
    "The network and the modem did not understand each other (a technical error): if it repeats, restart the modem."
)
_INVALID_MESSAGE = gettext_noop("The network found the message invalid.")
_INTERWORKING = gettext_noop("The network could not pass the message on to the destination's network: try again later.")
_NETWORK_REFUSED_CODE = gettext_noop("The network refused the message (its reason code is in the details).")
# Sending: the message centre's answer (TS 23.040)
_CENTRE_FORMAT = gettext_noop(
    "The operator's message centre does not accept messages in this form: report it to support."
)
_CENTRE_BUSY = gettext_noop("The operator's message centre is busy: try again later.")
_CENTRE_NOT_SUBSCRIBED = gettext_noop("The line is not subscribed to the operator's message centre: ask the operator.")
_CENTRE_FAILED = gettext_noop("The operator's message centre failed: try again later.")
_CENTRE_BAD_NUMBER = gettext_noop(
    "The operator's message centre rejected the destination number: check the phone number."
)
_DESTINATION_BARRED = gettext_noop("The destination number does not accept messages.")
_DUPLICATE = gettext_noop("The operator's message centre rejected the message as a repeat of one it already received.")
_VALIDITY = gettext_noop(
    "The operator's message centre does not accept the message's validity period: check the modem's SMS settings."
)
_DESTINATION_FULL = gettext_noop(
    "The destination phone could not take the message (its memory may be full or busy): try again later."
)
_NOT_CONFIRMED = gettext_noop("The network or the modem did not confirm the message: it may or may not have been sent.")
_CENTRE_NO_REASON = gettext_noop("The operator's message centre refused the message without saying why.")
_CENTRE_REFUSED_CODE = gettext_noop(
    "The operator's message centre refused the message (its reason code is in the details)."
)
# Sending: the modem's answer (TS 27.005)
_SMS_BUSY = gettext_noop("The modem's SMS service is busy: wait a moment and try again.")
_BAD_MESSAGE_DATA = gettext_noop("The modem refused the message as this system prepared it: report it to support.")
_BAD_TEXT = gettext_noop("The modem refused the message text.")
_NO_SMSC = gettext_noop("The SMS centre number is unknown: set the SMSC in the modem settings.")
_NO_ACK = gettext_noop("The modem did not expect an acknowledgement.")
# Manufacturer codes: true for the common meaning across brands
_OWN_SMS_ERROR = gettext_noop(
    "The modem reported an error of its own while handling messages: if it repeats, restart the modem."
)
_OWN_NOT_SENT = gettext_noop(
    "The modem refused to send the message (a code of its own): check the number, the text and the signal; "
    "restart the modem if it repeats."
)
_OWN_WAIT = gettext_noop("The modem cannot do this right now (a code of its own): wait a moment and try again.")
_OWN_NO_REGISTRATION = gettext_noop(
    "The modem cannot use the network right now (a code of its own): check the signal and that the line is active."
)
_OWN_FDN = gettext_noop(
    "The SIM card only allows some numbers (the modem's own code): "
    "turn the fixed dialling list off in a phone, or add the number."
)
# Final result codes other than +CME/+CMS ERROR
_ERROR = gettext_noop("The modem answered ERROR.")
_COMMAND_NOT_SUPPORTED = gettext_noop("The modem does not support this command.")
_NO_CARRIER = gettext_noop("The call or connection was cut, or could not be made.")
_BUSY_CALL = gettext_noop("The number called is busy.")
_NO_ANSWER = gettext_noop("The number called did not answer.")
_NO_DIALTONE = gettext_noop("The modem could not get a line to call: check the signal.")
_MODEM_ERROR = gettext_noop("The modem reported an internal error: restart it if this keeps happening.")


def _each(codes: Iterable[int], reason: str, kind: ErrorKind) -> dict[int, Meaning]:
    return dict.fromkeys(codes, (reason, kind))


# +CME ERROR -----------------------------------------------------------------------------------
CME_REASONS: dict[int, Meaning] = {
    0: (_MODEM_FAILED, _MODEM),
    1: (_MODEM_INTERNAL, _MODEM),
    2: (_PORT_IN_USE, _TRANSIENT),
    3: (_NOT_ALLOWED, _TRANSIENT),
    4: (_NOT_SUPPORTED, _MODEM),
    5: (_PH_SIM_PIN, _MODEM),
    6: (_PH_FSIM_PIN, _MODEM),
    7: (_PH_FSIM_PUK, _MODEM),
    10: (_NO_SIM, _MODEM),
    11: (_PIN, _MODEM),
    12: (_PUK, _MODEM),
    13: (_SIM_FAILED, _MODEM),
    14: (_SIM_BUSY, _TRANSIENT),
    15: (_SIM_WRONG, _MODEM),
    16: (_WRONG_PASSWORD, _MODEM),
    17: (_PIN2, _MODEM),
    18: (_PUK2, _MODEM),
    20: (_MEMORY_FULL, _MODEM),
    21: (_NO_MESSAGE, _PERMANENT),
    22: (_NOT_FOUND, _PERMANENT),
    23: (_MEMORY_FAILED, _TRANSIENT),
    24: (_TEXT_TOO_LONG, _PERMANENT),
    25: (_TEXT_CHARS, _PERMANENT),
    26: (_NUMBER_TOO_LONG, _PERMANENT),
    27: (_NUMBER_CHARS, _PERMANENT),
    30: (_NO_NETWORK, _MODEM),
    31: (_NETWORK_TIMEOUT, _TRANSIENT),
    32: (_EMERGENCY_ONLY, _MODEM),
    40: (_PH_NET_PIN, _MODEM),
    41: (_PH_NET_PUK, _MODEM),
    42: (_PH_NETSUB_PIN, _MODEM),
    43: (_PH_NETSUB_PUK, _MODEM),
    44: (_PH_SP_PIN, _MODEM),
    45: (_PH_SP_PUK, _MODEM),
    46: (_PH_CORP_PIN, _MODEM),
    47: (_PH_CORP_PUK, _MODEM),
    # 27.007: "hidden key required"; older Siemens/Falcom: "PH-SIM PUK" / "master phone code required".
    48: (_SPECIAL_CODE, _MODEM),
    49: (_NOT_SUPPORTED, _MODEM),
    50: (_BAD_VALUES, _PERMANENT),
    51: (_FUNCTION_OFF, _MODEM),
    52: (_CANCELLED, _TRANSIENT),
    **_each((53, 54, 55), _RADIO_OFF, _MODEM),
    56: (_FDN, _PERMANENT),
    57: (_TRY_AGAIN, _TRANSIENT),
    58: (_TEXT_CHARS, _PERMANENT),
    59: (_NETWORK_REFUSED_REQUEST, _TRANSIENT),
    60: (_NETWORK_TROUBLE, _TRANSIENT),
    61: (_NETWORK_REFUSED_REQUEST, _TRANSIENT),
    62: (_NETWORK_BARRED, _MODEM),
    63: (_NOT_SUBSCRIBED, _MODEM),
    100: (_UNKNOWN, _TRANSIENT),
    # Packet domain (GPRS, EPS, 5GS): mostly about mobile data, which sending SMS does not need.
    **_each((102, 103, 104), _SIM_REJECTED, _MODEM),
    **_each((105, 106), _MODEM_REJECTED, _MODEM),
    **_each((107, 108, 114), _NO_DATA_SERVICE, _TRANSIENT),
    **_each((109, 110), _NETWORK_LOST_MODEM, _TRANSIENT),
    111: (_WRONG_NETWORK, _MODEM),
    **_each((112, 113, 115), _AREA_NOT_ALLOWED, _MODEM),
    **_each((124, 125, 128, 130, 131, *range(135, 148), 150), _DATA_REFUSED, _TRANSIENT),
    **_each((116, 117, 118, 119, 122, 126, 139), _NETWORK_TROUBLE, _TRANSIENT),
    127: (_APN, _TRANSIENT),
    **_each((129, 149), _DATA_LOGIN, _TRANSIENT),
    132: (_SERVICE_NOT_OFFERED, _MODEM),
    133: (_NOT_SUBSCRIBED, _MODEM),
    134: (_SERVICE_OUT_OF_ORDER, _TRANSIENT),
    148: (_DATA_FAILED, _TRANSIENT),
    # VBS/VGCS/eMLPP (group and priority calls)
    **_each((151, 152, 153, 154, 155, 156, 160, 161, 162, 163, 164, 165), _SERVICE_NOT_OFFERED, _TRANSIENT),
    **_each((157, 158, 159), _NETWORK_TROUBLE, _TRANSIENT),
    **_each(range(171, 234), _DATA_REFUSED, _TRANSIENT),
    **_each((182, 190, 204), _NETWORK_TROUBLE, _TRANSIENT),
    177: (_NETWORK_BARRED, _MODEM),
    213: (_APN, _TRANSIENT),
    # Manufacturers: Siemens/Cinterion/Falcom 256 "operation temporary not allowed", 258 "phone
    # busy"; Huawei/Telit 257 "network rejected request", 258 "retry operation".
    256: (_TRY_AGAIN, _TRANSIENT),
    257: (_NETWORK_REFUSED_REQUEST, _TRANSIENT),
    258: (_TRY_AGAIN, _TRANSIENT),
    # 500-535: Wavecom/Sierra where brands agree; Nordic, Quectel (GNSS) and Telit use some of
    # these numbers for unrelated commands, so the rest only say "its own error".
    500: (_UNKNOWN, _TRANSIENT),
    **_each(range(501, 536), _OWN_ERROR, _TRANSIENT),
    515: (_OWN_WAIT, _TRANSIENT),  # Wavecom: "Please wait, init or command processing in progress"
    526: (_PIN_CANNOT_BE_OFF, _MODEM),  # Wavecom: "PIN deactivation forbidden with this SIM card"
    527: (_OWN_WAIT, _TRANSIENT),  # Wavecom: "Please wait, RR or MM is busy. Retry your selection later"
    528: (_OWN_NO_REGISTRATION, _MODEM),  # Wavecom: "Location update failure. Emergency calls only"
    529: (_OWN_NO_REGISTRATION, _MODEM),  # Wavecom: "PLMN selection failure. Emergency calls only"
    531: (_OWN_FDN, _PERMANENT),  # Wavecom: "SMS not sent: the <da> is not in FDN phonebook"
    533: (_APN, _TRANSIENT),  # Wavecom: "Missing or Unknown APN"
}

# +CMS ERROR -----------------------------------------------------------------------------------
CMS_REASONS: dict[int, Meaning] = {
    1: (_NUMBER_DOES_NOT_EXIST, _PERMANENT),
    8: (_LINE_BARRED_BY_OPERATOR, _PERMANENT),
    10: (_SENDING_BARRED, _PERMANENT),
    17: (_NETWORK_FAILED_SENDING, _TRANSIENT),  # CP cause (E-1)
    21: (_NO_CREDIT, _PERMANENT),
    22: (_CONGESTED, _TRANSIENT),  # CP "congestion" (E-1); RP "memory capacity exceeded" (E-3)
    27: (_DESTINATION_OUT, _TRANSIENT),
    28: (_UNKNOWN_NUMBER, _PERMANENT),
    29: (_NETWORK_REFUSED, _PERMANENT),
    30: (_UNKNOWN_NUMBER, _PERMANENT),
    38: (_NETWORK_OUT_OF_ORDER, _TRANSIENT),
    41: (_TEMPORARY_FAILURE, _TRANSIENT),
    42: (_CONGESTED, _TRANSIENT),
    47: (_NO_RESOURCES, _TRANSIENT),
    50: (_SMS_NOT_SUBSCRIBED, _MODEM),
    69: (_NOT_ALLOWED_ON_LINE, _PERMANENT),
    81: (_TECHNICAL, _TRANSIENT),
    **_each((95, 96, 97, 98, 99), _INVALID_MESSAGE, _PERMANENT),
    111: (_TECHNICAL, _TRANSIENT),
    127: (_INTERWORKING, _TRANSIENT),
    # TP-FCS (0x80-0xFF)
    **_each((128, 129, 130, 143, 144, 145, 159, 160, 161, 175, 176), _CENTRE_FORMAT, _PERMANENT),
    192: (_CENTRE_BUSY, _TRANSIENT),
    193: (_CENTRE_NOT_SUBSCRIBED, _MODEM),
    194: (_CENTRE_FAILED, _TRANSIENT),
    195: (_CENTRE_BAD_NUMBER, _PERMANENT),
    196: (_DESTINATION_BARRED, _PERMANENT),
    197: (_DUPLICATE, _PERMANENT),
    **_each((198, 199), _VALIDITY, _PERMANENT),
    **_each(range(208, 214), _DESTINATION_FULL, _TRANSIENT),
    **_each(range(224, 255), _NOT_CONFIRMED, _TRANSIENT),  # 0xE0-0xFE: "specific to an application"
    255: (_CENTRE_NO_REASON, _TRANSIENT),
    # TS 27.005
    300: (_MODEM_FAILED, _TRANSIENT),
    301: (_SMS_BUSY, _TRANSIENT),
    302: (_NOT_ALLOWED, _TRANSIENT),
    303: (_NOT_SUPPORTED, _MODEM),
    304: (_BAD_MESSAGE_DATA, _PERMANENT),
    305: (_BAD_TEXT, _PERMANENT),
    310: (_NO_SIM, _MODEM),
    311: (_PIN, _MODEM),
    312: (_PH_SIM_PIN, _MODEM),
    313: (_SIM_FAILED, _MODEM),
    314: (_SIM_BUSY, _TRANSIENT),
    315: (_SIM_WRONG, _MODEM),
    316: (_PUK, _MODEM),
    317: (_PIN2, _MODEM),
    318: (_PUK2, _MODEM),
    320: (_MEMORY_FAILED, _TRANSIENT),
    321: (_NO_MESSAGE, _PERMANENT),
    322: (_MEMORY_FULL, _MODEM),
    330: (_NO_SMSC, _MODEM),
    331: (_NO_NETWORK, _MODEM),
    332: (_NETWORK_TIMEOUT, _TRANSIENT),
    340: (_NO_ACK, _TRANSIENT),
    500: (_UNKNOWN, _TRANSIENT),
    **_each(range(501, 512), _UNKNOWN, _TRANSIENT),  # reserved by 27.005
    # Manufacturers (see the module docstring): 512-515 and 521 are sometimes "refused", sometimes
    # "no answer from the network"; the others are a refusal before sending on every brand we know.
    **_each((512, 513, 514, 515, 521), _OWN_SMS_ERROR, _TRANSIENT),
    **_each((516, 517, 518, 519, 520, *range(522, 534), 535), _OWN_NOT_SENT, _TRANSIENT),
    534: (_OWN_ERROR, _TRANSIENT),
}


def cms_meaning(code: int) -> Meaning:
    """The reason and kind of a +CMS ERROR code, by its range when the table does not have it."""
    if code in CMS_REASONS:
        return CMS_REASONS[code]
    if 1 <= code <= 127:
        return _NETWORK_REFUSED_CODE, _TRANSIENT
    if 128 <= code <= 255:
        return _CENTRE_REFUSED_CODE, _TRANSIENT
    if code >= 512:
        return _OWN_ERROR, _TRANSIENT
    return _UNKNOWN, _TRANSIENT


def cme_meaning(code: int) -> Meaning:
    """The reason and kind of a +CME ERROR code, by its range when the table does not have it."""
    if code in CME_REASONS:
        return CME_REASONS[code]
    if code >= 256:
        return _OWN_ERROR, _TRANSIENT
    return _UNKNOWN, _TRANSIENT


# Final result codes other than OK and +CME/+CMS ERROR ------------------------------------------
RESULT_CODES: dict[str, str] = {
    "ERROR": _ERROR,
    "COMMAND NOT SUPPORT": _COMMAND_NOT_SUPPORTED,  # ZTE, Huawei
    "TOO MANY PARAMETERS": _BAD_VALUES,  # Huawei
    "NO CARRIER": _NO_CARRIER,
    "BUSY": _BUSY_CALL,
    "NO ANSWER": _NO_ANSWER,
    "NO DIALTONE": _NO_DIALTONE,
    "NO DIAL TONE": _NO_DIALTONE,
    "MODEM ERROR": _MODEM_ERROR,
}


# Verbose errors (AT+CMEE=2) --------------------------------------------------------------------
# The standard texts, lower case: 27.007 9.2 for +CME, 27.005 3.2.5 / 24.011 / 23.040 for +CMS.
# Aliases are other real spellings (ModemManager, Gammu, manufacturers' manuals).
_CME_TEXTS = {
    0: "phone failure", 1: "no connection to phone", 2: "phone-adaptor link reserved",
    3: "operation not allowed", 4: "operation not supported", 5: "ph-sim pin required",
    6: "ph-fsim pin required", 7: "ph-fsim puk required", 10: "sim not inserted", 11: "sim pin required",
    12: "sim puk required", 13: "sim failure", 14: "sim busy", 15: "sim wrong", 16: "incorrect password",
    17: "sim pin2 required", 18: "sim puk2 required", 20: "memory full", 21: "invalid index", 22: "not found",
    23: "memory failure", 24: "text string too long", 25: "invalid characters in text string",
    26: "dial string too long", 27: "invalid characters in dial string", 30: "no network service",
    31: "network timeout", 32: "network not allowed - emergency calls only",
    40: "network personalization pin required", 41: "network personalization puk required",
    42: "network subset personalization pin required", 43: "network subset personalization puk required",
    44: "service provider personalization pin required", 45: "service provider personalization puk required",
    46: "corporate personalization pin required", 47: "corporate personalization puk required",
    48: "hidden key required", 49: "eap method not supported", 50: "incorrect parameters",
    51: "command implemented but currently disabled", 52: "command aborted by user",
    53: "not attached to network due to mt functionality restrictions",
    54: "modem not allowed - mt restricted to emergency calls only",
    55: "operation not allowed because of mt functionality restrictions",
    56: "fixed dial number only allowed - called number is not a fixed dial number",
    57: "temporarily out of service due to other mt usage", 58: "language/alphabet not supported",
    59: "unexpected data value", 60: "system failure", 61: "data missing", 62: "call barred",
    63: "message waiting indication subscription failure", 100: "unknown",
    102: "imsi unknown in hlr", 103: "illegal ms", 104: "imsi unknown in vlr", 105: "imei not accepted",
    106: "illegal me", 107: "gprs services not allowed", 108: "gprs services and non-gprs services not allowed",
    109: "ms identity cannot be derived by the network", 110: "implicitly detached", 111: "plmn not allowed",
    112: "location area not allowed", 113: "roaming not allowed in this location area",
    114: "gprs services not allowed in this plmn", 115: "no suitable cells in location area",
    116: "msc temporarily not reachable", 117: "network failure", 118: "cs domain not available",
    119: "esm failure", 122: "congestion", 124: "mbms bearer capabilities insufficient for the service",
    125: "not authorized for this csg", 126: "insufficient resources", 127: "missing or unknown apn",
    128: "unknown pdp address or pdp type", 129: "user authentication failed",
    130: "activation rejected by ggsn, serving gw or pdn gw", 131: "activation rejected, unspecified",
    132: "service option not supported", 133: "requested service option not subscribed",
    134: "service option temporarily out of order", 135: "nsapi already used", 136: "regular deactivation",
    137: "qos not accepted", 138: "call cannot be identified", 139: "cs service temporarily not available",
    140: "feature not supported", 141: "semantic error in the tft operation",
    142: "syntactical error in the tft operation", 143: "unknown pdp context",
    144: "semantic errors in packet filter(s)", 145: "syntactical errors in packet filter(s)",
    146: "pdp context without tft already activated", 147: "multicast group membership time-out",
    148: "unspecified gprs error", 149: "pdp authentication failure", 150: "invalid mobile class",
    151: "vbs/vgcs not supported by the network", 152: "no service subscription on sim",
    153: "no subscription for group id", 154: "group id not activated on sim", 155: "no matching notification",
    156: "vbs/vgcs call already present", 157: "congestion", 158: "network failure", 159: "uplink busy",
    160: "no access rights for sim file", 161: "no subscription for priority",
    162: "operation not applicable or not possible", 163: "group id prefixes not supported",
    164: "group id prefixes not usable for vbs", 165: "group id prefix value invalid",
    171: "last pdn disconnection not allowed", 172: "semantically incorrect message",
    173: "mandatory information element error", 174: "information element non-existent or not implemented",
    175: "conditional ie error", 176: "protocol error, unspecified", 177: "operator determined barring",
    178: "maximum number of pdp contexts reached",
    179: "requested apn not supported in current rat and plmn combination",
    180: "request rejected, bearer control mode violation", 181: "unsupported qci value",
    182: "user data transmission via control plane is congested",
    183: "sms provided via gprs in this routing area", 184: "invalid pti value", 185: "no bearer activated",
    186: "message not compatible with protocol state", 187: "recovery on timer expiry",
    188: "invalid transaction identifier value", 189: "service option not authorized in this plmn",
    190: "network failure-activation rejected", 191: "reactivation requested", 192: "ipv4 only allowed",
    193: "ipv6 only allowed", 194: "single address bearers only allowed",
    195: "collision with network initiated request", 196: "ipv4v6 only allowed", 197: "non-ip only allowed",
    198: "bearer handling not supported", 199: "apn restriction value incompatible with active pdp context",
    200: "multiple accesses to a pdn connection not allowed", 201: "esm information not received",
    202: "pdn connection does not exist", 203: "multiple pdn connections for a given apn not allowed",
    204: "severe network failure", 205: "insufficient resources for specific slice and dnn",
    206: "unsupported ssc mode", 207: "insufficient resources for specific slice",
    208: "message type not compatible with the protocol state",
    209: "information element non-existent or not implemented in the 5gs", 210: "n1 mode not allowed",
    211: "restricted service area", 212: "ladn not available", 213: "missing or unknown dnn in a slice",
    214: "ngksi already in use", 215: "payload was not forwarded", 216: "non-3gpp access to 5gcn not allowed",
    217: "serving network not authorized", 218: "dnn not supported or not subscribed in the slice",
    219: "insufficient user-plane resources for the pdu session", 220: "out of ladn service area",
    221: "pti mismatch", 222: "max data rate for user plane integrity protection is too low",
    223: "semantic error in the qos operation", 224: "syntactical error in the qos operation",
    225: "invalid mapped eps bearer identity", 226: "redirection to 5gcn required",
    227: "redirection to epc required", 228: "temporarily not authorized for this snpn",
    229: "permanently not authorized for this snpn", 230: "ethernet only allowed",
    231: "not authorized for this cag or authorized for cag cells only", 232: "no network slices available",
    233: "wireline access area not allowed",
}  # fmt: skip
_CME_ALIASES = {
    "phone adapter link reserved": 2,  # Telit, Falcom
    "incorrect password or bad user pin": 16,  # Wavecom Q2686
    "sim blocked": 12,  # Siemens 262
    "unknown error": 100,
    "ph-sim puk required": 48,  # old Siemens lists
    "master phone code required": 48,  # Falcom
    "operation temporary not allowed": 256,  # Siemens/Cinterion/Falcom
    "phone busy": 258,  # Siemens
    "phone is busy": 258,  # Falcom
    "retry operation": 258,  # Huawei, Telit
    "network rejected request": 257,  # Huawei, Telit
    "please wait, init or command processing in progress": 515,  # Wavecom/Sierra
    "please wait, rr or mm is busy. retry your selection later": 527,
    "location update failure. emergency calls only": 528,
    "plmn selection failure. emergency calls only": 529,
    "pin deactivation forbidden with this sim card": 526,
    "sms not send: the <da> is not in fdn phonebook, and fdn lock is enabled (for sms)": 531,
}
_CMS_TEXTS = {
    1: "unassigned (unallocated) number", 8: "operator determined barring", 10: "call barred",
    17: "network failure", 21: "short message transfer rejected", 22: "memory capacity exceeded",
    27: "destination out of service", 28: "unidentified subscriber", 29: "facility rejected",
    30: "unknown subscriber", 38: "network out of order", 41: "temporary failure", 42: "congestion",
    47: "resources unavailable, unspecified", 50: "requested facility not subscribed",
    69: "requested facility not implemented", 81: "invalid short message transfer reference value",
    95: "invalid message, unspecified", 96: "invalid mandatory information",
    97: "message type non-existent or not implemented",
    98: "message not compatible with short message protocol state",
    99: "information element non-existent or not implemented", 111: "protocol error, unspecified",
    127: "interworking, unspecified", 128: "telematic interworking not supported",
    129: "short message type 0 not supported", 130: "cannot replace short message",
    143: "unspecified tp-pid error", 144: "data coding scheme (alphabet) not supported",
    145: "message class not supported", 159: "unspecified tp-dcs error", 160: "command cannot be actioned",
    161: "command unsupported", 175: "unspecified tp-command error", 176: "tpdu not supported",
    192: "sc busy", 193: "no sc subscription", 194: "sc system failure", 195: "invalid sme address",
    196: "destination sme barred", 197: "sm rejected-duplicate sm", 198: "tp-vpf not supported",
    199: "tp-vp not supported", 208: "(u)sim sms storage full", 209: "no sms storage capability in (u)sim",
    210: "error in ms", 211: "memory capacity exceeded", 212: "(u)sim application toolkit busy",
    213: "(u)sim data download error", 255: "unspecified error cause", 300: "me failure",
    301: "sms service of me reserved", 302: "operation not allowed", 303: "operation not supported",
    304: "invalid pdu mode parameter", 305: "invalid text mode parameter", 310: "(u)sim not inserted",
    311: "(u)sim pin required", 312: "ph-(u)sim pin required", 313: "(u)sim failure", 314: "(u)sim busy",
    315: "(u)sim wrong", 316: "(u)sim puk required", 317: "(u)sim pin2 required", 318: "(u)sim puk2 required",
    320: "memory failure", 321: "invalid memory index", 322: "memory full", 330: "smsc address unknown",
    331: "no network service", 332: "network timeout", 340: "no +cnma acknowledgement expected",
    500: "unknown error",
}  # fmt: skip
_CMS_ALIASES = {
    "destination out of order": 27,
    "semantically incorrect message": 95,  # the CP cause's name (E-1)
    "sim memory full": 322,
    "sc address unknown": 330,
    "no network": 331,  # ModemManager, Quectel
    "sms service reserved": 301,
    "sms me reserved": 301,  # Quectel
    "invalid pdu mode": 304,  # Quectel
    "invalid text mode": 305,
    "sim pin necessary": 311,  # Quectel
    "ph sim pin necessary": 312,
    "unknown": 500,
}
# Manufacturers' +CMS texts: a known brand also tells certainly_not_sent() what the number means.
_CMS_VENDOR_TEXTS = {
    "mm establishment failure (for sms)": (512, "wavecom"),
    "mm establishment failure": (512, "wavecom"),
    "lower layer failure (for sms)": (513, "wavecom"),
    "cp error (for sms)": (514, "wavecom"),
    "please wait, init or command processing in progress": (515, "wavecom"),
    "sms not send: the <da> is not in fdn phonebook, and fdn lock is enabled (for sms)": (531, "wavecom"),
    "sim not ready": (512, "quectel"),
    "message length exceeds": (513, "quectel"),
    "invalid request parameters": (514, "quectel"),
    "me storage failure": (515, "quectel"),
    "invalid service mode": (517, "quectel"),
    "more message to send state error": (528, "quectel"),
    "mo sms is not allow": (529, "quectel"),
    "mo sms is not allowed": (529, "quectel"),
    "gprs is suspended": (530, "quectel"),
    "me storage full": (531, "quectel"),
    "message length exceeds maximum length": (513, "simcom"),
    "smsal not ready": (521, "simcom"),
    "doing sim refresh": (532, "simcom"),
    "msg blocked": (510, "telit"),
    "no sm resources": (512, "telit"),
    "tr1m timeout": (513, "telit"),
    "ll error": (514, "telit"),
    "no response from network": (515, "telit"),
    "user abort": (512, "cinterion"),
    "unable to store": (513, "cinterion"),
    "invalid status": (514, "cinterion"),
    "invalid character in address string": (515, "cinterion"),
    "device busy or invalid character in string": (515, "cinterion"),
    "invalid length": (516, "cinterion"),
    "invalid character in pdu": (517, "cinterion"),
    "invalid parameter": (518, "cinterion"),
    "invalid length or character": (519, "cinterion"),
    "invalid character in text": (520, "cinterion"),
    "timer expired": (521, "cinterion"),
    "ps busy": (535, "cinterion"),
    "protocol stack busy": (535, "cinterion"),
}


def _squash(text: str) -> str:
    """Letters and digits only, lower case, "(U)SIM" as "sim": the modem's punctuation, spacing
    and case vary ("SIM PIN required", "sim pin required.", "(U)SIM PIN required")."""
    text = text.lower().replace("personalisation", "personalization").replace("acknowledgment", "acknowledgement")
    text = re.sub(r"\(#\d+\)", "", text)  # Gammu-style cause numbers: "Illegal MS (#3)."
    text = re.sub(r"\(?u\)?sim", "sim", text)
    return re.sub(r"[^a-z0-9]", "", text)


def _verbose(texts: dict[int, str], aliases: dict[str, int]) -> dict[str, int]:
    table: dict[str, int] = {}
    for code, text in texts.items():
        table.setdefault(text, code)  # "congestion", "network failure": the first code wins
    for text, code in aliases.items():
        table.setdefault(text, code)
    return table


# Verbose text (lower case) -> code. VERBOSE_CME kept its name and grew into the whole table.
VERBOSE_CME: dict[str, int] = _verbose(_CME_TEXTS, _CME_ALIASES)
VERBOSE_CMS: dict[str, int] = _verbose(_CMS_TEXTS, _CMS_ALIASES | {k: v[0] for k, v in _CMS_VENDOR_TEXTS.items()})
_CME_BY_TEXT = {_squash(text): code for text, code in reversed(VERBOSE_CME.items())}
_CMS_BY_TEXT = {_squash(text): code for text, code in reversed(VERBOSE_CMS.items())}
_VENDOR_BY_TEXT = {_squash(text): vendor for text, (_code, vendor) in _CMS_VENDOR_TEXTS.items()}


def verbose_code(text: str, *, cms: bool) -> tuple[int | None, str]:
    """The code of a verbose error's text (None if no table knows it), and the brand its words
    name ("" if none; only +CMS texts name one)."""
    key = _squash(text)
    if cms:
        return _CMS_BY_TEXT.get(key), _VENDOR_BY_TEXT.get(key, "")
    return _CME_BY_TEXT.get(key), ""


# SIM states (+CPIN) ------------------------------------------------------------------------------
class SimState(NamedTuple):
    reason: str
    blocks_sending: bool
    needs_pin: bool  # only "SIM PIN": the PIN in the modem settings unlocks it


# Every <code> of TS 27.007 8.3, and the non-standard answers of real modems: "NOT READY" while
# the SIM starts (Quectel, SIMCom), "NOT INSERTED" (SIMCom SIM800, Quectel EC21), "PH-SIM PUK"
# (Siemens/Cinterion). 27.007 recommends that SIM PIN2/PUK2 do not block normal operation.
SIM_STATES: dict[str, SimState] = {
    "READY": SimState(_SIM_READY, False, False),
    "SIM PIN": SimState(_PIN, True, True),
    "SIM PUK": SimState(_PUK, True, False),
    "PH-SIM PIN": SimState(_PH_SIM_PIN, True, False),
    "PH-SIM PUK": SimState(_PH_SIM_PUK, True, False),
    "PH-FSIM PIN": SimState(_PH_FSIM_PIN, True, False),
    "PH-FSIM PUK": SimState(_PH_FSIM_PUK, True, False),
    "SIM PIN2": SimState(_PIN2, False, False),
    "SIM PUK2": SimState(_PUK2, False, False),
    "PH-NET PIN": SimState(_PH_NET_PIN, True, False),
    "PH-NET PUK": SimState(_PH_NET_PUK, True, False),
    "PH-NETSUB PIN": SimState(_PH_NETSUB_PIN, True, False),
    "PH-NETSUB PUK": SimState(_PH_NETSUB_PUK, True, False),
    "PH-SP PIN": SimState(_PH_SP_PIN, True, False),
    "PH-SP PUK": SimState(_PH_SP_PUK, True, False),
    "PH-CORP PIN": SimState(_PH_CORP_PIN, True, False),
    "PH-CORP PUK": SimState(_PH_CORP_PUK, True, False),
    "NOT READY": SimState(_SIM_NOT_READY, True, False),
    "NOT INSERTED": SimState(_NO_SIM, True, False),
}

# A state the modem did not give ("") or that we do not know: it does not block sending (see
# errors.sim_state_blocks).
UNKNOWN_SIM_STATE = SimState(_SIM_UNEXPLAINED, False, False)


# Manufacturers -----------------------------------------------------------------------------------
# Brands as AT+CGMI names them ("WAVECOM MODEM", "Sierra Wireless, Incorporated", "SIMCOM_Ltd"...).
BRANDS = (
    ("wavecom", "wavecom"),
    ("sierra", "wavecom"),
    ("quectel", "quectel"),
    ("simcom", "simcom"),
    ("telit", "telit"),
    ("cinterion", "cinterion"),
    ("siemens", "cinterion"),
    ("gemalto", "cinterion"),
    ("thales", "cinterion"),
    ("u-blox", "ublox"),
    ("ublox", "ublox"),
)


# What an error proves -----------------------------------------------------------------------------
# After the message data was written (errors.certainly_not_sent): the list of the module docstring.
CMS_NOT_SENT = frozenset((
    *range(1, 224), 255, *range(301, 306), *range(310, 319), 320, 321, 322, 330, 331,  # TS 24.011, 23.040, 27.005
    516, 517, 518, 519, 520, *range(522, 534), 535,  # manufacturers, whatever the brand
))  # fmt: skip
CME_NOT_SENT = frozenset((
    *range(2, 8), *range(10, 19), 24, 25, 26, 27, 30, 32, *range(40, 48), 50, 51, *range(53, 58),  # TS 27.007
    515, 527, 528, 529, 531,  # Wavecom/Sierra
))  # fmt: skip
VENDOR_CMS_NOT_SENT: dict[str, frozenset[int]] = {
    "wavecom": frozenset({512, 515}),
    "quectel": frozenset({512, 513, 514, 515}),
    "simcom": frozenset({513, 514, 515, 521}),
    "telit": frozenset({510, 512}),
    "cinterion": frozenset({513, 514, 515, 538, 549, 550, 551, 553, 554}),
    "ublox": frozenset([*range(350, 374), *range(516, 538), 539, 543, 544, 545, 546]),
}
# Busy (errors.is_busy): the driver waits and asks again (during start-up).
CME_BUSY = frozenset({14, 256, 258, 515, 527})
CMS_BUSY = frozenset({301, 314, 515})
VENDOR_CMS_BUSY: dict[str, frozenset[int]] = {
    "quectel": frozenset({512}),  # SIM not ready
    "simcom": frozenset({521, 532}),  # SMSAL not ready, doing SIM refresh
    "telit": frozenset({512}),  # no SM resources
    "cinterion": frozenset({522, 532, 535}),  # operation temporary not allowed, SIM not ready, PS busy
    "ublox": frozenset({539}),  # pending MO SM transfer
}
# Codes that come from the network (or message centre), not from the modem's own checks
# (errors.is_network_refusal).
CME_FROM_NETWORK = frozenset([30, 31, 32, 59, 60, 61, 62, 63, *range(102, 234), 257])
CMS_FROM_NETWORK = frozenset([*range(1, 224), 255, 331, 332])  # not 224-254: MediaTek uses them for its own timeouts
