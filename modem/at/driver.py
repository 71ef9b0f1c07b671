"""The AT-command driver: what we ask one modem, and what its answers mean.

Written against what real modems send, not only against our simulator: the SIM may be busy or
NOT READY for seconds after power-on, +CPIN? may come without its OK, delivery reports are
routed to the modem's memory so that none is lost while no worker runs, listings, USSD answers
and identification come in many shapes (`listing.py`, `ussd.py`, `identity.py`). Talking AT
itself (echo, final results, notices in the middle of an answer, staying in step with the modem)
is `port.AtPort`'s business; the notices become events (`events.py`).

Just over 500 lines: one method per thing we ask the modem, each short; what could be split out
(listings, USSD, identity, events, port) already is.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from modem.at import errors, pdu, ussd
from modem.at.errors import (
    CommandError,
    CommandTimeout,
    ModemError,
    PinRequired,
    UnconfirmedSend,
    gettext_noop,
    parse_error_line,
)
from modem.at.events import (
    Event,
    MessageReceived,
    NewMessage,
    ReportReceived,
    ReportStored,
    Ring,
    Unparsed,
    UssdReply,
    is_unsolicited,
)
from modem.at.identity import Identity, identity_from_answers
from modem.at.listing import StoredMessage, is_text_mode_listing, parse_listing, split_fields
from modem.at.port import BUSY_RETRY, BUSY_WAIT, CTRL_Z, ESC, FINAL_OK, AtPort
from modem.at.ussd import decode_ussd

__all__ = [
    "AtModem",
    "Event",
    "Identity",
    "MessageReceived",
    "NewMessage",
    "ReportReceived",
    "ReportStored",
    "Ring",
    "Signal",
    "StoredMessage",
    "Unparsed",
    "UssdReply",
    "decode_ussd",
]

logger = logging.getLogger("smsmotor.modem.at")

READY_WAIT = 20.0  # seconds for the SIM to become READY after its PIN
# +CPIN? answers of a SIM still starting (Huawei, ZTE say NOT READY for a few seconds after power-on).
STARTING_STATES = {"NOT READY"}
CPIN_GRACE = 1.0  # seconds to wait for the OK that some modems never send after +CPIN:
USSD_NOTICE_GRACE = 4.0  # seconds to wait for the real answer after a +CUSD: 2/4 notice
USSD_PACKED_AFTER = 2.0  # ... before sending a request refused as text again, packed
USSD_RELEASE_GRACE = 1.0  # ... for a final answer after a +CUSD: 2 that carries text
_STORAGE_GROUP = re.compile(r"\(([^)]*)\)")


@dataclass(frozen=True)
class Signal:
    rssi: int  # 0-31, 99 = unknown (AT+CSQ)
    dbm: int | None
    bars: int  # 0-5

    @classmethod
    def from_rssi(cls, rssi: int) -> Signal:
        if rssi == 99 or rssi < 0:
            return cls(rssi, None, 0)
        dbm = -113 + 2 * min(rssi, 31)
        bars = 0 if rssi < 2 else 1 if rssi < 10 else 2 if rssi < 15 else 3 if rssi < 20 else 4 if rssi < 25 else 5
        return cls(rssi, dbm, bars)


class AtModem(AtPort):
    """One modem: setting it up, its SIM, identity and signal, sending, stored messages, USSD.
    Not thread-safe: one worker drives it."""

    def __init__(self, port, *, command_timeout: float = 10.0, send_timeout: float = 60.0):
        super().__init__(port, command_timeout=command_timeout, send_timeout=send_timeout)
        self._concat_reference = int(time.time()) % 256
        self.calls_supported = True
        self.keeps_link = False
        # Where delivery reports go: "stored" (+CDSI, read and deleted once saved), "direct"
        # (+CDS; acknowledged with +CNMA once saved when `needs_ack`), or "" (none).
        self.reports = ""
        self.needs_ack = False
        self.memory: str | None = None  # <mem1> of AT+CPMS: where +CMGL/+CMGR/+CMGD look
        self.report_memory = ""  # "SR" where the modem keeps reports in a memory of their own
        self.identity: Identity | None = None
        self.can_list = True  # False for a phone whose message memory cannot be listed
        self.ussd_notice_grace = USSD_NOTICE_GRACE
        self.ussd_packed_after = USSD_PACKED_AFTER

    def initialise(self, *, pin: str = "", init_commands: Iterable[str] = (), smsc: str = "") -> None:
        self.synchronise()
        if self.try_command("AT+CMEE=1") is None:
            self.try_command("AT+CMEE=2")  # verbose errors are still better than a bare ERROR
        self.unlock(pin)
        # Right after power-on some modems (SIMCom) answer a bare ERROR until "SMS Ready".
        self.patiently(lambda: self.command("AT+CMGF=0"), also_plain_errors=True)
        self.patiently(self._find_memories)
        self._route_incoming()
        self.calls_supported = self.try_command("AT+CLIP=1") is not None
        self.try_command("AT^CURC=0")  # Huawei: stop the flood of ^RSSI/^BOOT lines
        for extra in init_commands:
            if extra.strip():
                self.command(extra.strip())
        if smsc:
            self.command(f'AT+CSCA="{smsc}",145' if smsc.startswith("+") else f'AT+CSCA="{smsc}"')

    def _find_memories(self) -> None:
        answer = self.try_command("AT+CPMS?") or []
        for line in answer:
            fields = split_fields(line.partition(":")[2])
            if fields and fields[0]:
                self.memory = fields[0].strip('"').upper()
        options = self.try_command("AT+CPMS=?") or []
        for line in options:
            groups = _STORAGE_GROUP.findall(line)
            if groups and '"SR"' in groups[0].upper().replace(" ", ""):
                self.report_memory = "SR"

    # (command, where reports go): SMS stored and announced (+CMTI), reports stored and
    # announced (+CDSI) so that a report that arrives while no worker runs is not lost; where the
    # modem cannot store them, reports straight to us (+CDS), acknowledged once saved.
    ROUTES = (
        ("AT+CNMI=2,1,0,2,0", "stored"),
        ("AT+CNMI=2,1,0,2,1", "stored"),  # Cinterion: <bfr> must be 1
        ("AT+CNMI=1,1,0,2,0", "stored"),
        ("AT+CNMI=3,1,0,2,0", "stored"),
        ("AT+CNMI=2,1,0,1,0", "direct"),
        ("AT+CNMI=1,1,0,1,0", "direct"),
        ("AT+CNMI=3,1,0,1,0", "direct"),
        ("AT+CNMI=2,1,0,0,0", ""),
        ("AT+CNMI=1,1,0,0,0", ""),
        ("AT+CNMI=3,1", ""),
    )

    def _route_incoming(self) -> None:
        for command, reports in self.ROUTES:
            if self.patiently(lambda command=command: self.try_command(command)) is not None:
                self.reports = reports
                break
        if self.reports == "direct":
            # Phase 2+ (AT+CSMS=1): the network gets the report's acknowledgement only once we
            # saved it, and sends it again if we die first.
            self.needs_ack = self.try_command("AT+CSMS=1") is not None

    def acknowledge(self) -> None:
        """Tell the network a +CDS (or +CMT) was saved (AT+CNMA), when the modem asked for it."""
        if self.needs_ack:
            self.try_command("AT+CNMA")

    def sim_state(self) -> str:
        """READY, SIM PIN, SIM PUK, PH-NET PIN... ("" when the modem does not say), or raises
        CmeError (e.g. 10, no SIM). Busy answers and "NOT READY" at start-up are waited out."""
        deadline = time.monotonic() + BUSY_WAIT
        while True:
            state = self.patiently(self._read_sim_state)
            if state not in STARTING_STATES or time.monotonic() >= deadline:
                return state
            self.listen(BUSY_RETRY)

    def _read_sim_state(self) -> str:
        if not self.synced:
            self.synchronise()
        command = "AT+CPIN?"
        self._write(command.encode("ascii") + b"\r")
        deadline = time.monotonic() + self.command_timeout
        state: str | None = None
        while True:
            line = self._read_line(deadline if state is None else min(deadline, time.monotonic() + CPIN_GRACE))
            if line is None:
                if state is not None:
                    return state  # answered without a final OK, as some modems do
                self.synced = False
                raise CommandTimeout(gettext_noop("The modem did not answer in time."), command)
            if line.upper() == command:
                continue
            if line in FINAL_OK:
                return state or ""
            error = parse_error_line(line)
            if error is not None:
                error.detail = f"{command}: {error.detail}"
                raise error
            if line.upper().startswith("+CPIN:"):
                state = errors.sim_state_normalise(line[6:])
            elif errors.sim_state_normalise(line) in errors.SIM_STATES:
                state = errors.sim_state_normalise(line)  # a bare "READY" from an old phone
            elif is_unsolicited(line, command):
                self._handle_unsolicited(line, deadline)

    def unlock(self, pin: str) -> str:
        """Enter the PIN if the SIM asks for it; PinRequired (with the right reason) if it asks
        for something we cannot give. Returns the SIM state."""
        state = self.sim_state()
        if state == "SIM PIN" and pin:
            try:
                # The PIN never reaches an error's text (the Modem tab, the Processing log, the log files).
                self.patiently(lambda: self.command(f'AT+CPIN="{pin}"', shown='AT+CPIN="****"'))
            except CommandError as error:
                if errors.is_wrong_password(error):
                    raise errors.PinRejected(
                        gettext_noop("The SIM card rejected the PIN: check it in the modem settings."), error.detail
                    ) from error
                raise
            return self._wait_until_ready()
        if not errors.sim_state_blocks(state):
            return state
        raise PinRequired(errors.sim_state_reason(state), state)

    def _wait_until_ready(self) -> str:
        deadline = time.monotonic() + READY_WAIT
        state = ""
        while time.monotonic() < deadline:
            with contextlib.suppress(CommandError, CommandTimeout):
                state = self.sim_state()
                if not errors.sim_state_blocks(state):
                    return state
            self.listen(BUSY_RETRY)
        if errors.sim_state_blocks(state):
            raise PinRequired(errors.sim_state_reason(state), state)
        return state

    def identify(self) -> Identity:
        def read(command: str) -> list[str]:
            with contextlib.suppress(CommandTimeout):
                return self.try_command(command) or []
            return []

        answers = {command: read(command) for command in ("AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN", "AT+CIMI")}
        identity = identity_from_answers(answers)
        if not identity.manufacturer or not identity.model:
            # Phones and older modems without +CGMI/+CGMM: the V.250 identification lines.
            extra = {command: read(command) for command in ("ATI", "ATI3", "ATI4")}
            identity = identity_from_answers(answers | extra)
        self.identity = identity
        self.brand = identity.manufacturer
        return identity

    def operator(self) -> str:
        self.try_command("AT+COPS=3,0")
        answer = self.try_command("AT+COPS?") or []
        for line in answer:
            match = re.search(r'"([^"]*)"', line)
            if match:
                return match.group(1)
        return ""

    def signal(self) -> Signal:
        value = self.value("AT+CSQ", "+CSQ:")
        try:
            rssi = int(value.split(",")[0])
        except ValueError:
            rssi = 99
        return Signal.from_rssi(rssi)

    def registration(self) -> int:
        """+CREG status: 1 home, 5 roaming, 2 searching, 3 denied, 0 not registered."""
        value = self.value("AT+CREG?", "+CREG:")
        try:
            return int(value.split(",")[1])
        except (IndexError, ValueError):
            return 0

    def keep_link_open(self) -> bool:
        """AT+CMMS=2: keep the radio link between consecutive sends, where supported."""
        self.keeps_link = self.try_command("AT+CMMS=2") is not None
        return self.keeps_link

    # Sending ------------------------------------------------------------------------------
    def next_concat_reference(self) -> int:
        self._concat_reference = (self._concat_reference + 1) % 256
        return self._concat_reference

    def send_pdu(self, part: pdu.SubmitPdu, *, on_handed=None) -> int:
        """Send one part; returns the modem's message reference (TP-MR).

        `on_handed` runs after the modem's '>' prompt and right before the PDU is written:
        from then on the message may leave even if we never see the answer. An error raised
        after that point has `after_data = True`.
        """
        if not self.synced:
            self.synchronise()
        command = f"AT+CMGS={part.tpdu_length}"
        self._write(command.encode("ascii") + b"\r")
        deadline = time.monotonic() + self.command_timeout
        while True:
            line = self._read_line(deadline, prompt=True)
            if line is None:
                self._write(ESC)  # leave the prompt state if it came late
                self.synced = False
                raise CommandTimeout(gettext_noop("The modem did not ask for the message."), command)
            if line == ">":
                break
            if line == command:
                continue
            error = parse_error_line(line)
            if error is not None:
                raise error
            if is_unsolicited(line, command):
                self._handle_unsolicited(line, deadline)
        if on_handed is not None:
            on_handed()
        self._write(part.hex.encode("ascii") + CTRL_Z)
        try:
            lines = self._collect(command, time.monotonic() + self.send_timeout)
        except ModemError as error:
            error.after_data = True
            raise
        for line in lines:
            if line.startswith("+CMGS:"):
                try:
                    return int(line[6:].split(",")[0].strip())
                except ValueError:
                    break
        # OK without a reference: the message may well have left, so this is not a refusal.
        error = UnconfirmedSend(gettext_noop("The modem did not confirm the message."), " ".join(lines))
        error.after_data = True
        raise error

    def cancel_prompt(self) -> None:
        """Leave the '>' prompt without sending (ESC), e.g. when the message was taken away."""
        self._write(ESC)
        # Some modems answer nothing, or ERROR, to a cancelled send.
        with contextlib.suppress(CommandTimeout, CommandError):
            self._collect("ESC", time.monotonic() + 5.0)
        self.synced = True  # a timeout above only means the modem said nothing

    # Receiving ----------------------------------------------------------------------------
    def list_messages(self) -> list[StoredMessage]:
        """Every stored SMS and report, decoded where possible, from every memory that holds them.
        Nothing from a device that keeps no messages a computer can read (a Nokia S60 phone)."""
        if not self.can_list:
            return []
        try:
            entries = self._list(self.memory)
        except CommandError:
            if self.memory is not None:
                raise
            logger.info("This device keeps no messages that can be listed")
            self.can_list = False
            return []
        if self.report_memory and self.report_memory != self.memory:
            with contextlib.suppress(CommandError):
                entries += self._list(self.report_memory)
        return entries

    def _list(self, storage: str | None) -> list[StoredMessage]:
        with self._in_memory(storage):
            lines = self._listing_lines()
            if is_text_mode_listing(lines) and self.try_command("AT+CMGF=0") is not None:
                lines = self._listing_lines()  # something had switched the modem to text mode
            return parse_listing(lines, storage=storage or "")

    def _listing_lines(self) -> list[str]:
        timeout = max(self.command_timeout, 30.0)
        try:
            return self.patiently(lambda: self.command("AT+CMGL=4", timeout=timeout))
        except CommandError:
            # A modem in text mode refuses the number: back to PDU mode, else list in text.
            if self.try_command("AT+CMGF=0") is not None:
                return self.command("AT+CMGL=4", timeout=timeout)
            return self.command('AT+CMGL="ALL"', timeout=timeout)

    def read_message(self, index: int, storage: str | None = None) -> StoredMessage | None:
        with self._in_memory(storage):
            lines = self.patiently(lambda: self.command(f"AT+CMGR={index}"))
            if is_text_mode_listing(lines) and self.try_command("AT+CMGF=0") is not None:
                lines = self.command(f"AT+CMGR={index}")
            stored = parse_listing(lines, index=index, storage=storage or self.memory or "")
        return stored[0] if stored else None

    def delete_message(self, index: int, storage: str | None = None) -> None:
        with self._in_memory(storage):
            self.patiently(lambda: self.command(f"AT+CMGD={index}"))

    DELETES_PER_LINE = 8  # AT+CMGD=1;+CMGD=2;... fits every modem's command line

    def delete_messages(self, positions: list[tuple[int, str | None]]) -> None:
        """Delete several positions, a few per command line (one round trip for many reports);
        one by one where a modem refuses the chained form."""
        by_storage: dict[str | None, list[int]] = {}
        for index, storage in positions:
            by_storage.setdefault(storage, []).append(index)
        for storage, indices in by_storage.items():
            with self._in_memory(storage):
                for start in range(0, len(indices), self.DELETES_PER_LINE):
                    chunk = indices[start : start + self.DELETES_PER_LINE]
                    line = "AT" + ";".join(f"+CMGD={index}" for index in chunk)
                    if len(chunk) > 1 and self.try_command(line) is not None:
                        continue
                    for index in chunk:
                        self.patiently(lambda index=index: self.command(f"AT+CMGD={index}"))

    @contextlib.contextmanager
    def _in_memory(self, storage: str | None) -> Iterator[None]:
        """Point <mem1> at `storage` (e.g. "SR", where some modems keep reports) for a while."""
        storage = (storage or "").upper()
        if not storage or storage == self.memory or (self.memory is None and storage != "SR"):
            yield
            return
        self.command(f'AT+CPMS="{storage}"')
        try:
            yield
        finally:
            with contextlib.suppress(ModemError):
                self.command(f'AT+CPMS="{self.memory or "SM"}"')

    # USSD ---------------------------------------------------------------------------------
    def ussd(self, code: str, *, timeout: float = 30.0) -> UssdReply:
        """Run a USSD code (e.g. *105# for the balance) and wait for the network's answer.

        The request goes as text; a modem that refuses it (Huawei sticks in "transparent" mode)
        gets it packed in GSM-7 hex, and a Huawei that refuses both is switched to text mode
        (AT^USSDMODE=0). Notices that the session was released or the service is not supported
        may come before the real answer, so they are only believed after a short wait; a refusal
        that comes as an error after the OK (+CME ERROR: 132...) is the network's answer. A
        session that asks for more (a menu) is closed, since nobody will answer it.
        """
        attempts = [True] if self.ussd_packed else [False, True]
        notice: UssdReply | None = None
        refused: CommandError | None = None
        while attempts:
            packed = attempts.pop(0)
            self.ussd_packed = packed
            request = ussd.encode_ussd_request(code) if packed else code
            try:
                self.command(f'AT+CUSD=1,"{request}",15', timeout=timeout)
            except CommandError as error:
                if errors.is_network_refusal(error):
                    self.ussd_packed = False
                    raise
                refused = error
                if packed and not notice and self.try_command("AT^USSDMODE=0") is not None:
                    attempts.append(False)  # a Huawei in "transparent" mode that wants text after all
                continue
            # A bare "not supported" to a text request may mean "send it packed": try that soon.
            grace = self.ussd_notice_grace if packed else self.ussd_packed_after
            reply = self._ussd_answer(time.monotonic() + timeout, grace)
            if reply is None:
                break
            if reply.status in (0, 1) or (reply.status == 2 and reply.text):
                if reply.status == 1:
                    self.try_command("AT+CUSD=2")  # a menu waits for an answer nobody will give
                return reply
            notice = reply
            if reply.status != 4 or packed:
                break  # 4 to a text request may mean "send it packed"; anything else is the network's word
        self.ussd_packed = False
        if notice is not None:
            reason = ussd.status_reason(notice.status) or gettext_noop("The network did not answer the USSD code.")
            raise CommandError(reason, f"{code}: +CUSD: {notice.status}")
        if refused is not None:
            raise refused
        raise CommandTimeout(gettext_noop("The network did not answer the USSD code in time."), code)

    def _ussd_answer(self, deadline: float, grace: float) -> UssdReply | None:
        """The network's answer: a final one (+CUSD: 0 or 1) at once; a release (+CUSD: 2) with
        text if no final one follows within a second; a bare notice (2, 4, or 3: another client
        answered) only if nothing better follows within `grace`. An error line is the network's
        refusal (e.g. +CME ERROR: 132, "service option not supported", after the OK)."""
        best: UssdReply | None = None
        best_at = 0.0
        # Answers that came before the OK were queued with the other notices.
        queued = [event for event in self.events if isinstance(event, UssdReply)]
        for event in queued:
            self.events.remove(event)
        while True:
            if queued:
                reply = queued.pop(0)
            else:
                if best is None:
                    until = deadline
                else:
                    until = min(deadline, best_at + (min(grace, USSD_RELEASE_GRACE) if best.text else grace))
                line = self._read_line(until)
                if line is None:
                    return best
                if line in FINAL_OK:
                    continue
                error = parse_error_line(line)
                if error is not None:
                    error.detail = f"+CUSD: {error.detail}"
                    raise error
                if not line.startswith("+CUSD:"):
                    self._handle_unsolicited(line, until)  # a notice meanwhile: queued for the caller
                    continue
                reply = self._ussd_event(line, until)
            if reply.status in (0, 1):
                return reply
            useful = reply.status == 2 and reply.text
            if best is None or (useful and not (best.status == 2 and best.text)):
                best, best_at = reply, time.monotonic()
