"""Stored-message listings (+CMGL, +CMGR) and direct deliveries (+CMT, +CDS), as modems really send them.

TS 27.005 gives one header shape per mode, but modems vary: PDU mode `+CMGL: <index>,<stat>,[<alpha>],<length>`
comes as `1,0,,23`, `1,0,"",23`, `1,0,23` (no alpha field), `1,0,"Mamá, casa",23` (a phonebook name with a
comma) or with vendor fields after the length; blank or junk lines sit between entries; and a modem that
something switched to text mode answers `+CMGL: 1,"REC UNREAD","+591...",,"26/12/02,10:00:00-16"` with the
text on the following line(s), even to a driver that asked for PDU mode. So each entry is read from its own
header, never by pairing lines by position, and entries whose header cannot be read are skipped (never
guessed, never deleted).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from modem.at import pdu
from modem.at.errors import gettext_noop

# <stat> in PDU mode, and its text-mode names.
REC_UNREAD, REC_READ, STO_UNSENT, STO_SENT = 0, 1, 2, 3
STAT_NAMES = {"REC UNREAD": REC_UNREAD, "REC READ": REC_READ, "STO UNSENT": STO_UNSENT, "STO SENT": STO_SENT}
UNKNOWN_STAT = -1

_HEADER = re.compile(r"^\+(CMGL|CMGR):\s*(.*)$")
_HEX_LINE = re.compile(r'^"?\s*([0-9A-Fa-f][0-9A-Fa-f\s]*)\s*"?$')
_TEXT_TIME = re.compile(r"^(\d{2})/(\d{2})/(\d{2}),(\d{2}):(\d{2}):(\d{2})(?:([+-])(\d{1,2}))?$")


@dataclass(frozen=True)
class StoredMessage:
    """One position of the modem's message memory, as listed."""

    index: int
    status: int  # REC_UNREAD, REC_READ, STO_UNSENT, STO_SENT, or UNKNOWN_STAT
    message: pdu.Deliver | pdu.StatusReport | pdu.Submit | None
    raw: str  # the PDU (or, in text mode, the header and text) exactly as listed
    error: str = ""  # why it could not be decoded (then `message` is None)
    storage: str = ""  # the memory it was read from ("SM", "ME", "SR"...), when known

    @property
    def is_sent_copy(self) -> bool:
        """A draft or a copy of a message this SIM sent: not an incoming message, never ours to delete."""
        return self.status in (STO_UNSENT, STO_SENT) or isinstance(self.message, pdu.Submit)


def split_fields(text: str) -> list[str]:
    """`1,0,"Mamá, casa",23` -> ["1", "0", '"Mamá, casa"', "23"]: commas inside quotes stay, quotes too."""
    fields, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            fields.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    fields.append("".join(current).strip())
    return fields


def unquote(field: str) -> str:
    field = field.strip()
    if len(field) >= 2 and field[0] == field[-1] == '"':
        return field[1:-1]
    return field.strip('"')


def _number(field: str) -> int | None:
    value = unquote(field)
    return int(value) if value.isdigit() else None


def _stat(field: str) -> tuple[int, bool]:
    """The status and whether it was given as text (a text-mode header)."""
    value = unquote(field).upper()
    if value.isdigit():
        return int(value), False
    return STAT_NAMES.get(" ".join(value.split()), UNKNOWN_STAT), field.strip().startswith('"') or bool(value)


@dataclass(frozen=True)
class _Header:
    index: int | None
    status: int
    text_mode: bool
    fields: list[str]  # the fields after <stat>
    line: str


def _read_header(line: str, index: int | None) -> _Header | None:
    match = _HEADER.match(line)
    if not match:
        return None
    fields = split_fields(match.group(2))
    if match.group(1) == "CMGL":
        if len(fields) < 2 or _number(fields[0]) is None:
            return None
        index, fields = _number(fields[0]), fields[1:]
    if len(fields) == 1 and _number(fields[0]) is not None:
        # "+CMGR: 24": only the length (gammu's test dump 38): the status is not said.
        return _Header(index, UNKNOWN_STAT, False, fields, line)
    if len(fields) < 2 and not (fields and fields[0]):
        return None
    status, text_mode = _stat(fields[0]) if fields[0] else (UNKNOWN_STAT, False)
    rest = fields[1:]
    # PDU mode after <stat>: [<alpha>],<length>[,vendor fields]. A quoted phone number right after
    # <stat>, a quoted time stamp anywhere, or a status given as text, means a text-mode answer.
    if (rest and _looks_like_address(rest[0])) or any(_looks_like_time(field) for field in rest):
        text_mode = True
    return _Header(index, status, text_mode, rest, line)


def _looks_like_address(field: str) -> bool:
    value = field.strip()
    return value.startswith('"') and bool(re.fullmatch(r'"\+?[0-9*#]{2,}"', value))


def _looks_like_time(field: str) -> bool:
    return bool(_TEXT_TIME.match(unquote(field))) and field.strip().startswith('"')


def _pdu_length(fields: list[str]) -> int | None:
    """<length> of a PDU-mode header: the only field, or the one after <alpha>."""
    if len(fields) == 1:
        return _number(fields[0])
    for field in fields[1:]:
        value = _number(field)
        if value is not None:
            return value
    return None


def is_text_mode_listing(lines: list[str]) -> bool:
    """Did the modem answer a listing in text mode (headers with quoted states or numbers)?"""
    return any(header.text_mode for line in lines if (header := _read_header(line, 0)) is not None)


def parse_listing(lines: list[str], *, index: int | None = None, storage: str = "") -> list[StoredMessage]:
    """The entries of a +CMGL answer (or of a +CMGR one, whose index the caller knows)."""
    entries: list[StoredMessage] = []
    header: _Header | None = None
    body: list[str] = []
    for line in [*lines, None]:
        read = _read_header(line, index) if line is not None else None
        if line is None or read is not None:
            if header is not None and header.index is not None:
                entries.append(_entry(header, body, storage))
            header, body = read, []
        elif header is not None:
            body.append(line)
        # Lines before the first header are junk (some modems print blank or status lines there).
    return entries


def _entry(header: _Header, body: list[str], storage: str) -> StoredMessage:
    if header.text_mode:
        return _text_entry(header, body, storage)
    length = _pdu_length(header.fields)
    hex_lines = [match.group(1) for line in body if (match := _HEX_LINE.match(line.strip()))]
    if not hex_lines:
        return StoredMessage(header.index, header.status, None, "", "no PDU after the header", storage)
    raw = hex_lines[0]
    if length and len("".join(raw.split())) < 2 * length:
        raw = "".join(hex_lines)  # a modem that wrapped a long PDU over several lines
    raw = "".join(raw.split())
    try:
        message = pdu.decode(raw, tpdu_length=length)
    except pdu.PduError as exc:
        return StoredMessage(header.index, header.status, None, raw, str(exc), storage)
    if header.status in (REC_UNREAD, REC_READ) and isinstance(message, pdu.Submit) and message.notes:
        message = _received_after_all(raw, length) or message
    return StoredMessage(header.index, header.status, message, raw, "", storage)


RECEIVED_AS_SUBMIT = gettext_noop(
    "The modem marked this received message as one to send; it was read as a received message."
)


def _received_after_all(raw: str, length: int | None) -> pdu.Deliver | None:
    """A received message whose PDU says SMS-SUBMIT (gammu's test dump 01, a Czech operator's
    notice): read as an SMS-DELIVER, if that reads better than the SUBMIT did."""
    try:
        data = bytearray(bytes.fromhex(raw.strip('"')))
        offset = 0 if length and len(data) == length else 1 + data[0]
        data[offset] &= 0xFC  # message type 00: SMS-DELIVER
        message = pdu.decode(data.hex(), tpdu_length=length)
    except (ValueError, IndexError, pdu.PduError):
        return None
    if not isinstance(message, pdu.Deliver) or message.notes:
        return None
    return dataclasses.replace(message, notes=(pdu.Note(RECEIVED_AS_SUBMIT, {}),))


# --- Text mode --------------------------------------------------------------------------------------


TEXT_MODE_NOTE = gettext_noop(
    "The modem gave this message in text mode: the sender's time stamp and multipart joining may be missing."
)


def _text_entry(header: _Header, body: list[str], storage: str) -> StoredMessage:
    raw = "\n".join([header.line, *body])
    fields = header.fields
    note = pdu.Note(TEXT_MODE_NOTE, {})
    # A status report: <fo>,<mr>,[<ra>],[<tora>],<scts>,<dt>,<st>
    if len(fields) >= 7 and _number(fields[0]) is not None and _number(fields[1]) is not None:
        report = text_status_report(fields)
        if report is not None:
            return StoredMessage(header.index, header.status, report, raw, "", storage)
    address = unquote(fields[0]) if fields else ""
    text = decode_text_body("\n".join(body))
    if header.status in (STO_UNSENT, STO_SENT):
        message = pdu.Submit(address, text, pdu.Encoding.GSM7, False, None, notes=(note,))
        return StoredMessage(header.index, header.status, message, raw, "", storage)
    stamp = text_time(unquote(fields[2])) if len(fields) > 2 else None
    message = pdu.Deliver(address, text, stamp, pdu.Encoding.GSM7, None, "", notes=(note,))
    return StoredMessage(header.index, header.status, message, raw, "", storage)


def text_status_report(fields: list[str]) -> pdu.StatusReport | None:
    """A text-mode report: <fo>,<mr>,[<ra>],[<tora>],<scts>,<dt>,<st> (the fields after <stat> or +CDS:)."""
    reference, recipient = _number(fields[1]), unquote(fields[2]) if len(fields) > 2 else ""
    status = _number(fields[-1])
    if reference is None or status is None:
        return None
    times = [text_time(unquote(field)) for field in fields[3:-1] if unquote(field).count("/") == 2]
    sent_at = times[0] if times else None
    done_at = times[1] if len(times) > 1 else None
    return pdu.StatusReport(reference, recipient, status, status <= 0x02, not 0x20 <= status <= 0x3F, sent_at, done_at)


def text_time(value: str) -> datetime | None:
    """ "26/12/02,10:00:00-16" (yy/MM/dd,hh:mm:ss±quarters) -> an aware datetime, or None."""
    match = _TEXT_TIME.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second = (int(group) for group in match.groups()[:6])
    quarters = int(match.group(8) or 0) * (-1 if match.group(7) == "-" else 1)
    try:
        return datetime(
            2000 + year if year < 90 else 1900 + year,
            month,
            day,
            hour,
            minute,
            second,
            tzinfo=timezone(timedelta(minutes=15 * quarters)),
        )
    except ValueError:
        return None


def decode_text_body(text: str) -> str:
    """Text-mode data as the modem gave it: UCS-2 hex (AT+CSCS="UCS2", or a UCS-2 message) is decoded."""
    compact = "".join(text.split())
    if len(compact) >= 4 and len(compact) % 4 == 0 and re.fullmatch(r"[0-9A-Fa-f]+", compact):
        try:
            decoded = bytes.fromhex(compact).decode("utf-16-be")
        except UnicodeDecodeError:
            return text
        # Only when it reads as text: "1234" or "CAFE" typed by a person stays as it is.
        readable = all(char.isprintable() or char in "\r\n" for char in decoded)
        if readable and sum(1 for char in decoded if char.isalpha() or char == " ") >= len(decoded) / 2:
            return decoded
    return text


def parse_direct(header_line: str, next_line: str | None) -> pdu.Deliver | pdu.StatusReport:
    """+CMT: / +CDS: and the line after it (the PDU, or the text in text mode). PduError if unreadable."""
    kind, _, rest = header_line.partition(":")
    fields = split_fields(rest.strip())
    if kind == "+CDS" and len(fields) >= 7:
        report = text_status_report(fields)
        if report is not None:
            return report
    if kind == "+CMT" and fields and _looks_like_address(fields[0]):
        stamp = text_time(unquote(fields[2])) if len(fields) > 2 else None
        text = decode_text_body(next_line or "")
        return pdu.Deliver(
            unquote(fields[0]), text, stamp, pdu.Encoding.GSM7, None, "", notes=(pdu.Note(TEXT_MODE_NOTE, {}),)
        )
    if next_line is None:
        raise pdu.PduError(f"no PDU after {header_line!r}")
    length = _number(fields[-1]) if fields else None
    message = pdu.decode(next_line, tpdu_length=length)
    if kind == "+CDS" and not isinstance(message, pdu.StatusReport):
        raise pdu.PduError(f"+CDS carried a {type(message).__name__}, not a status report")
    if kind == "+CMT" and not isinstance(message, pdu.Deliver):
        raise pdu.PduError(f"+CMT carried a {type(message).__name__}, not an SMS-DELIVER")
    return message
