"""The stick's SMS endpoints and the network behind them. A mixin of `firmware.Firmware`.

Sending: send-sms takes the whole text and answers OK at once; the firmware then splits it into
parts itself (GSM 7-bit when every character has one, UCS-2 otherwise; 153/67 characters a part
with a concatenation header, as `modem.at.pdu` does for the AT modems) and hands them to the
network one by one, `latency` seconds each. The network records every part as the AT simulator's
network does (`SentSms`, with the PDU), so a test sees exactly what went out and how often.
send-status follows the job; the sent box keeps one entry per recipient (Smstat 2 while going
out, 3 sent, 4 failed). There is no message reference in the answer: with UseSReport on, the
network's reports come back as inbox entries of SmsType 7 (delivered) or 8 (failed) carrying the
recipient's number and the time, one per part.

Receiving: an injected SMS reaches the stick as the network's SMS-DELIVER parts; the firmware
lists them as one entry (SmsType 2 when it came in parts), which grows part by part when
`part_gap` spaces them out. While the stick is off, out of coverage or its storage is full, the
network keeps SMS and reports and hands them over later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from modem.at.pdu import SpanishMode, SubmitPdu, decode, decode_submit, encode_deliver, encode_status_report
from modem.at.pdu import encode_submit as split_into_pdus
from simulators.hilink import settings as codes
from simulators.hilink.settings import (
    CONCATENATED,
    INBOX,
    READ,
    REPORT_DELIVERED,
    REPORT_FAILED,
    SEND_FAILED,
    SENDING,
    SENT,
    SENT_BOX,
    SINGLE,
    UNREAD,
    StoredMessage,
)
from simulators.hilink.wire import FirmwareError, as_list
from simulators.settings import LA_PAZ, NetworkReport, SentSms

if TYPE_CHECKING:
    from simulators.hilink.firmware import Call

FIRST_INDEX = 40000  # where E3372 sticks number their local storage from
NUMBER = re.compile(r"\+?\d{1,20}")
TRUE = ("1", "true")


@dataclass
class SendJob:
    """The last send-sms, as send-status shows it."""

    phones: list[str]
    succeeded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IncomingPart:
    sender: str
    text: str
    key: tuple[str, int]  # (sender, concatenation reference): the parts of one SMS
    sequence: int
    total: int
    timestamp: datetime


@dataclass(frozen=True)
class IncomingReport:
    recipient: str
    status: int
    done_at: datetime


class SmsEndpoints:
    def _init_sms(self) -> None:
        self.sent: list[SentSms] = []  # every part the network accepted
        self.reports: list[NetworkReport] = []  # every report the network generated
        self.stored: dict[int, StoredMessage] = {}
        self.use_sreport = self.settings.use_sreport
        self._next_index = FIRST_INDEX
        self._mr = 0
        self._concat_reference = self.rng.randrange(256)
        self._job: SendJob | None = None
        self._busy_until = 0.0
        self._last_send: float | None = None
        self._refusals = 0
        self._network_queue: list[IncomingPart | IncomingReport] = []
        self._assembling: dict[tuple[str, int], tuple[int, dict[int, str]]] = {}

    def _power_off_sms(self) -> None:
        """Parts not yet out are lost: their sent-box entries say failed."""
        for message in self.stored.values():
            if message.stat == SENDING:
                message.stat = SEND_FAILED
        if self._job is not None:
            self._job.failed += [p for p in self._job.phones if p not in self._job.succeeded + self._job.failed]
        self._busy_until = 0.0

    def refuse_next_sends(self, count: int = 1) -> None:
        """The network refuses the next `count` messages (each recipient counts once): the stick
        answered OK, then send-status lists them as failed."""
        self._refusals += count

    def _store(self, box: int, phone: str, content: str, date: datetime, stat: int, sms_type: int) -> StoredMessage:
        sca = self.settings.smsc if box == INBOX else ""
        message = StoredMessage(self._next_index, box, phone, content, date, stat, sms_type, sca)
        self.stored[message.index] = message
        self._next_index += 1
        return message

    def _full(self, room: int = 1) -> bool:
        return len(self.stored) + room > self.settings.capacity

    # Sending ---------------------------------------------------------------------------------
    def api_send_sms(self, call: Call) -> str:
        request = call.request
        listed = request.get("Phones")
        phones = [str(phone).strip() for phone in as_list(listed.get("Phone") if isinstance(listed, dict) else None)]
        content = str(request.get("Content") or "")
        if not phones or not content:
            raise FirmwareError(codes.SMS_ILLEGAL_ARGUMENT)
        for phone in phones:
            if not re.fullmatch(r"\+?\d+", phone):
                raise FirmwareError(codes.SMS_ILLEGAL_ARGUMENT)
            if not NUMBER.fullmatch(phone):
                raise FirmwareError(codes.SMS_NUMBER_TOO_LONG)
        now = self.clock()
        interval = self.settings.send_interval
        if now < self._busy_until or (self._last_send is not None and now - self._last_send < interval):
            raise FirmwareError(codes.SMS_SEND_REFUSED)
        if self._full(len(phones)):
            raise FirmwareError(codes.SMS_STORAGE_FULL)
        self._last_send = now
        self._job = job = SendJob(list(phones))
        delay = 0.0
        for phone in phones:
            self._concat_reference = (self._concat_reference + 1) % 256
            parts = split_into_pdus(
                phone,
                content,
                spanish=SpanishMode.UCS2,
                concat_reference=self._concat_reference,
                status_report=self.use_sreport,
            )
            kind = SINGLE if len(parts) == 1 else CONCATENATED
            entry = self._store(SENT_BOX, phone, content, self.now(), SENDING, kind)
            for part in parts:
                delay += self.settings.latency
                self.schedule(delay, partial(self._transmit, job, entry.index, phone, part))
        self._busy_until = now + delay
        return "OK"

    def _transmit(self, job: SendJob, index: int, phone: str, part: SubmitPdu) -> None:
        """One part reaches the network (or is refused there)."""
        if phone in job.failed:
            return
        entry = self.stored.get(index)  # deleted meanwhile: the part still goes
        s, first = self.settings, part.sequence == 1
        if first and self._refusals:  # refusals and the rate count messages, decided at the first part
            self._refusals -= 1
            refused = True
        else:
            refused = s.network_refuses or (first and self.fault_rng.random() < s.refusal_rate)
        if refused or not self._on_air():
            job.failed.append(phone)
            if entry is not None:
                entry.stat = SEND_FAILED
            return
        submit = decode_submit(part.hex)
        mr, self._mr = self._mr, (self._mr + 1) % 256
        at = datetime.now(LA_PAZ)
        self.sent.append(
            SentSms(
                number=submit.number,
                text=submit.text,
                mr=mr,
                concat=submit.concat,
                pdu=part.hex,
                at=at,
                encoding=submit.encoding,
                status_report=submit.status_report,
            )
        )
        if submit.status_report and self.settings.delivery_reports:
            self._report(mr, submit.number, at)
        if part.sequence == part.total:
            job.succeeded.append(phone)
            if entry is not None:
                entry.stat = SENT

    def _report(self, mr: int, recipient: str, sent_at: datetime) -> None:
        s = self.settings
        delay = s.delay(s.report_delay, 1.0)
        done_at = sent_at + timedelta(seconds=delay)
        pdu = encode_status_report(mr, recipient, s.report_status, sent_at=sent_at, done_at=done_at, smsc=s.smsc)
        self.reports.append(NetworkReport(mr, recipient, s.report_status, pdu, done_at))
        if 0x20 <= s.report_status < 0x40:
            return  # the service centre is still trying: nothing final to report yet
        report = IncomingReport(recipient, s.report_status, done_at)
        self.schedule(delay, partial(self._network_delivers, report), network=True)

    def api_send_status(self, call: Call) -> dict[str, Any]:
        job = self._job
        if job is None:
            return {"Phone": "", "SucPhone": "", "FailPhone": "", "TotalCount": 0, "CurIndex": 0}
        done = job.succeeded + job.failed
        return {
            "Phone": next((phone for phone in job.phones if phone not in done), ""),
            "SucPhone": ";".join(job.succeeded),
            "FailPhone": ";".join(job.failed),
            "TotalCount": len(job.phones),
            "CurIndex": len(done),
        }

    def api_sms_config(self, call: Call) -> dict[str, Any]:
        return {
            "SaveMode": 0,
            "Validity": 10752,
            "Sca": self.settings.smsc,
            "UseSReport": int(self.use_sreport),
            "SendType": 1,
            "pagesize": 20,
            "maxphone": 50,
            "import_enabled": 1,
            "url_enabled": 1,
            "cdma_enabled": 0,
            "smscharlang": 0,
            "smsisusepdu": 0,
            "sms_center_number_editabled": 0,
            "sms_forward_enable": 0,
            "switch_enable": 0,
            "country_number": "",
            "phone_number": "",
        }

    def api_set_sms_config(self, call: Call) -> str:
        self.use_sreport = str(call.request.get("UseSReport", "")).lower() in TRUE
        return "OK"

    # Receiving -------------------------------------------------------------------------------
    def inject_sms(self, sender: str, text: str, timestamp: datetime | None = None) -> list[str]:
        """An SMS from a customer, as the network's SMS-DELIVER PDUs (one per part, returned)."""
        self._concat_reference = (self._concat_reference + 1) % 256
        key = (sender, self._concat_reference)
        timestamp = (timestamp or self.now()).astimezone(LA_PAZ)
        pdus = encode_deliver(sender, text, timestamp=timestamp, concat_reference=key[1], smsc=self.settings.smsc)
        for sequence, pdu in enumerate(pdus, start=1):
            part = IncomingPart(sender, decode(pdu).text, key, sequence, len(pdus), timestamp)
            self.schedule((sequence - 1) * self.settings.part_gap, partial(self._network_delivers, part), network=True)
        self.advance()
        return pdus

    def _network_delivers(self, item: IncomingPart | IncomingReport) -> None:
        self._network_queue.append(item)
        self._flush_network()

    def _flush_network(self) -> None:
        """Hand the stick what the network holds, while it is on, in coverage and has room."""
        while self._network_queue and self.powered and self._on_air():
            if not self._receive(self._network_queue[0]):
                return  # storage full: the network tries again when there is room
            self._network_queue.pop(0)

    def _receive(self, item: IncomingPart | IncomingReport) -> bool:
        if isinstance(item, IncomingReport):
            if self._full():
                return False
            kind = REPORT_FAILED if item.status >= 0x40 else REPORT_DELIVERED
            self._store(INBOX, item.recipient, self.settings.report_content, item.done_at, UNREAD, kind)
            return True
        pending = self._assembling.get(item.key)
        if pending is not None and pending[0] in self.stored:
            index, parts = pending
            parts[item.sequence] = item.text
            self.stored[index].content = "".join(parts[n] for n in sorted(parts))
        else:
            if self._full():
                return False
            kind = SINGLE if item.total == 1 else CONCATENATED
            message = self._store(INBOX, item.sender, item.text, item.timestamp, UNREAD, kind)
            index, parts = message.index, {item.sequence: item.text}
        if len(parts) < item.total:
            self._assembling[item.key] = (index, parts)
        else:
            self._assembling.pop(item.key, None)
        return True

    # The boxes -------------------------------------------------------------------------------
    def api_sms_list(self, call: Call) -> dict[str, Any]:
        request = call.request
        try:
            page, count = int(request["PageIndex"]), int(request["ReadCount"])
            box, sort = int(request["BoxType"]), int(request.get("SortType") or 0)
        except (KeyError, TypeError, ValueError):
            raise FirmwareError(codes.FORMAT_ERROR) from None
        if page < 1 or not 1 <= count <= self.settings.max_read_count:
            raise FirmwareError(codes.FORMAT_ERROR)
        ascending = str(request.get("Ascending")) in TRUE
        entries = sorted(
            (message for message in self.stored.values() if message.box == box),
            key=lambda m: (m.phone, m.index) if sort == 1 else (m.index,) if sort == 2 else (m.date, m.index),
            reverse=not ascending,
        )
        if str(request.get("UnreadPreferred")) in TRUE:
            entries.sort(key=lambda message: message.stat != UNREAD)  # stable: the order stays within each group
        chunk = entries[(page - 1) * count : page * count]
        total = len(entries) if self.settings.list_count == "total" and chunk else len(chunk)
        return {"Count": total, "Messages": {"Message": [message.fields() for message in chunk]}}

    def api_sms_count(self, call: Call) -> dict[str, Any]:
        inbox = [message for message in self.stored.values() if message.box == INBOX]
        return {
            "LocalUnread": sum(message.stat == UNREAD for message in inbox),
            "LocalInbox": len(inbox),
            "LocalOutbox": len(self.stored) - len(inbox),
            "LocalDraft": 0,
            "LocalDeleted": 0,
            "SimUnread": 0,
            "SimInbox": 0,
            "SimOutbox": 0,
            "SimDraft": 0,
            "LocalMax": self.settings.capacity,
            "SimMax": 30,
            "SimUsed": 0,
            "NewMsg": 0,
        }

    def api_notifications(self, call: Call) -> dict[str, Any]:
        unread = sum(message.box == INBOX and message.stat == UNREAD for message in self.stored.values())
        full = int(self._full())
        return {"UnreadMessage": unread, "SmsStorageFull": full, "OnlineUpdateStatus": 10, "SimOperEvent": 0}

    def _indexes(self, call: Call) -> list[int]:
        try:
            return [int(index) for index in as_list(call.request.get("Index"))]
        except (TypeError, ValueError):
            raise FirmwareError(codes.FORMAT_ERROR) from None

    def api_delete_sms(self, call: Call) -> str:
        indexes = self._indexes(call)
        if not indexes or any(index not in self.stored for index in indexes):
            raise FirmwareError(codes.SMS_DELETE_FAILED)
        for index in indexes:
            del self.stored[index]
        self._flush_network()  # room again: the network delivers what it held back
        return "OK"

    def api_set_read(self, call: Call) -> str:
        for index in self._indexes(call):
            message = self.stored.get(index)
            if message is not None and message.stat == UNREAD:
                message.stat = READ
        return "OK"
