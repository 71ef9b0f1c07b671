"""The simulated SMSC on a loopback port: one thread accepting, one per connection reading, one
timer thread for what comes later (delayed answers, receipts, redeliveries).

    smsc = SimulatedSmsc(password="clave", report_delay=0.1)
    host, port = smsc.start()
    smsc.inject_sms("+59170000288", "Hola")   # a deliver_sm to whoever binds as receiver
    smsc.unplug(); smsc.replug()              # connections cut and refused; back on the same port
    smsc.stop()

Every public method is thread-safe.
"""

from __future__ import annotations

import collections
import contextlib
import heapq
import itertools
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from smpplib.command_codes import get_command_code

from modem.transports.smpp import HEADER, MAX_PDU, PduMalformed, encode_pdu, parse_pdu
from simulators.settings import SentSms
from simulators.smsc.messages import mo_parts, receipt, sent_parts

logger = logging.getLogger("smsmotor.simulators")

ROK, RINVCMDLEN, RINVCMDID, RINVBNDSTS, RALYBND = 0x00, 0x02, 0x03, 0x04, 0x05
RINVDSTADR, RINVPASWD, RINVSYSID, RTHROTTLED, RX_T_APPN = 0x0B, 0x0E, 0x0F, 0x58, 0x64
RECEIVERS = {"bind_transceiver", "bind_receiver"}
TRANSMITTERS = {"bind_transceiver", "bind_transmitter"}
DELIVER_WINDOW = 10  # deliver_sm waiting for their answer on one session


@dataclass
class Delivery:
    """A deliver_sm the SMSC owes an ESME: a receipt or a message from a phone."""

    fields: dict[str, Any]
    attempts: int = 0


@dataclass(eq=False)  # hashed by identity: kept in a set
class Session:
    sock: socket.socket
    bound: str = ""  # the bind command, once bound
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    sequence: int = 0
    unanswered: dict[int, tuple[Delivery, float]] = field(default_factory=dict)  # deliver_sm sequence -> it
    closed: bool = False


class SimulatedSmsc:
    """An SMPP 3.4 SMSC for one account. `latency`: seconds before each submit_sm_resp;
    `report_delay`: seconds from submit to receipt; `hex_ids_in_resp`/`decimal_ids_in_receipts`:
    how message ids are spelled (as real SMSCs disagree with themselves); `report_status`: the
    receipts' stat (DELIVRD, UNDELIV...); `receipt_tlvs`: add receipted_message_id and
    message_state (SMPP 3.3-style SMSCs send only the text); `throttle_per_second`: submit_sm
    over this rate get ESME_RTHROTTLED."""

    def __init__(
        self,
        system_id: str = "smsmotor",
        password: str = "clave",
        *,
        latency: float = 0.0,
        report_delay: float = 0.0,
        hex_ids_in_resp: bool = True,
        decimal_ids_in_receipts: bool = True,
        report_status: str = "DELIVRD",
        receipt_tlvs: bool = True,
        throttle_per_second: int = 0,
        smsc_name: str = "SimSMSC",
        service_number: str = "2525",
        first_id: int = 0x2A0F3C,
    ):
        self.system_id, self.password = system_id, password
        self.latency, self.report_delay = latency, report_delay
        self.hex_ids_in_resp, self.decimal_ids_in_receipts = hex_ids_in_resp, decimal_ids_in_receipts
        self.report_status, self.receipt_tlvs = report_status, receipt_tlvs
        self.throttle_per_second, self.smsc_name = throttle_per_second, smsc_name
        self.service_number = service_number  # where phones send their messages: the account's short code
        self.dropped: list[dict[str, Any]] = []  # deliver_sm an ESME refused for good (not ESME_RX_T_APPN)
        self._sent: list[SentSms] = []
        self.received_pdus: collections.Counter[str] = collections.Counter()  # commands by name
        self.enquire_link_answers = 0  # enquire_link_resp from ESMEs to our ping()
        self._ids = itertools.count(first_id)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._outbox: collections.deque[Delivery] = collections.deque()
        self._sessions: set[Session] = set()
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._timer_order = itertools.count()
        self._recent: collections.deque[float] = collections.deque()  # accepted submit_sm times (throttling)
        self._refusals: collections.deque[tuple[int, bool]] = collections.deque()
        self._lose_next = 0
        self._listener: socket.socket | None = None
        self._host, self._port = "127.0.0.1", 0
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    # Life cycle -----------------------------------------------------------------------------
    def start(self, port: int = 0) -> tuple[str, int]:
        self._port = port
        self._listen()
        timer = threading.Thread(target=self._run_timers, name="simulated-smsc-timers", daemon=True)
        timer.start()
        self._threads.append(timer)
        return self._host, self._port

    def stop(self) -> None:
        self._stopping.set()
        self.unplug()
        with self._changed:
            self._changed.notify_all()

    def __enter__(self) -> SimulatedSmsc:
        if self._listener is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def unplug(self) -> None:
        """Gone: open connections cut, new ones refused. What it owes stays owed."""
        with self._lock:
            listener, self._listener = self._listener, None
            sessions = list(self._sessions)
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone leaves the port listening.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for session in sessions:
            self._drop(session)

    def replug(self) -> tuple[str, int]:
        """Back on the same port."""
        with self._lock:
            if self._listener is None:
                self._listen()
        return self._host, self._port

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self._host, self._port))
        listener.listen(16)
        self._port = listener.getsockname()[1]
        self._listener = listener
        thread = threading.Thread(target=self._accept, args=(listener,), name="simulated-smsc", daemon=True)
        thread.start()

    # Test hooks -----------------------------------------------------------------------------
    def inject_sms(self, sender: str, text: str, *, reference: int = 0x42) -> int:
        """A message from a phone: one deliver_sm, or UDH parts (8-bit reference) for a long text."""
        parts = mo_parts(sender, self.service_number, text, reference)
        for fields in parts:
            self._owe(fields)
        return len(parts)

    def inject_pdu(self, **fields: Any) -> None:
        """Any deliver_sm, its fields as smpplib takes them (e.g. a receipt as some SMSC writes it)."""
        self._owe(fields)

    def refuse_next(self, status: int = RTHROTTLED, *, count: int = 1, nack: bool = False, after: int = 0) -> None:
        """After `after` more are taken, the next `count` submit_sm are refused with `status` (as
        generic_nack if `nack`), e.g. after=1 to refuse the second part of a long message."""
        with self._lock:
            self._refusals.extend([(ROK, False)] * after + [(status, nack)] * count)

    def lose_next_answer(self) -> None:
        """The next submit_sm is taken (and sent on), but the connection drops when its answer is due."""
        with self._lock:
            self._lose_next += 1

    def ping(self) -> int:
        """An enquire_link to every bound session; how many were sent."""
        with self._lock:
            sessions = [session for session in self._sessions if session.bound]
        for session in sessions:
            self._send(session, "enquire_link", self._next(session))
        return len(sessions)

    @property
    def sent(self) -> list[SentSms]:
        """Every part the SMSC took for the network, oldest first (SMSC-split payload parts each)."""
        with self._lock:
            return list(self._sent)

    @property
    def owed(self) -> int:
        """deliver_sm not yet answered by any ESME (queued or in flight)."""
        with self._lock:
            return len(self._outbox) + sum(len(session.unanswered) for session in self._sessions)

    @property
    def bound(self) -> int:
        with self._lock:
            return sum(1 for session in self._sessions if session.bound)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"not so after {timeout} s")
                self._changed.wait(min(remaining, 0.05))

    # Serving --------------------------------------------------------------------------------
    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return  # unplugged or stopped
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            session = Session(sock)
            with self._lock:
                if self._listener is not listener:
                    sock.close()
                    return
                self._sessions.add(session)
            threading.Thread(target=self._serve, args=(session,), name="simulated-smsc-session", daemon=True).start()

    def _serve(self, session: Session) -> None:
        buffer = bytearray()
        try:
            while not session.closed:
                chunk = session.sock.recv(65536)
                if not chunk:
                    break
                buffer += chunk
                while len(buffer) >= HEADER.size:
                    length = int.from_bytes(buffer[:4], "big")
                    if not HEADER.size <= length <= MAX_PDU:
                        self._send(session, "generic_nack", 0, RINVCMDLEN)
                        return
                    if len(buffer) < length:
                        break
                    data = bytes(buffer[:length])
                    del buffer[:length]
                    self._handle(session, data)
        except OSError:
            pass
        finally:
            self._drop(session)

    def _handle(self, session: Session, data: bytes) -> None:
        try:
            pdu = parse_pdu(data)
        except PduMalformed:
            self._send(session, "generic_nack", int.from_bytes(data[12:16], "big"), RINVCMDLEN)
            return
        with self._lock:
            self.received_pdus[pdu.command] += 1
        if pdu.command.startswith("bind_") and not pdu.command.endswith("_resp"):
            self._bind(session, pdu)
        elif pdu.command == "submit_sm":
            self._submit(session, pdu)
        elif pdu.command == "deliver_sm_resp":
            self._delivered(session, pdu)
        elif pdu.command == "enquire_link":
            self._send(session, "enquire_link_resp", pdu.sequence)
        elif pdu.command == "enquire_link_resp":
            with self._lock:
                self.enquire_link_answers += 1
        elif pdu.command == "unbind":
            self._send(session, "unbind_resp", pdu.sequence)
            self._drop(session)
        elif pdu.command != "generic_nack":
            self._send(session, "generic_nack", pdu.sequence, RINVCMDID)

    def _bind(self, session: Session, pdu: Any) -> None:
        answer = f"{pdu.command}_resp"
        if session.bound:
            return self._send(session, answer, pdu.sequence, RALYBND)
        if pdu.fields.get("system_id") != self.system_id:
            return self._send(session, answer, pdu.sequence, RINVSYSID)
        if pdu.fields.get("password") != self.password:
            return self._send(session, answer, pdu.sequence, RINVPASWD)
        session.bound = pdu.command
        self._send(session, answer, pdu.sequence, system_id=self.smsc_name)
        with self._changed:
            self._changed.notify_all()
        self._push()

    def _submit(self, session: Session, pdu: Any) -> None:
        if session.bound not in TRANSMITTERS:
            return self._send(session, "submit_sm_resp", pdu.sequence, RINVBNDSTS)
        status, nack, number, lose = self._take(pdu)
        if status != ROK:
            return self._send(session, "generic_nack" if nack else "submit_sm_resp", pdu.sequence, status)
        message_id = f"{number:X}" if self.hex_ids_in_resp else str(number)
        if lose:
            self._later(self.latency, lambda: self._drop(session))
        else:
            answer = {"message_id": message_id}
            self._later(self.latency, lambda: self._send(session, "submit_sm_resp", pdu.sequence, **answer))
        wanted = pdu.fields.get("registered_delivery", 0) & 0x03  # 1: always, 2: on failure
        if wanted == 1 or (wanted == 2 and self.report_status != "DELIVRD"):
            spelled = str(number) if self.decimal_ids_in_receipts else f"{number:X}"
            fields = receipt(pdu, spelled, self.report_status, tlvs=self.receipt_tlvs)
            self._later(self.report_delay, lambda: self._owe(fields))

    def _take(self, pdu: Any) -> tuple[int, bool, int, bool]:
        """Whether the network takes this submit_sm: (status, as generic_nack, message number, lose its answer)."""
        with self._changed:
            status, nack = self._refusals.popleft() if self._refusals else (ROK, False)
            now = time.monotonic()
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            if status == ROK and self.throttle_per_second and len(self._recent) >= self.throttle_per_second:
                status = RTHROTTLED
            if status == ROK and not pdu.fields.get("destination_addr", "").isdigit():
                status = RINVDSTADR
            if status != ROK:
                return status, nack, 0, False
            self._recent.append(now)
            number = next(self._ids)
            lose, self._lose_next = self._lose_next > 0, max(0, self._lose_next - 1)
            self._sent.extend(sent_parts(pdu, number))
            self._changed.notify_all()
            return ROK, False, number, lose

    # What the SMSC owes the ESME ------------------------------------------------------------
    def _owe(self, fields: dict[str, Any]) -> None:
        with self._changed:
            self._outbox.append(Delivery(fields))
            self._changed.notify_all()
        self._push()

    def _push(self) -> None:
        """Hand queued deliver_sm to bound receivers, up to the window each."""
        while True:
            with self._lock:
                receivers = [s for s in self._sessions if s.bound in RECEIVERS and not s.closed]
                session = min(receivers, key=lambda s: len(s.unanswered), default=None)
                if not self._outbox or session is None or len(session.unanswered) >= DELIVER_WINDOW:
                    return
                delivery = self._outbox.popleft()
                delivery.attempts += 1
                sequence = self._next(session)
                session.unanswered[sequence] = (delivery, time.monotonic())
            self._send(session, "deliver_sm", sequence, **delivery.fields)

    def _delivered(self, session: Session, pdu: Any) -> None:
        with self._changed:
            found = session.unanswered.pop(pdu.sequence, None)
            if found and pdu.status == RX_T_APPN:  # "try again later": so it does, a second later
                self._later(1.0, lambda: self._owe(found[0].fields))
            elif found and pdu.status != ROK:
                self.dropped.append(found[0].fields)  # refused for good: a real SMSC gives up on it
            self._changed.notify_all()
        self._push()

    def _drop(self, session: Session) -> None:
        """The connection ends: what it left unanswered is owed again, first in line."""
        with self._changed:
            if session.closed:
                return
            session.closed = True
            self._sessions.discard(session)
            for delivery, _ in sorted(session.unanswered.values(), key=lambda item: item[1], reverse=True):
                self._outbox.appendleft(delivery)
            session.unanswered.clear()
            self._changed.notify_all()
        with contextlib.suppress(OSError):
            session.sock.shutdown(socket.SHUT_RDWR)
        session.sock.close()
        self._push()  # an ESME may have bound again before this session was seen to end

    # Plumbing -------------------------------------------------------------------------------
    def _next(self, session: Session) -> int:
        with self._lock:
            session.sequence = session.sequence % 0x7FFFFFFF + 1
            return session.sequence

    def _send(self, session: Session, command: str, sequence: int, status: int = ROK, **fields: Any) -> None:
        if command.endswith("_resp") and command not in ("submit_sm_resp", "deliver_sm_resp") and status:
            data = HEADER.pack(HEADER.size, _command_id(command), status, sequence)  # error answers: no body
        else:
            data = encode_pdu(command, sequence, status, **fields)
        try:
            with session.write_lock:
                session.sock.sendall(data)
        except OSError:
            self._drop(session)

    def _later(self, delay: float, action: Callable[[], None]) -> None:
        if delay <= 0:
            action()
            return
        with self._changed:
            heapq.heappush(self._timers, (time.monotonic() + delay, next(self._timer_order), action))
            self._changed.notify_all()

    def _run_timers(self) -> None:
        while not self._stopping.is_set():
            with self._changed:
                now = time.monotonic()
                due = []
                while self._timers and self._timers[0][0] <= now:
                    due.append(heapq.heappop(self._timers)[2])
                if not due:
                    wait = self._timers[0][0] - now if self._timers else 0.2
                    self._changed.wait(min(wait, 0.2))
            for action in due:
                try:
                    action()
                except Exception:
                    logger.exception("simulated SMSC: a timer failed")


def _command_id(command: str) -> int:
    return get_command_code(command)
