"""An AT modem (GSM/3G/LTE stick or module on a serial port) as a transport: `modem.at` does the
talking; this says what its answers mean for a message (refused, may have been sent, the line's
fault) and turns what the modem announces into plain events.

Delivery reports the modem keeps in its memory (+CDSI) are read together with one listing and one
chained deletion, at most once a second while sending: at full speed a report arrives for every
part sent.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from modem.at import errors, pdu
from modem.at.driver import (
    AtModem,
    MessageReceived,
    NewMessage,
    ReportReceived,
    ReportStored,
    Ring,
    StoredMessage,
    UssdReply,
)
from modem.at.errors import CmsError, CommandError, CommandTimeout, ModemError, PortError
from modem.transports.base import (
    Call,
    Capabilities,
    Concat,
    DeliveryReport,
    ErrorKind,
    Event,
    Incoming,
    LineStatus,
    Note,
    Signal,
    SubmitFailed,
    Transport,
    Unencodable,
    Unreadable,
    UssdAnswer,
    gettext_noop,
)

logger = logging.getLogger("smsmotor.modem")

# +CMS refusals that say more about the line than about the message (no credit, barred): the
# worker pauses the line after a few in a row instead of failing the whole queue at modem speed.
LINE_REFUSALS = {8, 10, 21, 69}
# Reports announced in the modem's memory are read together: when the line is idle, else between
# two sends once this many wait (at most once a second) or the oldest has waited this long. Each
# listing is a round trip to the modem that delays the next send.
REPORTS_READ_AT = 10
REPORTS_READ_EVERY = 1.0
REPORTS_READ_WITHIN = 30.0

ACKNOWLEDGE = "ack"  # a handle: +CNMA once saved
DELETE = "delete"  # a handle: (DELETE, index, storage), AT+CMGD once saved


class AtTransport(Transport):
    kind = "at"

    def __init__(
        self,
        port: str,
        *,
        baud_rate: int = 115200,
        command_timeout: float = 10.0,
        pin: str = "",
        init_commands: Iterable[str] = (),
        smsc: str = "",
        spanish: str = pdu.SpanishMode.UCS2.value,
        open_port: Callable[..., AtModem] = AtModem.open,
    ):
        self.port = port
        self.baud_rate = baud_rate
        self.command_timeout = command_timeout
        self.pin = pin
        self.init_commands = list(init_commands)
        self.smsc = smsc
        self.spanish = spanish
        self.open_port = open_port
        self.at: AtModem | None = None
        self.manufacturer = ""  # the brand: some error codes mean different things on each
        self.capabilities = Capabilities(delivery_reports=True, ussd=True, calls=True)
        self._planned: tuple[str, str, list[pdu.SubmitPdu]] | None = None
        self._reports_waiting = 0
        self._reports_first_at = 0.0
        self._reports_read_at = 0.0

    # Connection ---------------------------------------------------------------------------
    def open(self) -> LineStatus:
        self.at = self.open_port(self.port, self.baud_rate, command_timeout=self.command_timeout)
        self.at.on_wait = self._waiting
        self.at.initialise(pin=self.pin, init_commands=self.init_commands, smsc=self.smsc)
        identity = self.at.identify()
        self.manufacturer = identity.manufacturer
        signal = self.signal()
        self.at.keep_link_open()
        self.capabilities = replace(self.capabilities, calls=self.at.calls_supported)
        return LineStatus(
            manufacturer=identity.manufacturer,
            model=identity.model,
            revision=identity.revision,
            imei=identity.imei,
            operator=self.at.operator(),
            signal=signal,
            where=self.port,
        )

    def _waiting(self) -> None:
        if self.on_wait is not None:
            self.on_wait()

    def close(self) -> None:
        if self.at is not None:
            self.at.close()
            self.at = None

    def signal(self) -> Signal:
        signal = self.at.signal()
        return Signal(signal.dbm, signal.bars)

    def ussd(self, code: str) -> UssdAnswer:
        reply = self.at.ussd(code)
        return UssdAnswer(reply.status, reply.text)

    # Sending ------------------------------------------------------------------------------
    def _encode(self, phone: str, text: str) -> list[pdu.SubmitPdu]:
        if self._planned is not None and self._planned[:2] == (phone, text):
            return self._planned[2]
        try:
            parts = pdu.encode_submit(
                phone,
                text,
                spanish=pdu.SpanishMode(self.spanish),
                concat_reference=self.at.next_concat_reference(),
                status_report=True,
            )
        except pdu.PduError as error:
            raise Unencodable(gettext_noop("The message cannot be encoded: %(error)s"), error=str(error)) from error
        self._planned = (phone, text, parts)
        return parts

    def parts(self, phone: str, text: str) -> int:
        return len(self._encode(phone, text))

    def submit(self, phone: str, text: str, *, on_handed: Callable[[], None], ident: str = "") -> list[str]:
        parts = self._encode(phone, text)
        self._planned = None
        references: list[str] = []
        try:
            for part in parts:
                references.append(str(self.at.send_pdu(part, on_handed=on_handed)))
        except ModemError as error:
            raise self._failed(error, references) from error
        except BaseException:
            # on_handed() refused (the message was taken away, the database failed): nothing was
            # written after the prompt, so leave it without sending.
            with contextlib.suppress(ModemError):
                self.at.cancel_prompt()
            raise
        return references

    def _failed(self, error: ModemError, references: list[str]) -> SubmitFailed:
        """Only an error line from the modem means it refused the message; silence after the PDU
        was written means it may have left, and so does an error line after the data unless its
        code proves otherwise (errors.certainly_not_sent: "network timeout" may come after the
        network took it)."""
        silent = isinstance(error, CommandTimeout | PortError)
        refused = not silent and (
            not getattr(error, "after_data", False) or errors.certainly_not_sent(error, self.manufacturer)
        )
        return SubmitFailed(
            error.reason,
            error.detail,
            refused=refused,
            kind=error.kind,
            references=references,
            line_refusal=isinstance(error, CmsError) and error.code in LINE_REFUSALS,
            # A silent or vanished modem, or one that cannot send: reconnect before the next.
            reconnect=silent or error.kind is ErrorKind.MODEM,
            **error.params,
        )

    # Receiving ----------------------------------------------------------------------------
    def events(self, timeout: float = 0.0) -> list[Event]:
        found = self.at.pop_events() if (self.at.events or not timeout) else self.at.poll(timeout)
        events: list[Event] = []
        for event in found:
            try:
                events.extend(self._event(event))
            except CommandError as error:
                # e.g. +CMTI for a position already read and deleted: nothing to do.
                logger.warning("Modem on %s: could not handle %r: %s", self.port, event, error)
        # Reports announced in memory: read now when the caller has time to wait (idle), else (between
        # sends at full speed) once enough wait or the oldest has waited long enough.
        if self._reports_waiting and (
            timeout
            or (
                self._reports_waiting >= REPORTS_READ_AT
                and time.monotonic() - self._reports_read_at >= REPORTS_READ_EVERY
            )
            or time.monotonic() - self._reports_first_at >= REPORTS_READ_WITHIN
        ):
            events.extend(self.stored())
        return events

    def _event(self, event) -> list[Event]:
        if isinstance(event, ReportStored):
            if not self._reports_waiting:
                self._reports_first_at = time.monotonic()
            self._reports_waiting += 1  # read with the others: one listing, one deletion
        elif isinstance(event, NewMessage):
            stored = self.at.read_message(event.index, event.storage)
            return self._from_memory(stored) if stored is not None else []
        elif isinstance(event, MessageReceived):
            return [_incoming(event.deliver, raw="", handle=(ACKNOWLEDGE,))]
        elif isinstance(event, ReportReceived):
            # Saved before it is acknowledged: unacknowledged, the network sends it again.
            return [_report(event.report, handle=(ACKNOWLEDGE,))]
        elif isinstance(event, Ring):
            if not event.number and self.at.calls_supported:
                return []  # the +CLIP with the caller's number follows this RING
            return [Call(event.number)]
        elif isinstance(event, UssdReply):
            return [UssdAnswer(event.status, event.text)]
        return []

    def stored(self) -> list[Event]:
        self._reports_waiting = 0
        self._reports_read_at = time.monotonic()
        events: list[Event] = []
        for stored in self.at.list_messages():
            events.extend(self._from_memory(stored))
        return events

    def _from_memory(self, stored: StoredMessage) -> list[Event]:
        message = stored.message
        if stored.is_sent_copy:
            return []  # a draft or a copy of a sent message: not incoming, not ours to delete
        handle = (DELETE, stored.index, stored.storage or None)
        if isinstance(message, pdu.Deliver):
            return [_incoming(message, raw=stored.raw, handle=handle)]
        if isinstance(message, pdu.StatusReport):
            return [_report(message, handle=handle)]
        if stored.raw:
            return [Unreadable(stored.raw, stored.error, handle=handle)]
        logger.warning("Modem on %s: position %d listed without a message; left alone", self.port, stored.index)
        return []

    def settle(self, events: Sequence[Event]) -> None:
        deletions = []
        for event in events:
            if event.handle is None:
                continue
            if event.handle[0] == ACKNOWLEDGE:
                self.at.acknowledge()
            else:
                deletions.append(event.handle[1:])
        if deletions:
            try:
                self.at.delete_messages(deletions)
            except CommandError as error:
                logger.warning("Modem on %s: could not delete %r: %s", self.port, deletions, error)


def _incoming(deliver: pdu.Deliver, *, raw: str, handle) -> Incoming:
    concat = deliver.concat
    return Incoming(
        sender=deliver.sender,
        text=deliver.text,
        received_at=deliver.timestamp,
        concat=Concat(concat.reference, concat.total, concat.sequence) if concat else None,
        notes=tuple(Note(note.text, note.params) for note in deliver.notes),
        raw=raw if deliver.notes else "",
        handle=handle,
    )


def _report(report: pdu.StatusReport, *, handle) -> DeliveryReport:
    return DeliveryReport(
        reference=str(report.reference),
        status=report.status,
        delivered=report.delivered,
        final=report.final,
        recipient=report.recipient,
        submitted_at=report.sent_at,
        handle=handle,
    )
