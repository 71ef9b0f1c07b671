"""The simulated modem's messages: the memories (SM, ME, SR), sending, receiving, listing.

A mixin of `AtInterpreter` (which owns the state it uses: settings, profile, cmgf, cnmi,
cpms...). PDU mode is what our driver speaks; text mode (AT+CMGF=1) is honoured by AT+CMGS,
AT+CMGL, AT+CMGR, +CMT and +CDS because a driver may find the modem left in it. The shapes per
family (the <alpha> field, blank lines, where reports go, which AT+CNMI values are refused)
come from the profile.

Longer than 500 lines on purpose: the memories, sending, receiving and listing share the modem's
state and answer in the shapes of each family; it is test equipment, not production code.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from modem.at.pdu import (
    Deliver,
    PduError,
    StatusReport,
    decode,
    decode_submit,
    encode_deliver,
    encode_status_report,
    encode_submit,
    tpdu_length,
)
from simulators.profiles import STATE_CMS
from simulators.settings import LA_PAZ, PROMPT, AtError, NetworkReport, SentSms, StoredSms

logger = logging.getLogger("smsmotor.simulators")

STAT_UNREAD, STAT_READ = 0, 1
TEXT_STATS = ("REC UNREAD", "REC READ", "STO UNSENT", "STO SENT", "ALL")  # <stat> 0-4 in text mode
_GROUP = re.compile(r"\(([^)]*)\)")


def parse_ranges(text: str) -> list[set[int]]:
    """ "(0-2),(0,1,3)" -> [{0, 1, 2}, {0, 1, 3}], as AT+CNMI=? lists them."""
    groups = []
    for group in _GROUP.findall(text):
        values: set[int] = set()
        for item in filter(None, group.split(",")):
            low, _, high = item.partition("-")
            values.update(range(int(low), int(high or low) + 1))
        groups.append(values)
    return groups


def scts(moment: datetime) -> str:
    """TS 27.005 time stamp: "26/12/02,10:00:00-16" (the zone in quarter hours)."""
    quarters = int(moment.utcoffset().total_seconds() // 900)
    return f"{moment:%y/%m/%d,%H:%M:%S}{'-' if quarters < 0 else '+'}{abs(quarters):02d}"


def first_octet(pdu: str) -> int:
    """The TPDU's first octet (after the SMSC part)."""
    smsc_length = int(pdu[:2], 16)
    return int(pdu[2 + 2 * smsc_length : 4 + 2 * smsc_length], 16)


def kind_of_number(number: str) -> int:
    return 145 if number.startswith("+") else 129


class SmsCommands:
    # Modes ------------------------------------------------------------------------------------
    def at_cmgf(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"+CMGF: {self.cmgf}"]
        if kind == "test":
            return ["+CMGF: (0-1)"]
        if kind == "set":
            self.cmgf = self._int(args, 0, range(2))
        return []

    def at_csms(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"+CSMS: {self.csms},1,1,1"]
        if kind == "test":
            return ["+CSMS: (0,1)"]
        if kind == "set":
            self.csms = self._int(args, 0, range(2))
            return ["+CSMS: 1,1,1"]
        return []

    def at_csmp(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"+CSMP: {self.csmp_fo},167,0,0"]
        if kind == "set" and args and args[0]:
            self.csmp_fo = self._int(args, 0, range(256))
        return []

    def at_cnma(self, kind: str, args: list[str]) -> list[str]:
        """Acknowledges a +CMT/+CDS under AT+CSMS=1 (TS 27.005 3.4.4); anything else: 340."""
        if kind == "test":
            return ["+CNMA: (0-2)"]
        if self.csms != 1 or self._awaiting_ack is None:
            raise self._cms(340)
        self._awaiting_ack = None
        self._flush_network()
        return []

    def at_csca(self, kind: str, args: list[str]) -> list[str]:
        self._need_sim_for_sms()
        if kind == "read":
            return [f'+CSCA: "{self.settings.smsc}",{kind_of_number(self.settings.smsc)}']
        if kind == "set" and args and args[0]:
            self.settings.smsc = args[0]
        return []

    def at_cmms(self, kind: str, args: list[str]) -> list[str]:
        if kind == "read":
            return [f"+CMMS: {self.cmms}"]
        if kind == "set":
            self.cmms = self._int(args, 0, range(3))
        return []

    # Memories ---------------------------------------------------------------------------------
    def _memory(self, name: str) -> dict[int, StoredSms]:
        return self.memories["SM" if name == "MT" else name]

    def _counts(self, name: str) -> str:
        return f"{len(self._memory(name))},{self.settings.capacity}"

    def at_cpms(self, kind: str, args: list[str]) -> list[str]:
        memories = self.profile.memories
        if not self.profile.sms_storage:
            if kind == "test":
                return ["+CPMS: (),(),()"]
            raise AtError("ERROR")
        self._need_sim_for_sms()
        if kind == "test":
            listed = ",".join(f'"{m}"' for m in memories)
            receive = ",".join(f'"{m}"' for m in memories if m != "SR")
            return [f"+CPMS: ({listed}),({listed}),({receive})"]
        if kind == "read":
            return ["+CPMS: " + ",".join(f'"{m}",{self._counts(m)}' for m in self.cpms)]
        if kind == "set":
            chosen = [memory.upper() for memory in args[:3]]
            if not chosen or any(m not in memories or (i == 2 and m == "SR") for i, m in enumerate(chosen)):
                raise self._cms(302)
            self.cpms[: len(chosen)] = chosen
            return ["+CPMS: " + ",".join(self._counts(m) for m in self.cpms)]
        return []

    def at_cnmi(self, kind: str, args: list[str]) -> list[str]:
        if not self.profile.sms_storage:
            raise AtError("ERROR")
        if kind == "read":
            return ["+CNMI: " + ",".join(map(str, self.cnmi))]
        if kind == "test":
            return [f"+CNMI: {self.profile.cnmi}"]
        if kind == "set":
            allowed, values = parse_ranges(self.profile.cnmi), []
            for position, limit in enumerate(allowed):
                text = args[position] if position < len(args) else ""
                if text == "":
                    values.append(self.cnmi[position])
                elif not text.isdigit() or int(text) not in limit:
                    raise AtError("ERROR") if self.profile.cnmi_refusal == "error" else self._cms(303)
                else:
                    values.append(int(text))
            self.cnmi = values
            self._flush_network()  # reports the network held until the modem routed them
        return []

    def _cnmi_defaults(self) -> list[int]:
        return [0 if 0 in values else min(values) for values in parse_ranges(self.profile.cnmi)]

    def _store(self, pdu: str, memory: str, stat: int = STAT_UNREAD) -> int | None:
        store, first = self._memory(memory), self.settings.first_index
        for index in range(first, first + self.settings.capacity):
            if index not in store:
                store[index] = StoredSms(index, stat, pdu, "SM" if memory == "MT" else memory)
                return index
        return None

    def preload(
        self,
        *,
        number: str,
        text: str,
        stat: int = STAT_READ,
        memory: str = "SM",
        index: int | None = None,
        timestamp: datetime | str | None = None,
    ) -> int:
        """Put a message in a memory, as if it had been there: stat 0/1 a received one, 2/3 an
        unsent draft / a sent copy (an SMS-SUBMIT). Returns its position."""
        if stat in (STAT_UNREAD, STAT_READ):
            moment = datetime.fromisoformat(timestamp) if isinstance(timestamp, str) else timestamp
            pdu = encode_deliver(number, text, timestamp=moment or datetime.now(LA_PAZ), smsc=self.settings.smsc)[0]
        elif stat in (2, 3):
            pdu = encode_submit(number, text, status_report=False, smsc=self.settings.smsc)[0].hex
        else:
            raise ValueError("stat is 0-3")
        if index is None:
            index = self._store(pdu, memory, stat)
            if index is None:
                raise ValueError(f"memory {memory} is full")
        else:
            self._memory(memory)[index] = StoredSms(index, stat, pdu, memory)
        return index

    # Listing and reading ----------------------------------------------------------------------
    def _need_storage(self) -> None:
        if not self.profile.sms_storage:
            raise AtError("ERROR")
        self._need_sim_for_sms()

    def at_cmgl(self, kind: str, args: list[str]) -> list[str]:
        if kind == "test":
            return ['+CMGL: ("REC UNREAD","REC READ","STO UNSENT","STO SENT","ALL")' if self.cmgf else "+CMGL: (0-4)"]
        self._need_storage()
        if self.cmgf == 0:
            wanted = self._int(args, 0, range(5), default=0) if kind == "set" else STAT_UNREAD
        elif kind == "set" and (args[0] if args else "").upper() not in TEXT_STATS:
            raise self._cms(302)
        else:
            wanted = TEXT_STATS.index(args[0].upper()) if kind == "set" else STAT_UNREAD
        blank = self.settings.listing_blank_lines
        blank = self.profile.listing_blank_lines if blank is None else blank
        lines: list[str] = []
        store = self._memory(self.cpms[0])
        for index in sorted(store):
            sms = store[index]
            if wanted != 4 and sms.stat != wanted:
                continue
            if lines and self.settings.listing_interleave:
                lines.append(self.settings.listing_interleave)  # a notice in the middle of the answer
            lines += self._text_entry(f"+CMGL: {index},", sms) if self.cmgf else self._pdu_entry(index, sms)
            if blank:
                lines.append("")
            if sms.stat == STAT_UNREAD:
                sms.stat = STAT_READ
        return lines

    def at_cmgr(self, kind: str, args: list[str]) -> list[str]:
        if kind != "set":
            return []
        self._need_storage()
        sms = self._memory(self.cpms[0]).get(self._index(args))
        if sms is None:
            if self.profile.empty_read_ok:
                return []  # an empty position: a bare OK (Wavecom)
            raise self._cms(321)
        lines = self._text_entry("+CMGR: ", sms) if self.cmgf else self._pdu_entry(None, sms)
        if sms.stat == STAT_UNREAD:
            sms.stat = STAT_READ
        return lines

    def at_cmgd(self, kind: str, args: list[str]) -> list[str]:
        store = self._memory(self.cpms[0])
        if kind == "test":
            return [f"+CMGD: ({','.join(map(str, sorted(store)))}),(0-4)"]
        if kind != "set":
            return []
        self._need_storage()
        index = self._index(args)
        flag = args[1] if len(args) > 1 and args[1] else "0"
        if flag not in "01234" or len(flag) != 1:
            raise self._cms(302)
        # TS 27.005 3.5.4: 1 read, 2 read and sent, 3 read, sent and unsent, 4 all.
        doomed = {"0": None, "1": {1}, "2": {1, 3}, "3": {1, 2, 3}, "4": {0, 1, 2, 3}}[flag]
        if doomed is None:
            store.pop(index, None)
        else:
            for stale in [i for i, sms in store.items() if sms.stat in doomed]:
                del store[stale]
        self._flush_network()  # room on the SIM: the network delivers what it held back
        return []

    def _index(self, args: list[str]) -> int:
        first = self.settings.first_index
        try:
            index = int(args[0])
        except (ValueError, IndexError):
            raise self._cms(321) from None
        if not first <= index < first + self.settings.capacity:
            raise self._cms(321)
        return index

    def _party(self, message: Any) -> str:
        if isinstance(message, Deliver):
            return message.sender
        return message.recipient if isinstance(message, StatusReport) else message.number

    def _te_text(self, text: str) -> str:
        """Text as the TE character set shows it: UCS2 is hex, the others the characters."""
        return text.encode("utf-16-be").hex().upper() if self.cscs == "UCS2" else text

    def _alpha(self, message: Any, empty: str) -> str:
        name = self.settings.phonebook.get(self._party(message))
        return f'"{self._te_text(name)}"' if name else empty

    def _pdu_entry(self, index: int | None, sms: StoredSms) -> list[str]:
        alpha = self._alpha(decode(sms.pdu), self.profile.alpha)
        length = tpdu_length(sms.pdu)
        if index is not None:
            return [f"+CMGL: {index},{sms.stat},{alpha},{length}", sms.pdu]
        if not self.profile.cmgr_alpha:
            return [f"+CMGR: {sms.stat},{length}", sms.pdu]
        return [f"+CMGR: {sms.stat},{alpha},{length}", sms.pdu]

    def _text_entry(self, prefix: str, sms: StoredSms) -> list[str]:
        message, stat = decode(sms.pdu), TEXT_STATS[sms.stat]
        if isinstance(message, StatusReport):
            return [prefix + f'"{stat}",' + self._report_fields(sms.pdu, message)]
        alpha = self._alpha(message, "")
        party = self._party(message)
        if isinstance(message, Deliver):
            head = f'{prefix}"{stat}","{party}",{alpha},"{scts(message.timestamp)}"'
        else:
            head = f'{prefix}"{stat}","{party}",{alpha},'
        return [head, *self._te_text(message.text).split("\n")]

    def _report_fields(self, pdu: str, report: StatusReport) -> str:
        """<fo>,<mr>,<ra>,<tora>,<scts>,<dt>,<st> of a status report in text mode."""
        return (
            f'{first_octet(pdu)},{report.reference},"{report.recipient}",{kind_of_number(report.recipient)},'
            f'"{scts(report.sent_at)}","{scts(report.done_at)}",{report.status}'
        )

    # Sending ----------------------------------------------------------------------------------
    def at_cmgs(self, kind: str, args: list[str]) -> list[str] | object:
        if kind == "test":
            return []
        if kind != "set":
            raise self._cms(302)
        self._need_sim_for_sms()
        if self.cmgf == 1:
            if not args or not args[0]:
                raise self._cms(302)
            self._prompt = ("text", args[0])
        else:
            try:
                length = int(args[0])
            except (ValueError, IndexError):
                raise self._cms(304) from None
            if not 7 <= length <= 164:
                raise self._cms(304)
            self._prompt = ("pdu", length)
        self._run_send_actions("prompt")
        if self.powered:
            self.emit(b"\r\n> ")  # no newline after the prompt, like every real modem
        return PROMPT

    def on_next_send(self, action: Callable[[], None], when: str = "answer") -> None:
        """Run `action` in the middle of the next AT+CMGS: right before its "> " prompt
        (when="prompt") or while the network is busy with the PDU, before +CMGS (when="answer")."""
        if when not in ("prompt", "answer"):
            raise ValueError("when is 'prompt' or 'answer'")
        self._send_actions.append((when, action))

    def _run_send_actions(self, when: str) -> None:
        due = [action for moment, action in self._send_actions if moment == when]
        self._send_actions = [(moment, action) for moment, action in self._send_actions if moment != when]
        for action in due:
            action()

    def _submit(self, prompt: tuple[str, Any], data: str) -> None:
        mode, value = prompt
        try:
            if mode == "text":  # the modem builds the PDU: first part only, report as AT+CSMP asks
                text = data.replace("\r\n", "\n").replace("\r", "\n")
                pdu = encode_submit(value, text, status_report=bool(self.csmp_fo & 0x20))[0].hex
            else:
                pdu = "".join(data.split())
                if tpdu_length(pdu) != value:
                    raise PduError(f"AT+CMGS={value} but the PDU has {tpdu_length(pdu)} octets")
            submit = decode_submit(pdu)
        except (PduError, ValueError) as exc:
            logger.debug("sim refused the PDU: %s", exc)
            self._say(self._cms(304).result)
            return
        self._busy = True  # the network round trip: nothing else is read meanwhile
        self._run_send_actions("answer")
        if not self.powered:
            return  # an action unplugged the modem: the send is lost, no answer ever comes
        self.schedule(self.settings.latency, lambda: self._answer_send(submit, pdu))

    def _answer_send(self, submit: Any, pdu: str) -> None:
        self._busy = False
        error = self._send_error()
        if error is not None:
            self._say(error.result)
        else:
            mr, self._mr = self._mr, (self._mr + 1) % 256
            now = datetime.now(LA_PAZ)
            self.sent.append(
                SentSms(
                    number=submit.number,
                    text=submit.text,
                    mr=mr,
                    concat=submit.concat,
                    pdu=pdu,
                    at=now,
                    encoding=submit.encoding,
                    status_report=submit.status_report,
                )
            )
            self._say(f"+CMGS: {mr}")
            self._say("OK")
            if submit.status_report and self.settings.delivery_reports:
                delay = self.settings.delay(self.settings.report_delay, 1.0)
                done = now + timedelta(seconds=delay)
                report = encode_status_report(mr, submit.number, 0, sent_at=now, done_at=done, smsc=self.settings.smsc)
                self.reports.append(NetworkReport(mr, submit.number, 0, report, done))
                self._reports_in_flight.append(report)
                self.schedule(delay, lambda: self._report_arrives(report))
        self._process()  # commands that came while the network was busy

    def _send_error(self) -> AtError | None:
        s, state = self.settings, self.sim_state()
        if state == "BUSY":
            return self._cme(self.profile.busy_code)
        if not self._serving():
            return self._cms(STATE_CMS.get(state, 302))
        if not self.registered():
            return self._cms(331)
        if s.no_credit:
            return self._cms(s.no_credit_code)
        if s.cms_error_rate and self.rng.random() < s.cms_error_rate:
            return self._cms(s.error_code)
        if s.transient_error_rate and self.rng.random() < s.transient_error_rate:
            return self._cms(self.rng.choice(self.profile.transient_errors))
        return None

    # Incoming ---------------------------------------------------------------------------------
    def inject_sms(self, sender: str, text: str, timestamp: datetime | None = None) -> list[str]:
        """An SMS from the network: its parts (one concat reference) stored or delivered per CNMI."""
        self._concat_reference = (self._concat_reference + 1) % 256
        parts = encode_deliver(
            sender,
            text,
            timestamp=timestamp or datetime.now(LA_PAZ),
            concat_reference=self._concat_reference,
            smsc=self.settings.smsc,
        )
        self._network_queue += parts
        self._flush_network()
        return parts

    def _flush_network(self) -> None:
        """Deliver what the network holds for us, once we are registered and the SIM has room
        (and, under AT+CSMS=1, the last +CMT was acknowledged)."""
        while self._network_queue and self.registered() and self._awaiting_ack is None:
            pdu = self._network_queue[0]
            mode, mt = self.cnmi[0], self.cnmi[1]
            if mode and mt == 2:
                self._network_queue.pop(0)
                self._say(*self._cmt_lines(pdu))
                self._expect_ack("sms", pdu)
                continue
            index = self._store(pdu, self.cpms[2])
            if index is None:
                if self.profile.caret_commands:
                    self._say(f'^SMMEMFULL: "{self.cpms[2]}"')
                return  # the network keeps it and tries again when there is room
            if mode and mt in (1, 3):
                self._say(f'+CMTI: "{self.cpms[2]}",{index}')
            self._network_queue.pop(0)
        while self._report_queue and self.registered() and self._awaiting_ack is None and self.cnmi[3]:
            if not self._route_report(self._report_queue[0]):
                return
            self._report_queue.pop(0)

    def _cmt_lines(self, pdu: str) -> list[str]:
        if self.cmgf == 0:
            return [f"+CMT: ,{tpdu_length(pdu)}", pdu]
        message = decode(pdu)
        head = f'+CMT: "{message.sender}",{self._alpha(message, "")},"{scts(message.timestamp)}"'
        return [head, *self._te_text(message.text).split("\n")]

    def _expect_ack(self, kind: str, pdu: str) -> None:
        """Under AT+CSMS=1 a +CMT/+CDS waits for AT+CNMA; without it in time the modem gives up
        direct routing (<mt> and <ds> to 0, TS 27.005 3.4.1) and the network keeps the message."""
        if self.csms != 1:
            return
        token = self._awaiting_ack = (kind, pdu)

        def timeout() -> None:
            if self._awaiting_ack is not token:
                return
            self._awaiting_ack = None
            self.cnmi[1] = self.cnmi[3] = 0
            if kind == "sms":
                self._network_queue.insert(0, pdu)
            else:
                self._store(pdu, self.profile.report_memory or self.cpms[2])
            self._flush_network()

        self.schedule(self.settings.cnma_timeout, timeout)

    def inject_status_report(self, reference: int, recipient: str, status: int = 0) -> str:
        now = datetime.now(LA_PAZ)
        sent_at = now - timedelta(seconds=5)
        report = encode_status_report(
            reference, recipient, status, sent_at=sent_at, done_at=now, smsc=self.settings.smsc
        )
        self.reports.append(NetworkReport(reference, recipient, status, report, now))
        self._route_report(report)
        return report

    def _report_arrives(self, report: str) -> None:
        if report in self._reports_in_flight:
            self._reports_in_flight.remove(report)
            self._route_report(report)

    def _route_report(self, report: str) -> bool:
        """Hand a report to the modem as AT+CNMI says; False when the network must keep it for
        later, as a real service centre does: the modem is off or not registered, it routes no
        reports yet (<ds> 0, e.g. just powered on), or its memory is full."""
        mode, ds = self.cnmi[0], self.cnmi[3]
        if not self.registered() or not mode or not ds:
            if report not in self._report_queue:
                self._report_queue.append(report)
            return False
        if ds == 1:
            if self.cmgf:
                self._say("+CDS: " + self._report_fields(report, decode(report)))
            else:
                self._say(f"+CDS: {tpdu_length(report)}", report)
            self._expect_ack("report", report)
            return True
        memory = self.profile.report_memory or self.cpms[2]
        index = self._store(report, memory)
        if index is None:
            if report not in self._report_queue:
                self._report_queue.append(report)
            return False
        self._say(f'+CDSI: "{memory}",{index}')
        return True
