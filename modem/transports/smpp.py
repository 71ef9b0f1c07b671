"""An operator's or aggregator's SMPP 3.4 account as a transport. Plain Python, no Django.

PDUs are written with smpplib (`make_pdu(...).generate()`); they are read by our own small
parser (`parse_pdu`), because smpplib's raises on the TLVs real SMSCs add (vendor tags, a known
tag in a command it does not list) and drops the last character of a TLV string sent without
its terminating NUL. One socket, one reader thread: it matches answers to requests by sequence
number, answers the SMSC's enquire_link and sends ours when the line is idle, and queues every
deliver_sm without answering it. `settle()` answers them once the worker saved them, so a crash
in between leaves them unacknowledged and the SMSC delivers them again after the next bind.

Sending: GSM-7 (data_coding 0) when the text fits GSM 03.38 and the account's default alphabet,
else UCS-2 (8). Long texts are split here with an 8-bit-reference UDH (esm_class 0x40), or sent
whole in message_payload for the SMSC to split (`long_messages="payload"`: one reference). Up to
`window` submit_sm wait for their answers at once. Messages from phones come as deliver_sm (or
data_sm, from some SMSCs), their parts joined by the worker from the UDH or the sar_* TLVs.

Longer than 500 lines on purpose: the PDU reader, the texts and the receipts are shared with
the simulated SMSC (which may import this module, never the reverse), and the transport's
sending and receiving share one socket, one reader thread and one table of waiting answers.

Receipts: an SMSC may give the id in hexadecimal in submit_sm_resp and in decimal in the receipt
(or the reverse, or with leading zeros): a report carries the spelling we were given when we know
it, and the other spellings as `alternatives`.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import logging
import re
import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from smpplib import smpp as smpplib_pdus
from smpplib.command_codes import get_command_name

from modem.at import charset
from modem.at.pdu import SpanishMode
from modem.transports.base import (
    Capabilities,
    Concat,
    DeliveryReport,
    ErrorKind,
    Event,
    Incoming,
    LineStatus,
    Outgoing,
    SecretRejected,
    Signal,
    SubmitFailed,
    Transport,
    TransportError,
    Unencodable,
    Unreadable,
    gettext_noop,
)

logger = logging.getLogger("smsmotor.modem")

HEADER = struct.Struct(">LLLL")
MAX_PDU = 70_000  # message_payload may carry 64 KB
RESPONSE = 0x80000000
ROK, RINVPASWD, RINVSYSID, RMSGQFUL, RTHROTTLED = 0x00, 0x0E, 0x0F, 0x14, 0x58
RINVCMDID = 0x03
THROTTLING = {RTHROTTLED, RMSGQFUL}
PERMANENT = {0x01, 0x06, 0x07, 0x0B, 0x43, 0x50, 0x51, 0x61, 0x62, 0x65, 0x66, 0xC2, 0xC4}
ACCOUNT = {0x0A, 0x15, 0x48, 0x49, 0x53}  # sender address, TON/NPI, service or system type: the settings
NOT_BOUND = 0x04
ESM_UDHI = 0x40
TAG_RECEIPTED_ID, TAG_MESSAGE_STATE, TAG_PAYLOAD = 0x001E, 0x0427, 0x0424
TAG_SAR_REF, TAG_SAR_TOTAL, TAG_SAR_SEQ = 0x020C, 0x020E, 0x020F
BACKOFF_MAX = 60.0

# The mandatory fields of the PDUs we read, in order: "c" a C-octet string, "B" one octet, "s" short_message.
_MESSAGE = (
    ("service_type", "c"), ("source_addr_ton", "B"), ("source_addr_npi", "B"), ("source_addr", "c"),
    ("dest_addr_ton", "B"), ("dest_addr_npi", "B"), ("destination_addr", "c"), ("esm_class", "B"),
    ("protocol_id", "B"), ("priority_flag", "B"), ("schedule_delivery_time", "c"), ("validity_period", "c"),
    ("registered_delivery", "B"), ("replace_if_present_flag", "B"), ("data_coding", "B"),
    ("sm_default_msg_id", "B"), ("sm_length", "B"), ("short_message", "s"),
)  # fmt: skip
_BIND = (
    ("system_id", "c"), ("password", "c"), ("system_type", "c"), ("interface_version", "B"),
    ("addr_ton", "B"), ("addr_npi", "B"), ("address_range", "c"),
)  # fmt: skip
LAYOUTS = {
    "submit_sm": _MESSAGE, "deliver_sm": _MESSAGE, "bind_transceiver": _BIND, "bind_transmitter": _BIND,
    "bind_receiver": _BIND, "submit_sm_resp": (("message_id", "c"),), "deliver_sm_resp": (("message_id", "c"),),
    "bind_transceiver_resp": (("system_id", "c"),), "bind_transmitter_resp": (("system_id", "c"),),
    "bind_receiver_resp": (("system_id", "c"),),
    "data_sm": (*_MESSAGE[:8], ("registered_delivery", "B"), ("data_coding", "B")),
}  # fmt: skip

# Receipt states (stat: text, message_state TLV): delivered, final, nearest TP-ST (TS 23.040 9.2.3.15).
# ACCEPTD is final in the specification, but aggregators send it for "taken by the operator".
STATES = {
    "DELIVRD": (True, True, 0x00), "DELIVERED": (True, True, 0x00), "ENROUTE": (False, False, 0x20),
    "ACCEPTD": (False, False, 0x20), "EXPIRED": (False, True, 0x46), "DELETED": (False, True, 0x48),
    "UNDELIV": (False, True, 0x40), "REJECTD": (False, True, 0x42), "UNKNOWN": (False, True, 0x49),
    "SCHEDLD": (False, False, 0x20), "SKIPPED": (False, True, 0x40),
}  # fmt: skip
MESSAGE_STATES = {  # message_state TLV; 0 and 9 are SMPP 5.0's
    0: "SCHEDLD",
    1: "ENROUTE",
    2: "DELIVRD",
    3: "EXPIRED",
    4: "DELETED",
    5: "UNDELIV",
    6: "ACCEPTD",
    7: "UNKNOWN",
    8: "REJECTD",
    9: "SKIPPED",
}
_RECEIPT_FIELDS = re.compile(r"(id|stat|err|dlvrd|sub)\s*:\s*(\S+)", re.IGNORECASE)

UNREACHABLE = gettext_noop("The SMSC does not answer at %(where)s: check the address and this computer's network.")
BIND_REFUSED = gettext_noop("The SMSC refused the login: check the system id and password in the SMPP settings.")
BIND_DROPPED = gettext_noop(
    "The SMSC hung up during the login: check the system id, the password and that this computer's address is "
    "allowed on the account."
)
BIND_FAILED = gettext_noop("The SMSC did not accept the session (error %(code)s); it is tried again shortly.")
NOT_CONNECTED = gettext_noop("The connection to the SMSC is down; the message goes again once it is back.")
CONNECTION_LOST = gettext_noop("The connection to the SMSC was lost.")
ANSWER_LOST = gettext_noop("The connection to the SMSC was lost before it answered; the message may have been sent.")
NO_ANSWER = gettext_noop("The SMSC did not answer in time; the message may have been sent.")
THROTTLED = gettext_noop("The SMSC asked to send more slowly; the message goes again shortly.")
BAD_MESSAGE = gettext_noop("The SMSC refused this message: check the phone number and the text.")
ACCOUNT_REFUSED = gettext_noop("The SMSC refused the sender settings of this account: check the SMPP settings.")
SMSC_FAILED = gettext_noop("The SMSC could not take the message now; it goes again later.")


class PduMalformed(ValueError):
    """Bytes that are not the PDU they say they are."""


@dataclass
class Pdu:
    command: str  # smpplib's name ("submit_sm", "generic_nack"...), or "0x..." for an unknown id
    status: int
    sequence: int
    fields: dict = field(default_factory=dict)  # strings as str (latin-1), short_message as bytes
    tlvs: dict[int, bytes] = field(default_factory=dict)
    command_id: int = 0


def encode_pdu(command: str, sequence: int, status: int = ROK, **fields) -> bytes:
    """One PDU through smpplib (strings as str, octet strings as bytes)."""
    pdu = smpplib_pdus.make_pdu(command, sequence=sequence, status=status, **fields)
    pdu.sequence, pdu.status = sequence, status
    return pdu.generate()


def parse_pdu(data: bytes) -> Pdu:
    """A whole PDU (its length octets included): the header, the mandatory fields of the commands
    in LAYOUTS, and every TLV by tag, known or not. An error answer may have no body."""
    if len(data) < HEADER.size:
        raise PduMalformed(f"{len(data)} octets, shorter than a header")
    length, command_id, status, sequence = HEADER.unpack_from(data)
    if length != len(data):
        raise PduMalformed(f"command_length {length} but {len(data)} octets")
    try:
        command = get_command_name(command_id)
    except Exception:  # smpplib raises its own UnknownCommandError
        command = f"0x{command_id:08X}"
    pdu = Pdu(command, status, sequence, command_id=command_id)
    body, pos = data[HEADER.size :], 0
    for name, kind in LAYOUTS.get(command, ()):
        if pos >= len(body):
            break
        if kind == "B":
            pdu.fields[name], pos = body[pos], pos + 1
        elif kind == "c":
            end = body.find(b"\0", pos)
            end = len(body) if end < 0 else end
            pdu.fields[name], pos = body[pos:end].decode("latin-1"), end + 1
        else:
            size = body[pos - 1]  # sm_length, the octet before
            if pos + size > len(body):
                raise PduMalformed(f"short_message of {size} octets cut off")
            pdu.fields[name], pos = body[pos : pos + size], pos + size
    if "short_message" in dict(LAYOUTS.get(command, ())) and "short_message" not in pdu.fields:
        pdu.fields["short_message"] = b""
    while pos + 4 <= len(body):
        tag, size = struct.unpack_from(">HH", body, pos)
        pdu.tlvs[tag] = body[pos + 4 : pos + 4 + size]
        pos += 4 + size
    # A TLV cut short keeps what arrived, and a few stray octets after the last one are ignored:
    # refusing the PDU would make the SMSC deliver the same message again and again.
    return pdu


def tlv_text(pdu: Pdu, tag: int) -> str:
    return pdu.tlvs.get(tag, b"").split(b"\0", 1)[0].decode("latin-1").strip()


def tlv_int(pdu: Pdu, tag: int) -> int | None:
    value = pdu.tlvs.get(tag)
    return int.from_bytes(value, "big") if value else None  # None: absent (or empty)


# --- Texts -------------------------------------------------------------------------------------
def gsm_units(text: str) -> list[tuple[int, ...]] | None:
    """Septets per character when the text fits GSM 03.38 (default + extension), else None."""
    return charset.GSM7.units(text) if charset.GSM7.fits(text) else None


def split_units(units: list[tuple[int, ...]], single: int, multi: int) -> list[list[int]]:
    """Parts that fit, never splitting one character's units (an escape or a surrogate pair)."""
    if sum(map(len, units)) <= single:
        return [[unit for char in units for unit in char]]
    parts: list[list[int]] = [[]]
    for char in units:
        if len(parts[-1]) + len(char) > multi:
            parts.append([])
        parts[-1].extend(char)
    return parts


def ucs2_units(text: str) -> list[tuple[int, ...]]:
    octets = text.encode("utf-16-be", "surrogatepass")
    units, chars = [], []
    for pos in range(0, len(octets), 2):
        units.append(int.from_bytes(octets[pos : pos + 2], "big"))
    index = 0
    while index < len(units):
        width = 2 if 0xD800 <= units[index] <= 0xDBFF and index + 1 < len(units) else 1
        chars.append(tuple(units[index : index + width]))
        index += width
    return chars


def decode_text(data: bytes, data_coding: int, default_alphabet: str = "gsm7") -> str:
    """short_message or message_payload as text: data_coding 0 in the account's default alphabet,
    1 ASCII, 3 Latin-1, 8 UCS-2; the 0xF0 group by its bit 2; anything else as Latin-1 octets."""
    if data_coding == 0 or (data_coding & 0xF0 == 0xF0 and not data_coding & 0x04):
        if default_alphabet == "gsm7":
            return charset.GSM7.decode(octet & 0x7F for octet in data)
        return data.decode("latin-1" if default_alphabet == "latin1" else "ascii", "replace")
    if data_coding == 1:
        return data.decode("ascii", "replace")
    if data_coding == 8 or data_coding & 0xEC == 0x08:
        return data[: len(data) // 2 * 2].decode("utf-16-be", "replace")
    return data.decode("latin-1")


def split_header(data: bytes) -> tuple[Concat | None, bytes]:
    """The UDH's concatenation element (8- or 16-bit reference) and the text after the header."""
    if not data or data[0] + 1 > len(data):
        return None, data
    header, rest, concat, pos = data[1 : data[0] + 1], data[data[0] + 1 :], None, 0
    while pos + 2 <= len(header):
        element, size = header[pos], header[pos + 1]
        value = header[pos + 2 : pos + 2 + size]
        if element == 0x00 and size == 3 == len(value) and 1 <= value[2] <= value[1]:
            concat = Concat(value[0], value[1], value[2])
        elif element == 0x08 and size == 4 == len(value) and 1 <= value[3] <= value[2]:
            concat = Concat(value[0] << 8 | value[1], value[2], value[3])
        pos += 2 + size
    return concat, rest


def international(address: str, ton: int) -> str:
    return f"+{address}" if ton == 1 and address.isdigit() else address


# --- Receipts ----------------------------------------------------------------------------------
def id_spellings(raw: str) -> list[str]:
    """The spellings one message id may take between submit_sm_resp and its receipt: as given,
    its case, without leading zeros, and read as hexadecimal or decimal in the other base."""
    found: dict[str, None] = {}
    raw = raw.strip()
    bare = raw.lstrip("0") or "0"
    for spelling in (raw, raw.lower(), raw.upper(), bare, bare.lower(), bare.upper()):
        found[spelling] = None
    if raw.isdecimal():
        number = int(raw)
        for width in (0, len(raw), 8, 10, 16):
            found[f"{number:0{width}x}"] = found[f"{number:0{width}X}"] = None
    if re.fullmatch(r"[0-9A-Fa-f]{1,32}", raw):
        number = int(raw, 16)
        for width in (0, 10, 16):
            found[f"{number:0{width}d}"] = None
    return [spelling for spelling in found if spelling]


def receipt_fields(text: str) -> dict[str, str]:
    """id, sub, dlvrd, stat, err of a receipt's text; the text: part is never read."""
    head = re.split(r"\btext:", text, maxsplit=1, flags=re.IGNORECASE)[0]
    return {name.lower(): value for name, value in reversed(_RECEIPT_FIELDS.findall(head))}


def is_receipt(pdu: Pdu) -> bool:
    """esm_class bits 5-2: 0001 SMSC delivery receipt, 0010 SME acknowledgement, 1000 intermediate
    notification. A receipted_message_id alone does not make one: OpenMarket puts its ticket id in
    messages from phones too; it counts only with a message_state or a receipt's text."""
    if pdu.fields.get("esm_class", 0) & 0x3C in (0x04, 0x08, 0x20):
        return True
    if TAG_RECEIPTED_ID not in pdu.tlvs:
        return False
    text = (pdu.fields.get("short_message") or b"").decode("latin-1")
    return TAG_MESSAGE_STATE in pdu.tlvs or bool(re.match(r"\s*id:\S+.*\bstat:", text, re.IGNORECASE | re.DOTALL))


def report_from(pdu: Pdu, known: Callable[[str], str | None] = lambda spelling: None, handle=None) -> DeliveryReport:
    """A receipt as a DeliveryReport. `known(spelling)` gives the id as submit_sm_resp spelled it."""
    data = pdu.fields.get("short_message") or pdu.tlvs.get(TAG_PAYLOAD, b"")
    text = decode_text(data, 8) if pdu.fields.get("data_coding") == 8 else data.decode("latin-1")
    words = receipt_fields(text)
    ids = [spelling for spelling in (tlv_text(pdu, TAG_RECEIPTED_ID), words.get("id", "")) if spelling]
    spellings = list(dict.fromkeys(spelling for raw in ids for spelling in id_spellings(raw)))
    reference = next((known(spelling) for spelling in spellings if known(spelling)), ids[0] if ids else "")
    state = MESSAGE_STATES.get(tlv_int(pdu, TAG_MESSAGE_STATE), words.get("stat", "").upper())
    # A state we cannot read fails nothing: the message stays pending until a receipt says more.
    delivered, final, status = STATES.get(state, (False, False, None))
    if pdu.fields.get("esm_class", 0) & 0x3C == 0x20:  # an intermediate notification
        final = False
    source = pdu.fields.get("source_addr", "")
    return DeliveryReport(
        reference=reference,
        status=status,
        delivered=delivered,
        final=final,
        recipient=international(source, pdu.fields.get("source_addr_ton", 0)),
        handle=handle,
        alternatives=tuple(spelling for spelling in spellings if spelling != reference),
    )


def event_from(pdu: Pdu, default_alphabet: str = "gsm7", known=lambda spelling: None, handle=None) -> Event:
    """A deliver_sm as the event it carries: a receipt, or a message from a phone."""
    try:
        if is_receipt(pdu):
            return report_from(pdu, known, handle)
        esm, data = pdu.fields.get("esm_class", 0), pdu.fields.get("short_message") or pdu.tlvs.get(TAG_PAYLOAD, b"")
        concat = None
        if esm & ESM_UDHI:
            concat, data = split_header(data)
        elif TAG_SAR_REF in pdu.tlvs:
            total, sequence = tlv_int(pdu, TAG_SAR_TOTAL) or 0, tlv_int(pdu, TAG_SAR_SEQ) or 0
            concat = Concat(tlv_int(pdu, TAG_SAR_REF), total, sequence) if 1 <= sequence <= total else None
        sender = international(pdu.fields.get("source_addr", ""), pdu.fields.get("source_addr_ton", 0))
        text = decode_text(data, pdu.fields.get("data_coding", 0), default_alphabet)
        return Incoming(sender=sender, text=text, received_at=None, concat=concat, handle=handle)
    except (ValueError, TypeError, IndexError) as error:
        return Unreadable(raw=f"{pdu.fields!r} {pdu.tlvs!r}"[:2000], error=str(error), handle=handle)


WAITING, REFUSED = "waiting", "refused"  # a part's state besides its message id (None: not written)


@dataclass
class _Message:
    parts: list[dict]
    failure: SubmitFailed | None = None  # it could not be planned: never written
    states: list = field(default_factory=list)  # per part: None, WAITING, REFUSED or its message_id
    refusal: SubmitFailed | None = None
    segments: int = 0  # the SMS it makes on the air (more than its parts when the SMSC splits it)

    def __post_init__(self) -> None:
        self.states = [None] * len(self.parts)

    @property
    def references(self) -> list[str]:
        return [state for state in self.states if state not in (None, WAITING, REFUSED)]


class SmppTransport(Transport):
    kind = "smpp"

    def __init__(
        self,
        host: str,
        port: int,
        system_id: str,
        password: str,
        *,
        system_type: str = "",
        source_addr: str = "",
        source_ton: int | None = None,
        source_npi: int | None = None,
        long_messages: str = "udh",
        default_alphabet: str = "gsm7",
        window: int = 10,
        per_second: float = 0,
        enquire_seconds: float = 30.0,
        timeout: float = 30.0,
        spanish: str = SpanishMode.UCS2.value,
    ):
        if long_messages not in ("udh", "payload") or default_alphabet not in ("gsm7", "latin1", "ascii"):
            raise ValueError(f"long_messages={long_messages!r}, default_alphabet={default_alphabet!r}")
        self.host, self.port, self.system_id, self.password = host, int(port), system_id, password
        self.system_type, self.source_addr = system_type, source_addr
        ton, npi = _address_type(source_addr)
        self.source_ton = ton if source_ton is None else source_ton
        self.source_npi = npi if source_npi is None else source_npi
        self.long_messages, self.default_alphabet = long_messages, default_alphabet
        self.window, self.per_second = max(1, window), per_second
        self.enquire_seconds, self.timeout, self.spanish = enquire_seconds, timeout, spanish
        self.capabilities = Capabilities(
            delivery_reports=True, ussd=False, references=True, splits_itself=long_messages == "payload", window=window
        )
        self._lock = threading.Condition()
        self._write_lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._reader: threading.Thread | None = None
        self._generation = 0
        self._broken: str | None = "not connected"
        self._sequence = 0
        self._answers: dict[int, Pdu | None] = {}  # our requests' sequence numbers -> their answer
        self._in_flight = 0
        self._received: dict[tuple, Event] = {}  # handle (session, sequence, answer) -> event, until settled
        self._fresh: collections.deque[Event] = collections.deque()  # not yet given by events()
        self._ids: dict[str, str] = {}  # lower-case id -> as submit_sm_resp gave it (the latest ones)
        self._ids_order: collections.deque[str] = collections.deque()
        self._concat_reference = int(time.time()) % 256
        self._backoff = 0.0
        self._timed_out = False
        self._last_write = 0.0
        self._last_traffic = 0.0

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    # Connection ---------------------------------------------------------------------------
    def open(self) -> LineStatus:
        self.close()
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as error:
            raise TransportError(UNREACHABLE, _short(error), where=self.where) from error
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # small PDUs: no Nagle delay
        try:
            answer = self._bind(sock)
        except BaseException:
            sock.close()
            raise
        with self._lock:
            self._generation += 1
            self._socket, self._broken, self._answers, self._in_flight = sock, None, {}, 0
            self._timed_out = False
            self._received.clear()  # the SMSC delivers them again on this session
            self._fresh.clear()
            self._last_traffic = time.monotonic()
        self._reader = threading.Thread(
            target=self._read_loop, args=(sock, self._generation), name="smpp-reader", daemon=True
        )
        self._reader.start()
        return LineStatus(
            manufacturer="SMPP 3.4", model="", operator=answer.fields.get("system_id") or self.system_id,
            signal=self.signal(), where=self.where,
        )  # fmt: skip

    def _bind(self, sock: socket.socket) -> Pdu:
        request = encode_pdu(
            "bind_transceiver", 1, system_id=self.system_id, password=self.password,
            system_type=self.system_type, addr_ton=0, addr_npi=0, address_range="",
        )  # fmt: skip
        self._sequence = 1
        try:
            sock.sendall(request)
            answer = _read_one(sock)
        except ConnectionError as error:  # some SMSCs hang up on a wrong login instead of answering it
            raise TransportError(BIND_DROPPED, _short(error)) from error
        except (OSError, PduMalformed) as error:
            raise TransportError(UNREACHABLE, _short(error), where=self.where) from error
        if answer.status in (RINVPASWD, RINVSYSID):
            raise SecretRejected(BIND_REFUSED, f"bind_transceiver: error 0x{answer.status:02X}")
        if answer.command != "bind_transceiver_resp" or answer.status != ROK:
            raise TransportError(BIND_FAILED, f"{answer.command}", code=f"0x{answer.status:02X}")
        return answer

    def close(self) -> None:
        with self._lock:
            sock, self._socket = self._socket, None
            self._broken = self._broken or "closed"
            self._generation += 1
            self._lock.notify_all()
        if sock is None:
            return
        try:  # unbind politely, waiting a moment for unbind_resp (the reader may be gone)
            with self._lock:
                sequence = self._next_sequence()
            with self._write_lock:
                sock.sendall(encode_pdu("unbind", sequence))
            deadline = time.monotonic() + 1.0
            while self._reader is not None and self._reader.is_alive() and time.monotonic() < deadline:
                self._reader.join(0.05)
        except OSError:
            pass
        finally:
            _shut(sock)
            if self._reader is not None and self._reader is not threading.current_thread():
                self._reader.join(2.0)
            self._reader = None

    def signal(self) -> Signal:
        return Signal(None, 0 if self._broken else 5)  # an SMPP link has no radio: bound is full strength

    def _next_sequence(self) -> int:
        self._sequence = self._sequence % 0x7FFFFFFF + 1
        return self._sequence

    def _write(self, data: bytes) -> None:
        sock = self._socket
        if sock is None:
            raise OSError("not connected")
        with self._write_lock:
            sock.sendall(data)
        self._last_traffic = time.monotonic()

    def _lost(self, generation: int, reason: str) -> None:
        with self._lock:
            if generation != self._generation or self._broken:
                return
            logger.warning("SMPP %s: %s", self.where, reason)
            self._broken = reason
            # Unanswered deliver_sm come again on the next session: not given twice meanwhile.
            self._fresh.clear()
            self._received.clear()
            sock = self._socket
            self._lock.notify_all()
        if sock is not None:
            _shut(sock)

    def _check(self) -> None:
        if self._broken:
            raise TransportError(CONNECTION_LOST, self._broken)

    # The reader thread ---------------------------------------------------------------------
    def _read_loop(self, sock: socket.socket, generation: int) -> None:
        buffer, enquired = bytearray(), 0.0
        while generation == self._generation:
            try:
                readable = select.select([sock], [], [], 0.2)[0]
                chunk = sock.recv(65536) if readable else None
            except (OSError, ValueError) as error:
                return self._lost(generation, f"read failed: {error}")
            if chunk == b"":
                return self._lost(generation, "the SMSC closed the connection")
            now = time.monotonic()
            if chunk is None:  # idle: enquire_link now and then, and give up when it goes unanswered
                if enquired and now - enquired > self.timeout:
                    return self._lost(generation, "no answer to enquire_link")
                if self.enquire_seconds and not enquired and now - self._last_traffic >= self.enquire_seconds:
                    enquired = now
                    with self._lock:
                        sequence = self._next_sequence()
                    self._send_quietly(encode_pdu("enquire_link", sequence), generation)
                continue
            self._last_traffic, enquired = now, 0.0
            buffer += chunk
            while len(buffer) >= 4:
                length = int.from_bytes(buffer[:4], "big")
                if not HEADER.size <= length <= MAX_PDU:
                    return self._lost(generation, f"a PDU of length {length}: the stream is out of step")
                if len(buffer) < length:
                    break
                data = bytes(buffer[:length])
                del buffer[:length]
                try:
                    self._dispatch(parse_pdu(data), generation)
                except PduMalformed as error:
                    sequence = int.from_bytes(data[12:16], "big")
                    self._send_quietly(encode_pdu("generic_nack", sequence, status=0x02), generation)
                    logger.warning("SMPP %s: unreadable PDU %s: %s", self.where, data.hex()[:200], error)

    def _dispatch(self, pdu: Pdu, generation: int) -> None:
        if pdu.command_id & RESPONSE:
            if pdu.command == "submit_sm_resp" and pdu.status == ROK:
                self._remember(pdu.fields.get("message_id", "").strip())  # before a receipt that may follow at once
            with self._lock:
                if self._answers.get(pdu.sequence, False) is None:
                    self._answers[pdu.sequence] = pdu
                    self._in_flight -= 1
                    self._lock.notify_all()
            return
        if pdu.command == "enquire_link":
            self._send_quietly(encode_pdu("enquire_link_resp", pdu.sequence), generation)
        elif pdu.command in ("deliver_sm", "data_sm"):  # some SMSCs deliver with data_sm
            handle = (generation, pdu.sequence, f"{pdu.command}_resp")
            event = event_from(pdu, self.default_alphabet, self._known, handle)
            if isinstance(event, DeliveryReport) and self.long_messages == "payload":
                event = dataclasses.replace(event, whole_message=True)  # about every SMS of the message
            with self._lock:
                if generation == self._generation:
                    self._received[handle] = event
                    self._fresh.append(event)
                    self._lock.notify_all()
        elif pdu.command == "unbind":
            self._send_quietly(encode_pdu("unbind_resp", pdu.sequence), generation)
            self._lost(generation, "the SMSC ended the session (unbind)")
        elif pdu.command != "alert_notification":  # data_sm, outbind...: not taken on this line
            self._send_quietly(encode_pdu("generic_nack", pdu.sequence, status=RINVCMDID), generation)

    def _send_quietly(self, data: bytes, generation: int) -> None:
        try:
            self._write(data)
        except OSError as error:
            self._lost(generation, f"write failed: {error}")

    def _known(self, spelling: str) -> str | None:
        return self._ids.get(spelling.lower())

    def _remember(self, message_id: str) -> None:
        if len(self._ids_order) >= 200_000:
            self._ids.pop(self._ids_order.popleft(), None)
        self._ids[message_id.lower()] = message_id
        self._ids_order.append(message_id.lower())

    # Receiving ----------------------------------------------------------------------------
    def events(self, timeout: float = 0.0) -> list[Event]:
        with self._lock:
            if not self._fresh and timeout > 0:
                self._lock.wait_for(lambda: self._fresh or self._broken, timeout)
            found = list(self._fresh)
            self._fresh.clear()
        if not found:
            self._check()
        return found

    def stored(self) -> list[Event]:
        self._check()
        with self._lock:
            self._fresh.clear()
            return list(self._received.values())

    def settle(self, events: Sequence[Event]) -> None:
        for event in events:
            with self._lock:
                if self._received.pop(event.handle, None) is None:
                    continue  # from an earlier session: the SMSC will deliver it again
            generation, sequence, answer = event.handle
            self._send_quietly(encode_pdu(answer, sequence, message_id=""), generation)

    # Sending ------------------------------------------------------------------------------
    def parts(self, phone: str, text: str) -> int:
        units, gsm = self._encoding(phone, text)
        return len(split_units(units, *_capacity(gsm)))

    def _encoding(self, phone: str, text: str) -> tuple[list[tuple[int, ...]], bool]:
        """The text's units on the air and whether they are GSM-7 septets (else UTF-16 units)."""
        if _address_type(phone.strip())[0] not in (0, 1) or not re.fullmatch(r"\+?\d{3,20}", phone.strip()):
            raise Unencodable(gettext_noop("The phone number %(phone)s cannot receive SMS."), phone=phone)
        if not text:
            raise Unencodable(gettext_noop("The message is empty."))
        if SpanishMode(self.spanish) is SpanishMode.TRANSLITERATE and not charset.GSM7.fits(text):
            text = charset.transliterate(text)
        units = gsm_units(text) if self._account_takes(text) else None
        return (units if units is not None else ucs2_units(text)), units is not None

    def _account_takes(self, text: str) -> bool:
        """Whether data_coding 0 can carry the text on this account (its default alphabet)."""
        if self.default_alphabet == "gsm7":
            return True
        try:
            text.encode("latin-1" if self.default_alphabet == "latin1" else "ascii")
        except UnicodeEncodeError:
            return False
        return True

    def _plan(self, phone: str, text: str) -> list[dict]:
        """The submit_sm fields of each part."""
        units, gsm = self._encoding(phone, text)
        phone = phone.strip()
        base = {
            "service_type": "", "source_addr_ton": self.source_ton, "source_addr_npi": self.source_npi,
            "source_addr": self.source_addr.lstrip("+"), "dest_addr_ton": 1 if phone.startswith("+") else 0,
            "dest_addr_npi": 1, "destination_addr": phone.lstrip("+"), "registered_delivery": 1,
            "data_coding": 0 if gsm else 8,
        }  # fmt: skip
        if self.long_messages == "payload":
            octets = self._octets([unit for char in units for unit in char], gsm)
            if len(octets) > 254:
                return [{**base, "esm_class": 0, "short_message": None, "message_payload": octets}]
        chunks = split_units(units, *_capacity(gsm))
        if len(chunks) == 1:
            return [{**base, "esm_class": 0, "short_message": self._octets(chunks[0], gsm)}]
        if len(chunks) > 255:
            raise Unencodable(gettext_noop("The message is too long: over 255 parts."), str(len(chunks)))
        self._concat_reference = (self._concat_reference + 1) % 256
        parts = []
        for sequence, chunk in enumerate(chunks, start=1):
            header = bytes([5, 0, 3, self._concat_reference, len(chunks), sequence])
            parts.append({**base, "esm_class": ESM_UDHI, "short_message": header + self._octets(chunk, gsm)})
        return parts

    def _octets(self, units: list[int], gsm: bool) -> bytes:
        if not gsm:
            return b"".join(unit.to_bytes(2, "big") for unit in units)
        if self.default_alphabet == "gsm7":
            return bytes(units)  # unpacked septets, escapes as 0x1B + septet: what data_coding 0 means
        text = charset.GSM7.decode(units)
        return text.encode("latin-1" if self.default_alphabet == "latin1" else "ascii")

    def submit(self, phone: str, text: str, *, on_handed: Callable[[], None], ident: str = "") -> list[str]:
        self._encoding(phone, text)  # Unencodable raised here, before anything is handed
        (result,) = self.submit_window([Outgoing(phone, text, ident)], on_handed=on_handed)
        if isinstance(result, SubmitFailed):
            raise result
        return result

    def submit_window(
        self, batch: Sequence[Outgoing], *, on_handed: Callable[[], None]
    ) -> list[list[str] | SubmitFailed]:
        messages = []
        for item in batch:
            try:
                messages.append(_Message(self._plan(item.phone, item.text), segments=self.parts(item.phone, item.text)))
            except Unencodable as error:
                failure = SubmitFailed(
                    error.reason, error.detail, refused=True, kind=ErrorKind.PERMANENT, **error.params
                )
                messages.append(_Message([], failure=failure))
        if self._broken:
            # The line failed, not the message: MODEM puts it back in the queue at once (TRANSIENT would delay it).
            not_connected = {"refused": True, "kind": ErrorKind.MODEM, "reconnect": True}
            return [m.failure or SubmitFailed(NOT_CONNECTED, self._broken, **not_connected) for m in messages]
        on_handed()
        owners: dict[int, tuple[_Message, int]] = {}
        throttled = False
        for message in messages:
            for index, fields in enumerate(message.parts):
                if throttled or self._broken or message.refusal:
                    break
                self._wait_for_room()
                throttled = self._collect(owners) or throttled  # answers that came meanwhile
                if throttled or self._broken or message.refusal:
                    break
                self._pace()
                with self._lock:
                    sequence = self._next_sequence()
                    self._answers[sequence] = None
                    self._in_flight += 1
                try:
                    self._write(encode_pdu("submit_sm", sequence, **fields))
                except OSError as error:  # sendall failed: this PDU never got through whole
                    with self._lock:
                        self._answers.pop(sequence, None)
                        self._in_flight -= 1
                    self._lost(self._generation, f"write failed: {error}")
                    break
                owners[sequence] = (message, index)
                message.states[index] = WAITING
                throttled = self._collect(owners) or throttled
        self._wait_for_all(owners)
        throttled = self._collect(owners) or throttled
        return [self._result(message, throttled) for message in messages]

    def _pace(self) -> None:
        if self.per_second > 0:
            pause = self._last_write + 1.0 / self.per_second - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self._last_write = time.monotonic()

    def _wait_for_room(self) -> None:
        with self._lock:
            if self._in_flight < self.window:
                return
            if not self._lock.wait_for(lambda: self._in_flight < self.window or self._broken, self.timeout):
                self._give_up()

    def _wait_for_all(self, owners: dict) -> None:
        def answered() -> bool:
            return self._broken or all(self._answers.get(sequence) is not None for sequence in owners)

        with self._lock:
            if not self._lock.wait_for(answered, self.timeout):
                self._give_up()

    def _give_up(self) -> None:
        """No answer within the timeout: the session is not to be trusted any more."""
        self._timed_out = not self._broken
        self._lost(self._generation, "no answer to submit_sm in time")  # the lock is re-entrant

    def _collect(self, owners: dict[int, tuple[_Message, int]]) -> bool:
        """Take the answers that came; True if the SMSC asked us to slow down."""
        throttled = False
        with self._lock:
            done = [(sequence, self._answers.pop(sequence)) for sequence in list(owners) if self._answers.get(sequence)]
        for sequence, answer in done:
            message, index = owners.pop(sequence)
            if answer.command == "submit_sm_resp" and answer.status == ROK:
                message_id = answer.fields.get("message_id", "").strip()
                message.states[index] = message_id
                continue
            message.states[index] = REFUSED
            throttled = throttled or answer.status in THROTTLING
            message.refusal = message.refusal or self._refusal(answer)
        return throttled

    def _refusal(self, answer: Pdu) -> SubmitFailed:
        status, detail = answer.status, f"{answer.command}: error 0x{answer.status:02X}"
        if status in THROTTLING:
            self._backoff = min(BACKOFF_MAX, self._backoff * 2 or 1.0)
            return SubmitFailed(THROTTLED, detail, refused=True, kind=ErrorKind.TRANSIENT, retry_after=self._backoff)
        if status in PERMANENT:
            return SubmitFailed(BAD_MESSAGE, detail, refused=True, kind=ErrorKind.PERMANENT)
        if status in ACCOUNT:
            return SubmitFailed(ACCOUNT_REFUSED, detail, refused=True, kind=ErrorKind.MODEM)
        return SubmitFailed(SMSC_FAILED, detail, refused=True, kind=ErrorKind.TRANSIENT, reconnect=status == NOT_BOUND)

    def _result(self, message: _Message, throttled: bool) -> list[str] | SubmitFailed:
        if message.failure:
            return message.failure
        answered = message.references
        if len(answered) == len(message.parts):
            if not throttled:
                self._backoff = 0.0
            if message.segments > len(answered):  # given whole in message_payload: the SMSC splits it
                return answered + [""] * (message.segments - len(answered))
            return answered
        lost = {"kind": ErrorKind.MODEM, "reconnect": True, "references": answered}
        if WAITING in message.states:  # written, never answered: it may have gone
            reason = NO_ANSWER if self._timed_out else ANSWER_LOST
            return SubmitFailed(reason, self._broken or "", refused=False, **lost)
        if message.refusal:
            message.refusal.references = answered
            return message.refusal
        if throttled and not self._broken:
            retry = {"kind": ErrorKind.TRANSIENT, "retry_after": self._backoff, "references": answered}
            return SubmitFailed(THROTTLED, "not sent: the SMSC throttled this batch", refused=True, **retry)
        return SubmitFailed(NOT_CONNECTED, self._broken or "", refused=True, **lost)  # never written: queued again


def _capacity(gsm: bool) -> tuple[int, int]:
    return (160, 153) if gsm else (70, 67)


def _address_type(address: str) -> tuple[int, int]:
    """TON and NPI for an address: international, national digits, or alphanumeric."""
    if address.startswith("+") and address[1:].isdigit():
        return 1, 1
    if address.isdigit() or not address:
        return 0, 1
    return 5, 0


def _read_one(sock: socket.socket) -> Pdu:
    head = _recv_exactly(sock, 4)
    length = int.from_bytes(head, "big")
    if not HEADER.size <= length <= MAX_PDU:
        raise PduMalformed(f"a PDU of length {length}")
    return parse_pdu(head + _recv_exactly(sock, length - 4))


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the SMSC closed the connection")
        data += chunk
    return data


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def _short(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]
