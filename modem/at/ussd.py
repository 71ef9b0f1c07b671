"""USSD: reading +CUSD answers in every shape modems give them, and packing requests for Huawei sticks.

A balance query (AT+CUSD=1,"*105#",15) is answered later by `+CUSD: <m>[,<str>[,<dcs>]]` (TS 27.007
7.15). <dcs> is a Cell Broadcast data coding scheme (TS 23.038 clause 5, not the SMS one of clause
4), and <str> reaches us in whatever form the modem chose: plain text, UCS-2 hex (DCS 72, and also
under DCS 15 when AT+CSCS="UCS2"), packed GSM-7 hex (Huawei sticks in transparent mode), one hex
pair per septet (AT+CSCS="HEX"), raw GSM alphabet bytes (AT+CSCS="GSM"), or UTF-8 that the driver
read as latin-1. The DCS says what the network sent, not what the modem made of it, so the payload
has the last word: each candidate decoding must give readable text, or the next one is tried, and
in the end the payload is shown as it came rather than mangled.
"""

import math
import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, IntEnum

from modem.at import charset
from modem.at.errors import gettext_noop

CR = 0x0D


class CusdStatus(IntEnum):
    """<m> of +CUSD (TS 27.007 7.15). Modems send others too (6 on some Ai-Thinker modules)."""

    DONE = 0  # no further action required
    MORE = 1  # further action required: reply, or close with AT+CUSD=2
    ENDED = 2  # USSD terminated by the network (may still carry the answer's text)
    OTHER_CLIENT = 3  # another local client has responded
    NOT_SUPPORTED = 4  # operation not supported
    TIMEOUT = 5  # network time out


UNREADABLE = -1  # the status of an answer whose <m> we could not read

_REASONS: dict[int, str] = {
    CusdStatus.ENDED: gettext_noop("The network ended the session."),
    CusdStatus.OTHER_CLIENT: gettext_noop("Another program using the modem answered the network first."),
    CusdStatus.NOT_SUPPORTED: gettext_noop(
        "The operator does not offer this service on the line (service not supported)."
    ),
    CusdStatus.TIMEOUT: gettext_noop("The network took too long to answer. Try again in a few minutes."),
}


def status_reason(status: int) -> str | None:
    """A readable reason for a status that brings no answer (2-5); None for 0, 1 and unknown ones."""
    return _REASONS.get(status)


# --- The data coding scheme ------------------------------------------------------------------------


class Alphabet(Enum):
    GSM7 = "gsm7"
    EIGHT_BIT = "8bit"
    UCS2 = "ucs2"


@dataclass(frozen=True)
class CodingScheme:
    alphabet: Alphabet | None  # None: no DCS given, or one TS 23.038 leaves to others (WAP)
    language_prefix: bool = False  # 0001 000x: the text starts with its ISO 639 language
    compressed: bool = False  # TS 23.042 compression, which nobody implements: shown as it came
    header: bool = False  # 1001: the data starts with a user data header


def coding_scheme(dcs: int | None) -> CodingScheme:
    """What TS 23.038 clause 5 (CBS data coding scheme) says a USSD <dcs> means."""
    if dcs is None or not 0 <= dcs <= 255:
        return CodingScheme(None)
    group, low = dcs >> 4, dcs & 0x0F
    alphabet_bits = {0: Alphabet.GSM7, 1: Alphabet.EIGHT_BIT, 2: Alphabet.UCS2}.get((low >> 2) & 0b11, Alphabet.GSM7)
    if group == 0b0001 and low in (0, 1):
        return CodingScheme(Alphabet.UCS2 if low else Alphabet.GSM7, language_prefix=True)
    if group >> 2 == 0b01:  # general data coding: bit 5 compressed, bits 3-2 the alphabet
        return CodingScheme(alphabet_bits, compressed=bool(dcs & 0x20))
    if group == 0b1001:
        return CodingScheme(alphabet_bits, header=True)
    if group == 0b1111:  # data coding / message class: bit 2 says 8-bit data
        return CodingScheme(Alphabet.EIGHT_BIT if dcs & 0x04 else Alphabet.GSM7)
    if group == 0b1110:
        return CodingScheme(None)
    # 0000 languages, 0010/0011 more languages, and every reserved value: "any reserved codings
    # shall be assumed to be the GSM 7 bit default alphabet" (clause 5).
    return CodingScheme(Alphabet.GSM7)


# The values a DCS can take in real answers, to tell "text,15" from a decimal comma at the end of
# an unquoted text: languages 0-15, language-in-text 16-17, more languages 32-36, general data
# coding 64-127, with UDH 144-159, message class 240-255.
_LIKELY_DCS = frozenset([*range(0, 18), *range(32, 37), *range(64, 128), *range(144, 160), *range(240, 256)])


# --- +CUSD answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CusdAnswer:
    status: int  # see CusdStatus; UNREADABLE when <m> was missing
    payload: str | None  # <str> as the modem gave it, None when absent
    dcs: int | None
    text: str  # the payload decoded for people ("" when there was none)

    @property
    def session_open(self) -> bool:
        """The network waits for a reply (+CUSD: 1): answer it or close it with AT+CUSD=2."""
        return self.status == CusdStatus.MORE

    @property
    def refused(self) -> bool:
        """+CUSD: 4: the request was not accepted in this form (or the service does not exist)."""
        return self.status == CusdStatus.NOT_SUPPORTED


_STATUS = re.compile(r"\s*(?:\+CUSD:)?\s*(\d+)\s*(?:,(.*))?", re.S | re.I)
_TAIL_DCS = re.compile(r"\s*,\s*(\d{1,3})")
_UNQUOTED = re.compile(r"(.*?)\s*,\s*(\d{1,3})\s*,?\s*", re.S)


def parse_cusd(text: str, *, packed_request: bool = False) -> CusdAnswer:
    """Read what follows "+CUSD:" (lines joined with "\\n"); never raises.

    Takes quoted and unquoted payloads, a missing DCS, spaces, a trailing comma and a missing
    closing quote. `packed_request`: the request went out as packed GSM-7 (Huawei transparent
    mode), so packed hex is the expected answer.
    """
    match = _STATUS.fullmatch(text)
    if match is None:
        stripped = text.strip()
        return CusdAnswer(UNREADABLE, stripped or None, None, stripped)
    status, payload, dcs = int(match.group(1)), *_payload_and_dcs(match.group(2))
    decoded = "" if payload is None else decode_ussd(payload, dcs, packed_request=packed_request)
    return CusdAnswer(status, payload, dcs, decoded)


def _payload_and_dcs(rest: str | None) -> tuple[str | None, int | None]:
    rest = (rest or "").strip()
    if rest.startswith('"'):
        # The last quote closes: texts may contain quotes, which modems do not escape.
        end = rest.rfind('"')
        if end == 0:  # cut off before its closing quote
            return rest[1:], None
        tail = _TAIL_DCS.match(rest, end + 1)
        return rest[1:end], int(tail.group(1)) if tail else None
    if not rest.strip(","):
        return None, None
    match = _UNQUOTED.fullmatch(rest)
    if match and int(match.group(2)) in _LIKELY_DCS:
        return match.group(1), int(match.group(2))
    return rest.rstrip(", "), None


# --- Decoding the payload ---------------------------------------------------------------------------

# What answers are made of, nearly all: a wrong guess at GSM-7 gives much else (Greek capitals, ¤ § ...).
_COMMON = frozenset(string.ascii_letters + string.digits + " \n\r.,:;!?'\"()-/*#+%=&@$_<>[]" + "áéíóúñüÑÜ¿¡äöàèìòùç")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_MIN_GUESSED_OCTETS = 7  # shorter hex ("DEADBEEF") is never guessed to be GSM-7, only taken when expected


def decode_ussd(payload: str, dcs: int | str | None, *, packed_request: bool = False) -> str:
    """The text of a +CUSD payload, whatever form the modem gave it in; never raises.

    The DCS (TS 23.038 clause 5) gives the first guess; hex of the right shape then decodes as
    UCS-2, packed GSM-7 or one septet per octet, but only if the result reads as text, so that a
    plain "1234" or "BEEF" stays what it is. Otherwise: raw GSM alphabet bytes become their
    characters, UTF-8 read as latin-1 is repaired, and anything else is returned as it came. The
    language indication of DCS 16/17 is dropped. Line breaks become "\\n"; outer blanks go.
    """
    if isinstance(dcs, str):
        dcs = int(dcs) if dcs.strip().isdigit() else None
    scheme = coding_scheme(dcs)
    text, language_found = None, False
    data = None if scheme.compressed else _hex_octets(payload)
    if data is not None and scheme.language_prefix and scheme.alphabet is Alphabet.UCS2:
        data, language_found = _without_packed_language(data)
    if data is not None:
        decimal = "".join(payload.split()).isdigit()
        text = _from_hex(data, scheme, packed_request=packed_request, decimal=decimal)
    if text is None:
        text = _from_characters(payload)
    if scheme.language_prefix and not language_found:
        text = _LANGUAGE_IN_TEXT.sub("", text, count=1)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _hex_octets(payload: str) -> bytes | None:
    # Whitespace goes: terminals and forum posts wrap long hex strings.
    compact = "".join(payload.split())
    if len(compact) < 2 or len(compact) % 2 or not _HEX.fullmatch(compact):
        return None
    return bytes.fromhex(compact)


Candidate = tuple[Callable[[bytes], str | None], Callable[[str], bool]]


def _from_hex(data: bytes, scheme: CodingScheme, *, packed_request: bool, decimal: bool) -> str | None:
    skip = 0
    if scheme.header and data:
        header = 1 + data[0]
        if scheme.alphabet in (Alphabet.UCS2, Alphabet.EIGHT_BIT):
            data = data[header:]
        else:
            skip = math.ceil(header * 8 / 7)  # septets the header and its fill bits take
    candidates: list[Candidate]
    if scheme.alphabet is Alphabet.UCS2:
        candidates = [(lambda d: _ucs2(d, truncated_ok=True), _reads_as_ucs2_or_long)]
    elif scheme.alphabet is Alphabet.EIGHT_BIT:
        candidates = [(_octets, _is_text), (_ucs2, _reads_as_ucs2)]
    else:
        packed = (lambda d: _packed(d, skip), _reads_as_words)
        candidates = [(_ucs2, _reads_as_widened_gsm7 if decimal else _reads_as_ucs2)]
        if packed_request:
            candidates.insert(0, (lambda d: _packed(d, skip), _is_text))
        # Only digits: a phone number or an amount, far likelier than GSM-7 hex without a letter.
        elif not decimal and len(data) >= _MIN_GUESSED_OCTETS:
            candidates += [packed, (_septets, _reads_as_words)]
    for decode, plausible in candidates:
        text = decode(data)
        if text is not None and plausible(text):
            return text
    return None


def _ucs2(data: bytes, *, truncated_ok: bool = False) -> str | None:
    if len(data) % 2:
        if not truncated_ok:
            return None
        data = data[:-1]  # a modem's buffer cut the last character short
    if len(data) < (2 if truncated_ok else 4):
        return None
    try:
        return data.decode("utf-16-be")  # UCS-2, plus the surrogate pairs some networks send
    except UnicodeDecodeError:
        return None


def _packed(data: bytes, skip_septets: int = 0) -> str:
    septets = _unpack(data)
    # TS 23.038 6.1.2.3.1: with 7 spare bits at the end, a CR fills them (zeros on sloppy
    # packers, which receivers would read as "@").
    if len(data) % 7 == 0 and septets and septets[-1] in (CR, 0x00):
        septets.pop()
    return charset.GSM7.decode(septets[skip_septets:])


def _septets(data: bytes) -> str | None:
    """AT+CSCS="HEX": one hex pair per GSM-7 character (TS 27.007 7.15)."""
    if any(octet > 0x7F for octet in data):
        return None
    return charset.GSM7.decode(data)


def _octets(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _without_packed_language(data: bytes) -> tuple[bytes, bool]:
    """DCS 17: two packed GSM-7 letters (ISO 639) padded to 2 octets, then UCS-2 (clause 5)."""
    if len(data) >= 4 and all(chr(septet).isascii() and chr(septet).isalpha() for septet in _unpack(data[:2])):
        return data[2:], True
    return data, False


# DCS 16 (or 17 with the letters already turned into characters): "es" then CR (clause 5) or, when
# a modem dropped the CR, lower case straight into a capital: "esSu saldo". "SALDO" stays whole.
_LANGUAGE_IN_TEXT = re.compile(r"\A(?:[A-Za-z]{2}[\r\n]+|[a-z]{2}(?=[A-Z]))")


def _unpack(data: bytes) -> list[int]:
    """TS 23.038 6.1.2.1.1: septets one after the other from the low bit up."""
    bits = int.from_bytes(data, "little")
    return [(bits >> (7 * index)) & 0x7F for index in range(len(data) * 8 // 7)]


def _pack(septets: list[int]) -> bytes:
    bits = 0
    for index, septet in enumerate(septets):
        bits |= septet << (7 * index)
    return bits.to_bytes(math.ceil(7 * len(septets) / 8), "little")


# --- Does it read as text? ----------------------------------------------------------------------------

_LETTER_RUN = re.compile(r"[^\W\d_]{2,}")
_NOT_TEXT = frozenset(["Cc", "Cs", "Co", "Cn"])  # controls, surrogates, private use, unassigned


def _is_text(text: str) -> bool:
    return bool(text.strip()) and not any(
        unicodedata.category(char) in _NOT_TEXT and char not in "\n\r" for char in text
    )


def _reads_as_words(text: str) -> bool:
    """For GSM-7 guesses: a wrong guess gives symbols and Greek capitals at random, not words.

    Random octets unpack into _COMMON three times in four, so the test is strict: almost nothing
    outside it, words between spaces, letters or digits in nearly every word, and each run of
    letters in one case or capitalised.
    """
    if not _is_text(text) or " " not in text.strip():
        return False
    if sum(char not in _COMMON for char in text) > len(text) // 20:
        return False
    words = text.split()
    bare = sum(not any(char.isalnum() for char in word) for word in words)  # "-", "=", "*"
    if bare > len(words) // 5 or sum(char.isalnum() or char.isspace() for char in text) < 0.75 * len(text):
        return False
    # Words are lower case, upper case or capitalised ("Saldo", "SMS"); random letters mix cases.
    runs = _LETTER_RUN.findall(text)
    return bool(runs) and sum(run.islower() or run.isupper() or run.istitle() for run in runs) >= 0.8 * len(runs)


def _reads_as_ucs2(text: str) -> bool:
    """For UCS-2 guesses against the DCS: "1234" would be U+1234 (Ethiopic). Real answers have a
    space, digit or sign from ASCII (or are GSM-7 text the modem widened), and the rest in one or
    two alphabetic scripts below U+3000 (Cyrillic and «», Arabic...). Hex taken for UCS-2 at
    random mostly lands in CJK and Hangul, which an answer mislabelled GSM-7 never is."""
    if not _is_text(text) or any(char >= "\u3000" for char in text):
        return False
    if not (any(" " <= char <= "~" for char in text) or charset.GSM7.fits(text)):
        return False
    return len({ord(char) >> 8 for char in text if char > "~"}) <= 2


def _reads_as_widened_gsm7(text: str) -> bool:
    """For UCS-2 guesses on hex made only of digits, far likelier a number: only GSM-7 text that
    a modem in AT+CSCS="UCS2" widened is taken ("0031003200330034": "1234")."""
    return _is_text(text) and charset.GSM7.fits(text)


def _reads_as_ucs2_or_long(text: str) -> bool:
    # The DCS said UCS-2: any script, ASCII or not, once it is longer than a hex-looking word.
    return _is_text(text) and (len(text) >= 4 or any(" " <= char <= "~" for char in text))


# --- Characters that are not hex ----------------------------------------------------------------------

_GSM_CONTROLS = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")
# In GSM mode ä ö ñ ü Ä Ö Ñ Ü ¿ come as { | } ~ [ \ ] ^ `: between letters they are not brackets.
_GSM_LETTER = re.compile(r"[A-Za-z][\[\\\]^{|}~]+[A-Za-z]|`[A-Z]")


def _from_characters(payload: str) -> str:
    if any(char > "\x7f" for char in payload) and all(char <= "\xff" for char in payload):
        raw = payload.encode("latin-1")
        try:
            return raw.decode("utf-8")  # UTF-8 that the driver read as latin-1
        except UnicodeDecodeError:
            pass
        # Packed septets passed as raw octets (AT+CSCS="GSM" on some sticks): half of them above
        # 0x7F, where latin-1 text has an accent here and there.
        high = sum(char > "\x7f" for char in payload)
        packed = _packed(raw)
        if len(raw) >= _MIN_GUESSED_OCTETS and high >= len(raw) / 4 and _reads_as_words(packed):
            return packed
        return payload
    if payload.isascii() and (_GSM_CONTROLS.search(payload) or _GSM_LETTER.search(payload)):
        # AT+CSCS="GSM": one octet per GSM-7 character, é = 0x05, ñ = 0x7D, ESC 0x1B + next for € [ ] ...
        return charset.GSM7.decode(payload.encode("ascii"))
    return payload


# --- Requests ---------------------------------------------------------------------------------------


def encode_ussd_request(code: str) -> str:
    """The packed GSM-7 hex of a USSD string, as Huawei sticks in transparent mode (AT^USSDMODE=1)
    want it: "*100#" -> "AA180C3602". CR padding per TS 23.038 6.1.2.3.1. ValueError for
    characters outside the GSM-7 default alphabet and its extension table."""
    septets: list[int] = []
    for char in code:
        units = charset.GSM7.septets(char)
        if units is None:
            raise ValueError(f"{char!r} has no GSM 7-bit code")
        septets.extend(units)
    if len(septets) % 8 == 7 or (len(septets) % 8 == 0 and septets and septets[-1] == CR):
        # 7 spare bits would read as "@": a CR fills them. A wanted final CR ending on an octet
        # boundary gets a second one, which the receiver reads as the same line break.
        septets.append(CR)
    return _pack(septets).hex().upper()


@dataclass(frozen=True)
class UssdRequest:
    command: str  # the AT command to write, without the final CR
    packed: bool  # pass as parse_cusd(..., packed_request=...) for the answer to this one


def ussd_requests(code: str) -> list[UssdRequest]:
    """The forms of AT+CUSD to try for `code`, in order.

    First plain text with DCS 15, as TS 27.007 and most modems want; then packed GSM-7 hex for
    Huawei sticks in transparent mode. Move to the next form when the modem answers ERROR or
    +CME ERROR, or the network's answer is `refused` (+CUSD: 4). ValueError unless the code is
    printable ASCII without quotes (digits, * and #, or a menu choice), as the command must be.
    """
    if not code or not (code.isascii() and code.isprintable()) or '"' in code:
        raise ValueError(f"not a USSD code: {code!r}")
    forms = [UssdRequest(f'AT+CUSD=1,"{code}",15', packed=False)]
    if charset.GSM7.fits(code):  # otherwise only the plain form can carry it
        forms.append(UssdRequest(f'AT+CUSD=1,"{encode_ussd_request(code)}",15', packed=True))
    return forms
