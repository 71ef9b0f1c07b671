"""SMS PDU codec (3GPP TS 23.040 and 23.038): what goes through AT+CMGS, +CMGL, +CMT and +CDS.

Hex strings in and out, each beginning with the SMSC part as TS 27.005 PDU mode has it. Plain Python:
the AT driver, the simulated modem and the template editor's counter all use it, and it never
imports Django. Every malformed PDU raises PduError with an English reason, never IndexError.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from modem.at import charset


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


@dataclass(frozen=True)
class Deliver:
    sender: str  # "+591...", national digits, or alphanumeric ("Entel")
    text: str
    timestamp: datetime  # aware, in the zone the service centre wrote
    encoding: Encoding
    concat: Concat | None
    smsc: str


@dataclass(frozen=True)
class StatusReport:
    reference: int  # TP-MR of the message, as +CMGS returned it
    recipient: str
    status: int  # TP-ST
    delivered: bool
    final: bool  # False while the service centre is still trying (TP-ST 0x20-0x3F)
    sent_at: datetime
    done_at: datetime


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


# --- Hex and octets ---------------------------------------------------------------------------


class _Reader:
    """Walks the octets of a PDU; running off the end raises PduError naming the missing field."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

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

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos


_HEX = re.compile(r"[0-9A-Fa-f]*")


def _octets(hex: str) -> bytes:
    if not isinstance(hex, str):
        raise PduError(f"a PDU is a hex string, not {type(hex).__name__}")
    digits = "".join(hex.split())  # modems end lines with CR LF, people paste with spaces
    if not digits:
        raise PduError("empty PDU")
    if not _HEX.fullmatch(digits):
        raise PduError(f"PDU is not hexadecimal: {digits[:40]!r}")
    if len(digits) % 2:
        raise PduError(f"PDU has an odd number of hex digits ({len(digits)})")
    return bytes.fromhex(digits)


def _start(hex: str) -> tuple[_Reader, str, int]:
    """Reads the SMSC part and the first octet, with which every PDU from a modem begins."""
    reader = _Reader(_octets(hex))
    smsc = _read_smsc(reader)
    return reader, smsc, reader.octet("first octet")


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
    data = _octets(hex)
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


def _unswapped(octet: int, what: str) -> int:
    tens, units = octet & 0x0F, octet >> 4
    if tens > 9 or units > 9:
        raise PduError(f"{what} is not decimal: 0x{octet:02X}")
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


def _read_timestamp(reader: _Reader, what: str) -> datetime:
    raw = reader.take(7, what)
    year, month, day, hour, minute, second = (_unswapped(octet, what) for octet in raw[:6])
    quarters = _unswapped(raw[6] & 0xF7, f"{what} zone")
    if raw[6] & 0x08:
        quarters = -quarters
    # Two-digit years: SMS began in the 1990s, so 90-99 is 1990s and the rest this century.
    year += 1900 if year >= 90 else 2000
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone(timedelta(minutes=15 * quarters)))
    except ValueError as exc:
        raise PduError(f"{what} is not a valid date: {raw.hex().upper()} ({exc})") from exc


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


def _concat(reference: int, total: int, sequence: int) -> Concat | None:
    # TS 23.040 9.2.3.24.1: a zero total, or a sequence outside 1..total, means ignore the element.
    if total == 0 or not 1 <= sequence <= total:
        return None
    return Concat(reference, total, sequence)


def _parse_header(header: bytes) -> _Header:
    concat, language, pos = None, 0, 0
    while pos < len(header):
        if pos + 2 > len(header):
            raise PduError(f"user data header truncated at octet {pos}: {header.hex().upper()}")
        element, length = header[pos], header[pos + 1]
        value = header[pos + 2 : pos + 2 + length]
        if len(value) < length:
            raise PduError(f"user data header element 0x{element:02X} runs past the header: {header.hex().upper()}")
        pos += 2 + length
        if element == _IE_CONCAT_8 and length == 3:
            concat = _concat(value[0], value[1], value[2])
        elif element == _IE_CONCAT_16 and length == 4:
            concat = _concat(value[0] << 8 | value[1], value[2], value[3])
        elif element == _IE_SINGLE_SHIFT and length == 1:
            language = value[0]
        # Anything else (ports, formatting, locking shift of languages we lack) is skipped.
    return _Header(concat, language)


def _alphabet(dcs: int) -> Encoding:
    """The alphabet a data coding scheme names (TS 23.038 4); class and indication bits don't matter here."""
    group = dcs >> 4
    if group < 0x8:  # 00xx and 01xx (marked for deletion): general data coding
        if dcs & 0x20:
            raise PduError(f"compressed user data is not supported (data coding scheme 0x{dcs:02X})")
        return (Encoding.GSM7, Encoding.EIGHT_BIT, Encoding.UCS2, Encoding.GSM7)[dcs >> 2 & 0x03]
    if group == 0xE:  # message waiting indication, stored, UCS-2
        return Encoding.UCS2
    if group == 0xF:  # data coding / message class
        return Encoding.EIGHT_BIT if dcs & 0x04 else Encoding.GSM7
    # 1100 and 1101: message waiting indication in GSM-7; 1000-1011 are reserved, read as GSM-7 by the spec.
    return Encoding.GSM7


def _read_user_data(reader: _Reader, dcs: int, has_header: bool) -> tuple[str, Encoding, Concat | None]:
    alphabet = _alphabet(dcs)
    length = reader.octet("user data length")
    limit = _MAX_SEPTETS if alphabet is Encoding.GSM7 else _MAX_USER_DATA
    if length > limit:
        raise PduError(f"user data length {length} is over the maximum of {limit}")
    data = reader.take(math.ceil(length * 7 / 8) if alphabet is Encoding.GSM7 else length, "user data")
    if reader.remaining:
        raise PduError(f"{reader.remaining} octet(s) left after the user data: wrong length octet?")
    header_length = 0
    header = _Header(None, 0)
    if has_header:
        header_length = data[0] + 1 if data else 1
        if header_length > len(data):
            raise PduError(f"user data header of {header_length} octets in {len(data)} octets of user data")
        header = _parse_header(data[1:header_length])
    text, encoding = _decode_text(data, header_length, length, alphabet, header.language)
    return text, encoding, header.concat


def _decode_text(
    data: bytes, header_length: int, length: int, alphabet: Encoding, language: int
) -> tuple[str, Encoding]:
    body = data[header_length:]
    if alphabet is Encoding.UCS2:
        # "replace": a sender that split a surrogate pair across parts must not cost us the message.
        return body.decode("utf-16-be", "replace"), alphabet
    if alphabet is Encoding.EIGHT_BIT:
        return body.decode("latin-1"), alphabet  # binary data: text.encode("latin-1") gives the octets back
    header_septets = _header_septets(header_length)
    if length < header_septets:
        raise PduError(f"user data length {length} is shorter than its {header_septets}-septet header")
    septets = _unpack(body, header_septets * 7 - header_length * 8, length - header_septets)
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
    return Submit(number, text, encoding, bool(first & _SRR), concat)


def _deliver(reader: _Reader, smsc: str, first: int) -> Deliver:
    sender = _read_address(reader, "originating address")
    reader.octet("protocol identifier")
    dcs = reader.octet("data coding scheme")
    timestamp = _read_timestamp(reader, "service centre time stamp")
    text, encoding, concat = _read_user_data(reader, dcs, bool(first & _UDHI))
    return Deliver(sender, text, timestamp, encoding, concat, smsc)


def _status_report(reader: _Reader) -> StatusReport:
    reference = reader.octet("message reference")
    recipient = _read_address(reader, "recipient address")
    sent_at = _read_timestamp(reader, "service centre time stamp")
    done_at = _read_timestamp(reader, "discharge time")
    status = reader.octet("status")
    # Optional parameters may follow (TP-PI, PID, DCS, user data): nothing in them matters to us.
    delivered = status <= 0x02  # received, forwarded (unconfirmed), replaced
    final = not 0x20 <= status <= 0x3F  # 0x20-0x3F: temporary error, the service centre keeps trying
    return StatusReport(reference, recipient, status, delivered, final, sent_at, done_at)


def decode_submit(hex: str) -> Submit:
    reader, _smsc, first = _start(hex)
    _expect(first, MTI_SUBMIT)
    return _submit(reader, first)


def decode_deliver(hex: str) -> Deliver:
    reader, smsc, first = _start(hex)
    _expect(first, MTI_DELIVER)
    return _deliver(reader, smsc, first)


def decode_status_report(hex: str) -> StatusReport:
    reader, _smsc, first = _start(hex)
    _expect(first, MTI_STATUS_REPORT)
    return _status_report(reader)


def decode(hex: str) -> Deliver | StatusReport | Submit:
    """Any PDU a modem lists (AT+CMGL can return all three kinds), by its message type."""
    reader, smsc, first = _start(hex)
    mti = first & 0x03
    if mti == MTI_DELIVER:
        return _deliver(reader, smsc, first)
    if mti == MTI_SUBMIT:
        return _submit(reader, first)
    if mti == MTI_STATUS_REPORT:
        return _status_report(reader)
    raise PduError(f"reserved message type in first octet 0x{first:02X}")
