"""SMS PDU codec (3GPP TS 23.040 and 23.038): what goes through AT+CMGS, +CMGL, +CMT and +CDS.

Hex strings in and out, each beginning with the SMSC part as TS 27.005 PDU mode has it. Plain Python:
the AT driver, the simulated modem and the template editor's counter all use it, and it never
imports Django.

Encoding is strict. Decoding takes what networks and modems really deliver: it decodes what is
there, and whatever it had to guess or leave out becomes a Note on the result (the caller keeps
the raw PDU), so a message is never lost to a bad length octet or a garbled time stamp. Only what
cannot be read as the PDU asked for raises PduError (never IndexError): not hex, the wrong message
type, cut off before its user data, or a status report without its reference and recipient.

Longer than 500 lines on purpose: encoding and decoding of the three message types share the
field readers, the alphabets and the concatenation rules of one specification; split, each half
would import the other's private helpers.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import NamedTuple

from modem.at import charset
from modem.at.errors import gettext_noop


class PduError(ValueError):
    """A PDU (or something to encode into one) is malformed; the message says what and where."""


class SpanishMode(enum.StrEnum):
    """How a modem sends text with Spanish accents GSM-7 lacks (á í ó ú): each has a price."""

    UCS2 = "UCS2"  # the whole message in UCS-2: exact, but 70 / 67 characters per part
    SPANISH_SHIFT = "SPANISH_SHIFT"  # TS 23.038 Spanish single shift table: 2 septets each, IE 0x24 in every part
    TRANSLITERATE = "TRANSLITERATE"  # á → a and friends; UCS-2 if the text still does not fit


class Encoding(enum.StrEnum):
    """What a message actually uses on the air."""

    GSM7 = "GSM7"
    SPANISH_SHIFT = "SPANISH_SHIFT"
    UCS2 = "UCS2"
    # Only ever decoded, never sent: 8-bit data from the network (text is the octets as latin-1).
    EIGHT_BIT = "EIGHT_BIT"


@dataclass(frozen=True)
class Note:
    """Something odd about a decoded PDU, for a person to read: an English template marked for
    translation and its parameters, so that it is shown in the reader's language. Parameters may
    carry technical detail (offsets, hex) that the sentence does not use."""

    text: str
    params: dict[str, int | str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text % self.params

    def __hash__(self) -> int:  # the generated one would choke on the dict
        return hash((self.text, tuple(sorted(self.params.items()))))


@dataclass(frozen=True)
class Plan:
    """How a text will go: what is sent, in which encoding, and what it costs."""

    text: str  # the text that will be sent (after transliteration)
    encoding: Encoding
    units: int  # septets (escaped and shifted characters count 2), or UTF-16 code units for UCS-2
    segments: int  # number of SMS parts
    per_segment: int  # capacity of one part in this plan


@dataclass(frozen=True)
class Concat:
    """Concatenation IE: part `sequence` (from 1) of `total`, all parts sharing `reference`."""

    reference: int
    total: int
    sequence: int


@dataclass(frozen=True)
class SubmitPdu:
    hex: str  # what to write after AT+CMGS=<tpdu_length>, SMSC part included, uppercase
    tpdu_length: int  # octets after the SMSC part: the number AT+CMGS wants
    sequence: int
    total: int


@dataclass(frozen=True)
class Submit:
    number: str
    text: str
    encoding: Encoding
    status_report: bool
    concat: Concat | None
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Deliver:
    sender: str  # "+591...", national digits, or alphanumeric ("Entel")
    text: str
    # Aware, in the zone the service centre wrote (UTC if that zone was garbage). None when the
    # time stamp was unreadable: the caller uses the time the message arrived.
    timestamp: datetime | None
    encoding: Encoding
    concat: Concat | None
    smsc: str  # "" when the PDU had none or named none
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class StatusReport:
    reference: int  # TP-MR of the message, as +CMGS returned it
    recipient: str
    status: int | None  # TP-ST; None when the report was cut off before it
    delivered: bool
    final: bool  # False while the service centre is still trying (TP-ST 0x20-0x3F) or status unknown
    sent_at: datetime | None  # None when missing or unreadable
    done_at: datetime | None
    notes: tuple[Note, ...] = ()


# First octet (TS 23.040 9.2.3): message type indicator and flags.
MTI_DELIVER = 0x00
MTI_SUBMIT = 0x01
MTI_STATUS_REPORT = 0x02
_MTI_NAMES = {MTI_DELIVER: "SMS-DELIVER", MTI_SUBMIT: "SMS-SUBMIT", MTI_STATUS_REPORT: "SMS-STATUS-REPORT"}
_MMS_NO_MORE = 0x04  # deliver / status report: no more messages waiting (what single messages carry)
_VPF_RELATIVE = 0x10
_SRR = 0x20  # submit: status report requested
_UDHI = 0x40  # user data begins with a header

# Type of address (TS 23.040 9.1.2.5): bit 7 set, type of number in bits 6-4, numbering plan in 3-0.
TOA_INTERNATIONAL = 0x91
TOA_UNKNOWN = 0x81
TOA_ALPHANUMERIC = 0xD0
_TON_INTERNATIONAL = 1
_TON_ALPHANUMERIC = 5

_DCS = {Encoding.GSM7: 0x00, Encoding.SPANISH_SHIFT: 0x00, Encoding.UCS2: 0x08}
_IE_CONCAT_8 = 0x00
_IE_CONCAT_16 = 0x08
_IE_SINGLE_SHIFT = 0x24
_LANGUAGE_SPANISH = 0x02

_MAX_USER_DATA = 140  # octets in one SMS
_MAX_SEPTETS = 160
_BCD = "0123456789*#abc"  # semi-octet values 0-14; 15 (F) pads an odd number of digits

# What decoding tells an office clerk, in the order a PDU is read. Parameters beyond the ones a
# sentence uses keep the technical detail for whoever looks at the raw PDU later.
_ODD_DIGIT = gettext_noop("The message data had one hex digit too many at the end (%(digit)s); it was left out.")
_LENGTH_DISAGREES = gettext_noop(
    "The modem gave a length of %(listed)d for this message, but it has %(octets)d; it was read the usual way."
)
_STAMP_UNREADABLE = gettext_noop(
    "The message's time stamp was unreadable (%(stamp)s); the time it arrived is used instead."
)
_ZONE_UNREADABLE = gettext_noop("A time zone in the message was unreadable (%(zone)s); UTC was assumed.")
_OVER_MAXIMUM = gettext_noop(
    "The message gives its text a length of %(length)d, over the maximum of %(maximum)d; what arrived is shown."
)
_CUT_SHORT = gettext_noop(
    "The message arrived incomplete (bytes missing from its text: %(missing)d); what arrived is shown."
)
_HEADER_DOES_NOT_FIT = gettext_noop(
    "The message's header is longer than the message itself; the whole message is shown as text."
)
_HEADER_DAMAGED = gettext_noop(
    "The message's header is damaged and was ignored; if the message has several parts, they may not be joined."
)
_COMPRESSED = gettext_noop("The message is compressed, which this system cannot read; its text is not shown.")
_HALF_CHARACTER = gettext_noop("Half a character at the end of the text was left out.")
_EXTRA_OCTETS = gettext_noop("The message had extra data at the end (bytes: %(count)d); it was ignored.")
_SENT_MISSING = gettext_noop("The delivery report does not say when the message was sent.")
_SENT_UNREADABLE = gettext_noop("The time the delivery report gives for sending was unreadable (%(stamp)s).")
_DONE_MISSING = gettext_noop("The delivery report does not say when the message was delivered or failed.")
_DONE_UNREADABLE = gettext_noop(
    "The time the delivery report gives for delivery or failure was unreadable (%(stamp)s)."
)
_STATUS_MISSING = gettext_noop(
    "The delivery report does not give the outcome; the message is treated as still pending."
)
_REPORT_JUNK = gettext_noop("The end of the delivery report was not understood and was ignored (bytes: %(count)d).")


# --- Hex and octets ---------------------------------------------------------------------------


class _Reader:
    """Walks the octets of a PDU and collects the notes on it; running off the end of a field
    that must be there raises PduError naming it."""

    def __init__(self, data: bytes, notes: list[Note]) -> None:
        self.data = data
        self.pos = 0
        self.notes = notes

    def take(self, count: int, what: str) -> bytes:
        if self.pos + count > len(self.data):
            raise PduError(
                f"PDU truncated: {what} needs {count} octet(s) at offset {self.pos}, {len(self.data)} in all"
            )
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def octet(self, what: str) -> int:
        return self.take(1, what)[0]

    def take_up_to(self, count: int) -> bytes:
        """What there is of `count` octets: for fields whose length the PDU itself may overstate."""
        chunk = self.data[self.pos : self.pos + count]
        self.pos += len(chunk)
        return chunk

    def note(self, text: str, **params: int | str) -> None:
        self.notes.append(Note(text, params))

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos


_HEX = re.compile(r"[0-9A-Fa-f]*")


def _octets(hex: str, notes: list[Note]) -> bytes:
    if not isinstance(hex, str):
        raise PduError(f"a PDU is a hex string, not {type(hex).__name__}")
    # Modems end lines with CR LF, people paste with spaces and tabs, some listings leave a quote.
    digits = "".join(hex.split()).strip("\"'")
    if not digits:
        raise PduError("empty PDU")
    if not _HEX.fullmatch(digits):
        raise PduError(f"PDU is not hexadecimal: {digits[:40]!r}")
    if len(digits) % 2:
        notes.append(Note(_ODD_DIGIT, {"digit": digits[-1], "digits": len(digits)}))
        digits = digits[:-1]
    return bytes.fromhex(digits)


def _start(hex: str, listed_length: int | None) -> tuple[_Reader, str, int]:
    """Reads the SMSC part (when there is one) and the first octet, with which every PDU begins."""
    notes: list[Note] = []
    reader = _Reader(_octets(hex, notes), notes)
    smsc = "" if _lacks_smsc(reader, listed_length) else _read_smsc(reader)
    return reader, smsc, reader.octet("first octet")


def _lacks_smsc(reader: _Reader, listed_length: int | None) -> bool:
    """Whether the listing's <length> (octets of the TPDU) covers the whole PDU: some modems leave
    the SMSC part out of +CMGL, +CMGR and +CMT although TS 27.005 says it is there."""
    if listed_length is None or not reader.data:
        return False
    if listed_length == len(reader.data):
        return True
    with_smsc = len(reader.data) - 1 - reader.data[0]
    if listed_length != with_smsc:
        reader.note(_LENGTH_DISAGREES, listed=listed_length, octets=with_smsc)
    return False


def _expect(first: int, mti: int) -> None:
    if first & 0x03 != mti:
        got = _MTI_NAMES.get(first & 0x03, "a reserved message type")
        raise PduError(f"expected an {_MTI_NAMES[mti]} PDU, got {got} (first octet 0x{first:02X})")


def _check_octet(value: int, what: str) -> int:
    if not 0 <= value <= 0xFF:
        raise PduError(f"{what} must be 0-255, not {value}")
    return value


def tpdu_length(hex: str) -> int:
    """Octets after the SMSC part: the length AT+CMGS and +CMGL/+CMT talk about."""
    data = _octets(hex, [])
    smsc_length = data[0]
    if 1 + smsc_length > len(data):
        raise PduError(f"PDU truncated: SMSC part of {smsc_length} octets, {len(data) - 1} left")
    return len(data) - 1 - smsc_length


# --- Addresses ----------------------------------------------------------------------------------


def _encode_digits(digits: str) -> bytes:
    """Semi-octets, first digit in the low nibble, an odd count padded with F."""
    nibbles = [_BCD.index(digit) for digit in digits]
    if len(nibbles) % 2:
        nibbles.append(0xF)
    return bytes(low | high << 4 for low, high in zip(nibbles[::2], nibbles[1::2], strict=True))


def _decode_digits(data: bytes, count: int | None = None) -> str:
    nibbles = [nibble for octet in data for nibble in (octet & 0x0F, octet >> 4)]
    if count is not None:
        nibbles = nibbles[:count]
    return "".join(_BCD[nibble] for nibble in nibbles if nibble != 0xF)


_NUMBER = re.compile(r"\+?[0-9*#]{1,20}")


def _is_number(address: str) -> bool:
    return bool(_NUMBER.fullmatch(address))


def _number_toa(number: str) -> tuple[int, str]:
    if not _is_number(number):
        raise PduError(f"not a phone number: {number!r} (expected digits, optionally with a leading +)")
    if number.startswith("+"):
        return TOA_INTERNATIONAL, number[1:]
    return TOA_UNKNOWN, number


def _encode_address(address: str) -> bytes:
    """TP-DA / TP-OA / TP-RA: length in semi-octets, type of address, value."""
    if _is_number(address):
        toa, digits = _number_toa(address)
        return bytes([len(digits), toa]) + _encode_digits(digits)
    # An alphanumeric sender ("Entel") is GSM-7 packed; the length counts the semi-octets used.
    septets = [septet for char in address for septet in (charset.GSM7.septets(char) or ())]
    if not address or len(septets) > 11 or not charset.GSM7.fits(address):
        raise PduError(f"not a phone number nor an alphanumeric sender of up to 11 GSM characters: {address!r}")
    return bytes([math.ceil(len(septets) * 7 / 4), TOA_ALPHANUMERIC]) + _pack(septets)


def _read_address(reader: _Reader, what: str) -> str:
    length = reader.octet(f"{what} length")  # semi-octets
    toa = reader.octet(f"{what} type")
    value = reader.take((length + 1) // 2, what)
    ton = (toa >> 4) & 0x07
    if ton == _TON_ALPHANUMERIC:
        return charset.GSM7.decode(_unpack(value, 0, length * 4 // 7))
    digits = _decode_digits(value, length)
    return "+" + digits if ton == _TON_INTERNATIONAL and digits else digits


def _encode_smsc(smsc: str | None) -> bytes:
    """The SMSC part: its length counts octets (type included); 00 = the SIM's SMSC."""
    if not smsc:
        return b"\x00"
    toa, digits = _number_toa(smsc)
    value = bytes([toa]) + _encode_digits(digits)
    return bytes([len(value)]) + value


def _read_smsc(reader: _Reader) -> str:
    length = reader.octet("SMSC length")
    if length == 0:
        return ""
    value = reader.take(length, "SMSC address")
    digits = _decode_digits(value[1:])
    return "+" + digits if (value[0] >> 4) & 0x07 == _TON_INTERNATIONAL and digits else digits


# --- Time -------------------------------------------------------------------------------------


def _swapped(value: int) -> int:
    """0-99 as two swapped BCD semi-octets: 29 -> 0x92."""
    return (value % 10) << 4 | value // 10


def _unswapped(octet: int) -> int:
    """0x92 -> 29; ValueError when a semi-octet is not a decimal digit."""
    tens, units = octet & 0x0F, octet >> 4
    if tens > 9 or units > 9:
        raise ValueError(f"not decimal: 0x{octet:02X}")
    return tens * 10 + units


def _encode_timestamp(moment: datetime) -> bytes:
    """TP-SCTS / TP-DT: YY MM DD hh mm ss and the zone in quarter hours, all swapped BCD."""
    offset = moment.utcoffset()
    if offset is None:
        raise PduError(f"timestamp needs a time zone: {moment!r}")
    if not 1990 <= moment.year <= 2089:
        raise PduError(f"timestamp year {moment.year} does not fit two digits (1990-2089)")
    quarters = round(offset / timedelta(minutes=15))
    if abs(quarters) > 79:
        raise PduError(f"time zone offset {offset} is out of range")
    fields = (moment.year % 100, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    zone = _swapped(abs(quarters)) | (0x08 if quarters < 0 else 0)  # the sign is bit 3
    return bytes(_swapped(field) for field in fields) + bytes([zone])


def _read_timestamp(reader: _Reader, what: str, unreadable: str) -> datetime | None:
    """TP-SCTS / TP-DT. A date that is not one gives None and the `unreadable` note: whoever asked
    has a better time at hand (when the message arrived)."""
    raw = reader.take(7, what)
    try:
        year, month, day, hour, minute, second = (_unswapped(octet) for octet in raw[:6])
        # Two-digit years: SMS began in the 1990s, so 90-99 is 1990s and the rest this century.
        year += 1900 if year >= 90 else 2000
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        reader.note(unreadable, stamp=raw.hex().upper())
        return None
    return moment.replace(tzinfo=_zone(raw[6], reader))


def _zone(octet: int, reader: _Reader) -> timezone:
    """Quarter hours as swapped BCD, the sign in bit 3. Some networks send garbage here (0xFF, a
    units digit of 0xC); the local time is still right, so only the zone becomes a guess: UTC."""
    try:
        quarters = _unswapped(octet & 0xF7)
    except ValueError:
        reader.note(_ZONE_UNREADABLE, zone=f"{octet:02X}")
        return UTC
    return timezone(timedelta(minutes=15 * (-quarters if octet & 0x08 else quarters)))


def _relative_validity(hours: int) -> int:
    """TP-VP relative format (TS 23.040 9.2.3.12.1), rounded up to the next value it can say."""
    if hours < 0:
        raise PduError(f"validity must not be negative: {hours} hours")
    minutes = hours * 60
    if minutes <= 12 * 60:
        return max(math.ceil(minutes / 5) - 1, 0)  # 0-143: (VP + 1) x 5 minutes
    if minutes <= 24 * 60:
        return 143 + math.ceil((minutes - 12 * 60) / 30)  # 144-167: 12 hours + (VP - 143) x 30 minutes
    if hours <= 30 * 24:
        return 166 + math.ceil(hours / 24)  # 168-196: (VP - 166) days
    return min(192 + math.ceil(hours / (7 * 24)), 255)  # 197-255: (VP - 192) weeks


# --- Septets ------------------------------------------------------------------------------------


def _pack(septets: Sequence[int], fill_bits: int = 0) -> bytes:
    """TS 23.038 6.1.2.1.1: septets one after the other from the low bit up, after `fill_bits` zeros."""
    bits = 0
    for index, septet in enumerate(septets):
        bits |= septet << (fill_bits + 7 * index)
    return bits.to_bytes(math.ceil((fill_bits + 7 * len(septets)) / 8), "little")


def _unpack(data: bytes, fill_bits: int, count: int) -> list[int]:
    bits = int.from_bytes(data, "little") >> fill_bits
    return [(bits >> (7 * index)) & 0x7F for index in range(count)]


def _header_septets(header_length: int) -> int:
    """Septets a UDH of `header_length` octets (its length octet included) takes, fill bits too."""
    return math.ceil(header_length * 8 / 7)


# --- Choosing an encoding and splitting into parts ------------------------------------------------


def _spanish_mode(spanish: SpanishMode | str) -> SpanishMode:
    try:
        return SpanishMode(spanish)
    except ValueError:
        raise PduError(f"unknown Spanish mode {spanish!r}") from None


def _choose(text: str, spanish: SpanishMode) -> tuple[str, Encoding]:
    """The text to send and its encoding: GSM-7 whenever it fits, whatever the Spanish mode."""
    if charset.GSM7.fits(text):
        return text, Encoding.GSM7
    if spanish is SpanishMode.SPANISH_SHIFT and charset.SPANISH_SHIFT.fits(text):
        return text, Encoding.SPANISH_SHIFT
    if spanish is SpanishMode.TRANSLITERATE:
        plain = charset.transliterate(text)
        if charset.GSM7.fits(plain):
            return plain, Encoding.GSM7
    # Paying for UCS-2 anyway, so the original text goes, accents and all.
    return text, Encoding.UCS2


def _utf16(char: str) -> tuple[int, ...]:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        raise PduError(f"text has a lone UTF-16 surrogate U+{code:04X}")
    if code < 0x10000:
        return (code,)
    code -= 0x10000  # outside the BMP (emoji): a surrogate pair, two units
    return (0xD800 | code >> 10, 0xDC00 | code & 0x3FF)


def _units(text: str, encoding: Encoding) -> list[tuple[int, ...]]:
    """Per character, the units it takes on the air: septets, or UTF-16 code units."""
    if encoding is Encoding.UCS2:
        return [_utf16(char) for char in text]
    alphabet = charset.SPANISH_SHIFT if encoding is Encoding.SPANISH_SHIFT else charset.GSM7
    return alphabet.units(text)


def _header(encoding: Encoding, concat: Concat | None) -> bytes:
    """The user data header, its length octet first, or b"" when the part needs none."""
    elements = b""
    if concat:
        elements += bytes([_IE_CONCAT_8, 3, concat.reference, concat.total, concat.sequence])
    if encoding is Encoding.SPANISH_SHIFT:
        # Every part says which single shift table its escapes use; the locking shift stays default.
        elements += bytes([_IE_SINGLE_SHIFT, 1, _LANGUAGE_SPANISH])
    return bytes([len(elements)]) + elements if elements else b""


@functools.lru_cache(maxsize=8)
def _capacity(encoding: Encoding, multipart: bool) -> int:
    """Units in one part: 160 / 153, 155 / 149 with the shift IE, 70 / 67 for UCS-2."""
    header = len(_header(encoding, Concat(0, 2, 1) if multipart else None))
    if encoding is Encoding.UCS2:
        return (_MAX_USER_DATA - header) // 2
    return _MAX_SEPTETS - _header_septets(header)


def _split(units: list[tuple[int, ...]], encoding: Encoding) -> list[list[int]]:
    """Parts that fit, never splitting one character's units (escape pair, surrogate pair)."""
    if sum(map(len, units)) <= _capacity(encoding, multipart=False):
        return [[unit for char in units for unit in char]]
    capacity = _capacity(encoding, multipart=True)
    parts: list[list[int]] = [[]]
    for char in units:
        if len(parts[-1]) + len(char) > capacity:
            parts.append([])
        parts[-1].extend(char)
    return parts


def _layout(text: str, spanish: SpanishMode | str) -> tuple[Plan, list[list[int]]]:
    chosen, encoding = _choose(text, _spanish_mode(spanish))
    parts = _split(_units(chosen, encoding), encoding)
    units = sum(map(len, parts))
    return Plan(chosen, encoding, units, len(parts), _capacity(encoding, multipart=len(parts) > 1)), parts


def plan(text: str, spanish: SpanishMode = SpanishMode.UCS2) -> Plan:
    """What sending `text` costs with this Spanish mode (also the template editor's counter)."""
    if charset.DEFAULT_CHARS.issuperset(text):
        # Plain GSM-7, one septet per character: parts are a division (a load plans 100 000).
        single = _capacity(Encoding.GSM7, multipart=False)
        if len(text) <= single:
            return Plan(text, Encoding.GSM7, len(text), 1, single)
        multi = _capacity(Encoding.GSM7, multipart=True)
        return Plan(text, Encoding.GSM7, len(text), math.ceil(len(text) / multi), multi)
    chosen, encoding = _choose(text, _spanish_mode(spanish))
    if encoding is Encoding.UCS2 and max(chosen) < "\ud800":
        # Below the surrogates every character is one UTF-16 unit: a division again.
        single = _capacity(encoding, multipart=False)
        if len(chosen) <= single:
            return Plan(chosen, encoding, len(chosen), 1, single)
        multi = _capacity(encoding, multipart=True)
        return Plan(chosen, encoding, len(chosen), math.ceil(len(chosen) / multi), multi)
    units = _units(chosen, encoding)
    total = sum(map(len, units))
    single = _capacity(encoding, multipart=False)
    if total <= single:
        return Plan(chosen, encoding, total, 1, single)  # most messages: no need to split
    return Plan(chosen, encoding, total, len(_split(units, encoding)), _capacity(encoding, multipart=True))


# --- User data ----------------------------------------------------------------------------------


class _UserData(NamedTuple):
    has_header: bool
    length: int  # TP-UDL: septets for GSM-7 (header included), octets otherwise
    octets: bytes


def _user_data(text: str, spanish: SpanishMode | str, concat_reference: int) -> tuple[Encoding, list[_UserData]]:
    _check_octet(concat_reference, "concat_reference")
    layout, parts = _layout(text, spanish)
    if len(parts) > 255:
        raise PduError(f"text needs {len(parts)} parts; a concatenated SMS has at most 255")
    user_data = []
    for sequence, units in enumerate(parts, start=1):
        concat = Concat(concat_reference, len(parts), sequence) if len(parts) > 1 else None
        user_data.append(_pack_user_data(units, layout.encoding, _header(layout.encoding, concat)))
    return layout.encoding, user_data


def _pack_user_data(units: list[int], encoding: Encoding, header: bytes) -> _UserData:
    if encoding is Encoding.UCS2:
        octets = header + b"".join(unit.to_bytes(2, "big") for unit in units)
        return _UserData(bool(header), len(octets), octets)
    header_septets = _header_septets(len(header))
    # Fill bits after the header, so that phones without UDH support still see septets aligned.
    fill_bits = header_septets * 7 - len(header) * 8
    return _UserData(bool(header), header_septets + len(units), header + _pack(units, fill_bits))


class _Header(NamedTuple):
    concat: Concat | None
    language: int  # national language single shift table (0: none)


_NO_HEADER = _Header(None, 0)


def _concat(reference: int, total: int, sequence: int) -> Concat | None:
    # TS 23.040 9.2.3.24.1: a zero total, or a sequence outside 1..total, means ignore the element.
    if total == 0 or not 1 <= sequence <= total:
        return None
    return Concat(reference, total, sequence)


def _parse_header(header: bytes, reader: _Reader) -> _Header:
    concat, language, pos = None, 0, 0
    while pos < len(header):
        if pos + 2 > len(header) or pos + 2 + header[pos + 1] > len(header):
            # An element cut off by the header's end: what came before it is no safer.
            reader.note(_HEADER_DAMAGED, header=header.hex().upper(), offset=pos)
            return _NO_HEADER
        element, length = header[pos], header[pos + 1]
        value = header[pos + 2 : pos + 2 + length]
        pos += 2 + length
        if element == _IE_CONCAT_8 and length == 3:
            concat = _concat(value[0], value[1], value[2])
        elif element == _IE_CONCAT_16 and length == 4:
            concat = _concat(value[0] << 8 | value[1], value[2], value[3])
        elif element == _IE_SINGLE_SHIFT and length == 1:
            language = value[0]
        # Anything else (ports, formatting, locking shift of languages we lack) is skipped.
    return _Header(concat, language)


def _split_header(data: bytes, septets: int | None, has_header: bool, reader: _Reader) -> tuple[int, _Header]:
    """The header's length (its length octet included) and what it says. A header that cannot be
    where it says it is (longer than the user data, or than the `septets` TP-UDL counts) is not
    trusted: the whole user data is read as text."""
    if not has_header or not data:
        return 0, _NO_HEADER
    length = data[0] + 1
    if length > len(data) or (septets is not None and _header_septets(length) > septets):
        reader.note(_HEADER_DOES_NOT_FIT, header=data[:length].hex().upper(), length=length)
        return 0, _NO_HEADER
    return length, _parse_header(data[1:length], reader)


def _is_compressed(dcs: int) -> bool:
    return dcs < 0x80 and bool(dcs & 0x20)  # groups 00xx and 01xx, bit 5 (TS 23.038 4)


def _alphabet(dcs: int) -> Encoding:
    """The alphabet a data coding scheme names (TS 23.038 4); class and indication bits don't matter here."""
    group = dcs >> 4
    if group < 0x8:  # 00xx and 01xx (marked for deletion): general data coding
        return (Encoding.GSM7, Encoding.EIGHT_BIT, Encoding.UCS2, Encoding.GSM7)[dcs >> 2 & 0x03]
    if group == 0xE:  # message waiting indication, stored, UCS-2
        return Encoding.UCS2
    if group == 0xF:  # data coding / message class
        return Encoding.EIGHT_BIT if dcs & 0x04 else Encoding.GSM7
    # 1100 and 1101: message waiting indication in GSM-7; 1000-1011 are reserved, read as GSM-7 by the spec.
    return Encoding.GSM7


def _counts_septets(dcs: int) -> bool:
    """Whether TP-UDL counts septets (GSM-7) rather than octets (8-bit, UCS-2, anything compressed)."""
    return _alphabet(dcs) is Encoding.GSM7 and not _is_compressed(dcs)


def _user_data_octets(length: int, dcs: int) -> int:
    return math.ceil(length * 7 / 8) if _counts_septets(dcs) else length


def _read_user_data(reader: _Reader, dcs: int, has_header: bool) -> tuple[str, Encoding, Concat | None]:
    """TP-UDL and TP-UD. A length octet that overstates what is there costs the rest of the text,
    not the message: what arrived is decoded, with a note."""
    length = reader.octet("user data length")
    septets = _counts_septets(dcs)
    limit = _MAX_SEPTETS if septets else _MAX_USER_DATA
    if length > limit:
        reader.note(_OVER_MAXIMUM, length=length, maximum=limit)
    needed = _user_data_octets(length, dcs)
    data = reader.take_up_to(needed)
    if len(data) < needed:
        reader.note(_CUT_SHORT, missing=needed - len(data), length=length, octets=len(data))
    header_length, header = _split_header(data, length if septets else None, has_header, reader)
    if _is_compressed(dcs):
        reader.note(_COMPRESSED, dcs=f"{dcs:02X}", data=data[header_length:].hex().upper())
        return "", Encoding.EIGHT_BIT, header.concat
    text, encoding = _decode_text(data, header_length, length, _alphabet(dcs), header.language, reader)
    return text, encoding, header.concat


def _decode_text(
    data: bytes, header_length: int, length: int, alphabet: Encoding, language: int, reader: _Reader
) -> tuple[str, Encoding]:
    body = data[header_length:]
    if alphabet is Encoding.UCS2:
        if len(body) % 2:
            reader.note(_HALF_CHARACTER, octet=f"{body[-1]:02X}")
            body = body[:-1]
        # "replace": a sender that split a surrogate pair across parts must not cost us the message.
        return body.decode("utf-16-be", "replace"), alphabet
    if alphabet is Encoding.EIGHT_BIT:
        return body.decode("latin-1"), alphabet  # binary data: text.encode("latin-1") gives the octets back
    header_septets = _header_septets(header_length)
    fill_bits = header_septets * 7 - header_length * 8
    # TP-UDL's count, or as many septets as arrived when it overstates them.
    count = max(min(length - header_septets, (len(body) * 8 - fill_bits) // 7), 0)
    septets = _unpack(body, fill_bits, count)
    if language == _LANGUAGE_SPANISH:
        return charset.SPANISH_SHIFT.decode(septets), Encoding.SPANISH_SHIFT
    # Single shift tables of other languages (Turkish, Portuguese...): the spec's fallback is the default one.
    return charset.GSM7.decode(septets), Encoding.GSM7


# --- The messages ---------------------------------------------------------------------------------


def _encode_number(number: str) -> bytes:
    toa, digits = _number_toa(number)
    return bytes([len(digits), toa]) + _encode_digits(digits)


def encode_submit(
    number: str,
    text: str,
    *,
    spanish: SpanishMode = SpanishMode.UCS2,
    concat_reference: int = 0,
    status_report: bool = True,
    smsc: str | None = None,
    validity_hours: int | None = 24,
) -> list[SubmitPdu]:
    """SMS-SUBMIT PDUs for AT+CMGS, one per part."""
    destination = _encode_number(number)
    validity = b"" if validity_hours is None else bytes([_relative_validity(validity_hours)])
    encoding, parts = _user_data(text, spanish, concat_reference)
    first = MTI_SUBMIT | (_VPF_RELATIVE if validity else 0) | (_SRR if status_report else 0)
    smsc_part = _encode_smsc(smsc)
    pdus = []
    for sequence, part in enumerate(parts, start=1):
        # TP-MR 0: the modem puts in its own reference and tells us in +CMGS: <mr>.
        tpdu = bytes([first | (_UDHI if part.has_header else 0), 0x00]) + destination
        tpdu += bytes([0x00, _DCS[encoding]]) + validity + bytes([part.length]) + part.octets
        pdus.append(SubmitPdu((smsc_part + tpdu).hex().upper(), len(tpdu), sequence, len(parts)))
    return pdus


def encode_deliver(
    sender: str,
    text: str,
    *,
    timestamp: datetime,
    concat_reference: int = 0,
    spanish: SpanishMode = SpanishMode.UCS2,
    smsc: str = "+59170000000",
) -> list[str]:
    """SMS-DELIVER PDUs as a modem lists them, one per part: what the simulator injects."""
    origin = _encode_address(sender)
    stamp = _encode_timestamp(timestamp)
    encoding, parts = _user_data(text, spanish, concat_reference)
    smsc_part = _encode_smsc(smsc)
    pdus = []
    for part in parts:
        first = MTI_DELIVER | _MMS_NO_MORE | (_UDHI if part.has_header else 0)
        tpdu = bytes([first]) + origin + bytes([0x00, _DCS[encoding]]) + stamp + bytes([part.length]) + part.octets
        pdus.append((smsc_part + tpdu).hex().upper())
    return pdus


def encode_status_report(
    reference: int,
    recipient: str,
    status: int,
    *,
    sent_at: datetime,
    done_at: datetime,
    smsc: str = "+59170000000",
) -> str:
    """An SMS-STATUS-REPORT PDU as +CDS carries it: the simulator's delivery receipts."""
    tpdu = bytes([MTI_STATUS_REPORT | _MMS_NO_MORE, _check_octet(reference, "reference")])
    tpdu += _encode_number(recipient) + _encode_timestamp(sent_at) + _encode_timestamp(done_at)
    tpdu += bytes([_check_octet(status, "status")])
    return (_encode_smsc(smsc) + tpdu).hex().upper()


# Octets of TP-VP for each TP-VPF: none, enhanced, relative, absolute.
_VALIDITY_LENGTH = (0, 7, 1, 7)


def _submit(reader: _Reader, first: int) -> Submit:
    reader.octet("message reference")
    number = _read_address(reader, "destination address")
    reader.octet("protocol identifier")
    dcs = reader.octet("data coding scheme")
    reader.take(_VALIDITY_LENGTH[first >> 3 & 0x03], "validity period")
    text, encoding, concat = _read_user_data(reader, dcs, bool(first & _UDHI))
    _ignore_rest(reader)
    return Submit(number, text, encoding, bool(first & _SRR), concat, tuple(reader.notes))


def _deliver(reader: _Reader, smsc: str, first: int) -> Deliver:
    sender = _read_address(reader, "originating address")
    reader.octet("protocol identifier")
    dcs = reader.octet("data coding scheme")
    timestamp = _read_timestamp(reader, "service centre time stamp", _STAMP_UNREADABLE)
    text, encoding, concat = _read_user_data(reader, dcs, bool(first & _UDHI))
    _ignore_rest(reader)
    return Deliver(sender, text, timestamp, encoding, concat, smsc, tuple(reader.notes))


def _ignore_rest(reader: _Reader) -> None:
    """Octets after the user data: padding (FF), leftovers of an older message in the same memory slot."""
    extra = reader.take_up_to(reader.remaining)
    if extra:
        reader.note(_EXTRA_OCTETS, count=len(extra), octets=extra.hex().upper())


def _status_report(reader: _Reader) -> StatusReport:
    # A report is no use without these two, so running out here is a PduError...
    reference = reader.octet("message reference")
    recipient = _read_address(reader, "recipient address")
    # ...but modems and networks cut the rest short: each part is read if it is there.
    sent_at = _report_time(reader, "service centre time stamp", _SENT_UNREADABLE, _SENT_MISSING)
    done_at = _report_time(reader, "discharge time", _DONE_UNREADABLE, _DONE_MISSING)
    status = reader.octet("status") if reader.remaining else None
    if status is None:
        reader.note(_STATUS_MISSING)
    _skip_parameters(reader)
    delivered = status is not None and status <= 0x02  # received, forwarded (unconfirmed), replaced
    # 0x20-0x3F: temporary error, the service centre keeps trying; unknown is not final either.
    final = status is not None and not 0x20 <= status <= 0x3F
    return StatusReport(reference, recipient, status, delivered, final, sent_at, done_at, tuple(reader.notes))


def _report_time(reader: _Reader, what: str, unreadable: str, missing: str) -> datetime | None:
    if reader.remaining < 7:
        reader.take_up_to(7)  # a piece of a time stamp is no time stamp
        reader.note(missing)
        return None
    return _read_timestamp(reader, what, unreadable)


# TP-PI (TS 23.040 9.2.3.27): which optional fields follow TP-ST in a status report.
_PI_PID = 0x01
_PI_DCS = 0x02
_PI_UDL = 0x04


def _skip_parameters(reader: _Reader) -> None:
    """TP-PI and the TP-PID, TP-DCS, TP-UDL and TP-UD it announces: nothing in them matters to
    us, but octets they do not account for (padding, junk) get a note."""
    tail = reader.take_up_to(reader.remaining)
    if not tail:
        return
    announced = _parameters_length(tail)
    if announced != len(tail):
        count = len(tail) - announced if announced < len(tail) else len(tail)
        reader.note(_REPORT_JUNK, count=count, octets=tail.hex().upper())


def _parameters_length(tail: bytes) -> int:
    """Octets the parameter indicator `tail[0]` announces, itself included."""
    indicator, pos = tail[0], 1
    dcs = 0  # an absent TP-DCS means the default alphabet (TS 23.040 9.2.3.27)
    if indicator & _PI_PID:
        pos += 1
    if indicator & _PI_DCS:
        dcs = tail[pos] if pos < len(tail) else 0
        pos += 1
    if indicator & _PI_UDL:
        length = tail[pos] if pos < len(tail) else 0
        pos += 1 + _user_data_octets(length, dcs)
    return pos


def decode_submit(hex: str, *, tpdu_length: int | None = None) -> Submit:
    """An SMS-SUBMIT as a modem lists it (sent or unsent messages in its memory).

    `tpdu_length` is the <length> of the listing line (+CMGL, +CMGR, +CMT, +CDS), which counts the
    octets after the SMSC part: when it covers the whole PDU, the modem left the SMSC part out."""
    reader, _smsc, first = _start(hex, tpdu_length)
    _expect(first, MTI_SUBMIT)
    return _submit(reader, first)


def decode_deliver(hex: str, *, tpdu_length: int | None = None) -> Deliver:
    """An SMS-DELIVER, from +CMT or the modem's memory; `tpdu_length` as in decode_submit."""
    reader, smsc, first = _start(hex, tpdu_length)
    _expect(first, MTI_DELIVER)
    return _deliver(reader, smsc, first)


def decode_status_report(hex: str, *, tpdu_length: int | None = None) -> StatusReport:
    """An SMS-STATUS-REPORT, from +CDS or the modem's memory; `tpdu_length` as in decode_submit."""
    reader, _smsc, first = _start(hex, tpdu_length)
    _expect(first, MTI_STATUS_REPORT)
    return _status_report(reader)


def decode(hex: str, *, tpdu_length: int | None = None) -> Deliver | StatusReport | Submit:
    """Any PDU a modem lists (AT+CMGL can return all three kinds), by its message type;
    `tpdu_length` as in decode_submit."""
    reader, smsc, first = _start(hex, tpdu_length)
    mti = first & 0x03
    if mti == MTI_DELIVER:
        return _deliver(reader, smsc, first)
    if mti == MTI_SUBMIT:
        return _submit(reader, first)
    if mti == MTI_STATUS_REPORT:
        return _status_report(reader)
    raise PduError(f"reserved message type in first octet 0x{first:02X}")
