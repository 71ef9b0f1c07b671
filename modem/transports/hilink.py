"""A Huawei HiLink LTE stick (E3372h, E8372, E5573...) as a transport: its web API on 192.168.8.1
through huawei_lte_api, the library Home Assistant uses. Plain Python, no Django.

What the stick does differently from an AT modem, and what this does about it:
- It splits long texts itself and gives no message reference: `submit()` returns one "" per part
  (counted with `modem.at.pdu.plan`, as the stick splits); reports match by recipient and time.
- It answers OK at once and sends afterwards: `submit()` follows send-status until the job ends
  (the stick refuses another send meanwhile anyway, 113004), so a network refusal is not "sent".
- Reports are inbox entries (SmsType 7 delivered, 8 failed) once `open()` switches UseSReport
  on; received SMS come joined by the stick. The inbox is polled.
- Sessions: the firmware forgets them (idle timeout, reboot) and refuses spent tokens. Its
  answers 125002/125003/100003 come before it looks at the request, so logging in again and
  repeating the request once is safe, even for a send. An <error> answer hands out no new token,
  so the library's token queue falls behind: the tokens are reloaded after every error.
- Everything the stick keeps counts against one memory (inbox and sent box together, 500 on an
  E3372), and a full memory stops both sending (113053) and receiving: the copies of sent
  messages are deleted at `open()`, every PURGE_AFTER sends, when idle and when a send finds it full.

Longer than 500 lines on purpose: login, sessions, sending, the inbox and USSD share one session
and its token queue; split, each part would have to reach into the others' state.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any
from xml.parsers.expat import ExpatError

import requests
from huawei_lte_api import exceptions as library
from huawei_lte_api.api.User import UserSession
from huawei_lte_api.Client import Client
from huawei_lte_api.Connection import Connection
from huawei_lte_api.enums.sms import BoxTypeEnum, PriorityEnum, SaveModeEnum, SendTypeEnum
from urllib3.exceptions import ConnectTimeoutError

from modem.at import pdu
from modem.transports.base import (
    Capabilities,
    DeliveryReport,
    ErrorKind,
    Event,
    Incoming,
    LineStatus,
    SecretRejected,
    Signal,
    SubmitFailed,
    Transport,
    TransportError,
    UssdAnswer,
    gettext_noop,
)
from modem.transports.plans import device_plan

logger = logging.getLogger("smsmotor.modem")

# Answers that come before the firmware looks at the request: log in again and repeat it once.
SESSION_ERRORS = (
    library.ResponseErrorLoginRequiredException,  # 100003
    library.ResponseErrorLoginCsrfException,  # 125002 (after the library's own reload and retry)
    library.ResponseErrorWrongSessionToken,  # 125003
)
BUSY = {100004, 113004, 113018}  # system busy; a send while the previous one goes out; SMS module busy
BAD_MESSAGE = {113017, 113054, 113055}  # illegal argument, number too long, invalid number or text
STORAGE_FULL = 113053
USSD_IN_SESSION, USSD_NO_ANSWER = 111013, 111019
SENDING, MULTIPART, REPORT_DELIVERED, REPORT_FAILED = 2, 2, 7, 8  # Smstat; SmsType values
FAILED_REPORT_STATUS = 0x40  # TP-ST "permanent error": the entry carries no status of its own
PURGE_AFTER = 20  # sent copies deleted at least this often (and whenever idle)
PAGE_SIZE = 20  # sms-list's ReadCount: the web UI's own page size (sms/config pagesize)
MAX_PAGES = 50
BUSY_BACKOFF_MAX = 60.0
SEND_STATUS_EVERY = 0.2  # seconds between send-status reads while the stick sends
SECONDS_PER_PART = 10.0  # how long a part may take on the air before we stop following the job
USSD_WAIT = 30.0
NUMBER = re.compile(r"\+?\d{1,20}")
DBM = re.compile(r"-?\d+")

UNREACHABLE = gettext_noop(
    "The stick does not answer at %(url)s: check that it is plugged in and that this computer can reach it."
)
REFUSED = gettext_noop("The stick refused the request; restart it if this keeps happening.")
NOT_UNDERSTOOD = gettext_noop("The stick gave an answer this system does not understand; restart it if this goes on.")
ANSWER_LOST = gettext_noop("The stick stopped answering while it was taking the message.")
STICK_BUSY = gettext_noop("The stick was still busy with the previous message; this one goes again shortly.")
NETWORK_REFUSED = gettext_noop(
    "The stick could not hand the message to the network: check the SIM's credit and signal."
)
BAD_MESSAGE_REASON = gettext_noop("The stick refused this message: check the phone number and the text.")
FULL = gettext_noop("The stick's message memory is full; it sends again once its inbox is emptied.")
# Other <error> answers to send-sms. The stick answers OK before it sends anything, so any error
# answer means the message did not leave.
SEND_REFUSALS = {
    **dict.fromkeys(BAD_MESSAGE, (BAD_MESSAGE_REASON, ErrorKind.PERMANENT)),
    STORAGE_FULL: (FULL, ErrorKind.MODEM),
}
NOT_SENT = {"refused": True, "kind": ErrorKind.MODEM, "reconnect": True}  # the line failed, before sending
MAYBE_SENT = {"refused": False, "kind": ErrorKind.MODEM, "reconnect": True}  # the line failed, after


class StickRefused(TransportError):
    """The stick is there and answered an <error> code."""

    def __init__(self, code: int):
        super().__init__(REFUSED, f"error {code}")
        self.code = code


class WrongPassword(SecretRejected):
    """108006 and friends: not tried again until the password changes (the stick locks logins)."""


class PasswordNeeded(SecretRejected):
    """The stick asks for a login and the settings give no password."""


class LockedOut(TransportError):
    """Logins blocked after wrong passwords, maybe someone else's: the worker may try later, and no
    login is attempted while the stick says it is locked, so waiting never extends the lock."""


class HiLinkTransport(Transport):
    kind = "hilink"

    def __init__(
        self,
        url: str,
        *,
        username: str = "admin",
        password: str = "",
        timeout: float = 10.0,
        spanish: str = pdu.SpanishMode.UCS2.value,
        poll_every: float = 2.0,
        multipart_wait: float = 5.0,
        tz: datetime.tzinfo | None = None,
        connection_factory: Callable[..., Connection] = Connection,
    ):
        self.url = url
        self.username = username or "admin"
        self.password = password
        self.timeout = timeout
        self.spanish = spanish
        self.poll_every = poll_every
        self.multipart_wait = multipart_wait  # seconds a long SMS must stay unchanged: the stick lists it as it grows
        self.tz = tz or datetime.datetime.now().astimezone().tzinfo  # the stick's clock: naive local time
        self.connection_factory = connection_factory
        self.connection: Connection | None = None
        self.client: Client | None = None
        # The stick paces itself (one job at a time, and submit() waits for it): no limit of its own known.
        self.capabilities = Capabilities(delivery_reports=False, references=False, splits_itself=True)
        self._backoff = 0.0
        self._copies = 0  # sent copies the stick keeps since the last purge
        self._next_poll = 0.0
        self._returned: set[int] = set()  # indexes events() gave and settle() has not deleted yet
        self._growing: dict[int, tuple[str, float]] = {}  # long SMS: index -> (content, unchanged since)

    # Connection ---------------------------------------------------------------------------
    def open(self) -> LineStatus:
        with self._translated():
            self._login()
        information = self._call(lambda client: client.device.information())
        plmn = self._call(lambda client: client.net.current_plmn())
        self._enable_reports()
        self._purge_sent_box()
        return LineStatus(
            manufacturer="Huawei",
            model=information.get("DeviceName") or "",
            revision=information.get("SoftwareVersion") or "",
            imei=information.get("Imei") or "",
            operator=plmn.get("FullName") or plmn.get("ShortName") or "",
            signal=self.signal(),
            where=self.url,
        )

    def _login(self) -> None:
        """A new session (the old one is dropped, not logged out: it is dead or refused), logged in
        when there is a password."""
        self.close(log_out=False)
        connection = self.connection_factory(self.url, timeout=self.timeout)
        self.connection, self.client = connection, Client(connection)
        if not self.password:
            return
        with contextlib.suppress(library.ResponseErrorNotSupportedException):  # no login state: no login
            state = self.client.user.state_login()
            if str(state.get("lockstatus")) == "1":
                raise self._locked(state)
        try:
            connection.user_session = UserSession(connection, self.username, self.password)
        except library.LoginErrorInvalidCredentialsException as error:
            reason = gettext_noop("The stick refused the password: correct it in the modem settings.")
            raise WrongPassword(reason, f"error {error.code}") from error
        except library.LoginErrorUsernamePasswordOverrunException as error:
            raise self._locked(self.client.user.state_login()) from error

    def _locked(self, state: dict) -> LockedOut:
        # remainwaittime read as seconds, as the simulator gives it (not checked on a real stick).
        seconds = int(state.get("remainwaittime") or 0)
        if not seconds:
            reason = gettext_noop(
                "The stick blocks logins for a while after several wrong passwords; wait, and check the password "
                "in the modem settings."
            )
            return LockedOut(reason, "error 108007")
        reason = gettext_noop(
            "The stick blocks logins for about %(minutes)d min after several wrong passwords; wait, and check the "
            "password in the modem settings."
        )
        return LockedOut(reason, "error 108007", minutes=-(-seconds // 60))

    def close(self, *, log_out: bool = True) -> None:
        if self.connection is not None:
            if not log_out:
                self.connection.user_session = None
            try:
                self.connection.close()  # logs out when logged in
            except (requests.RequestException, library.ResponseErrorException, ExpatError) as error:
                logger.info("HiLink stick at %s: logout failed: %s", self.url, error)
            self.connection = self.client = None

    def _call(self, action: Callable[[Client], Any]) -> Any:
        """`action(client)`, logging in again once when the stick forgot or refused the session;
        the library's exceptions become TransportError."""
        with self._translated():
            try:
                return self._attempt(action)
            except SESSION_ERRORS:
                self._login()
                return self._attempt(action)

    def _attempt(self, action: Callable[[Client], Any]) -> Any:
        if self.client is None:
            raise TransportError(gettext_noop("The stick is not connected."))
        try:
            return action(self.client)
        except library.ResponseErrorException:
            # An error answer brings no new token: fresh ones, or the next-but-one POST gets 125003.
            with contextlib.suppress(requests.RequestException, library.ResponseErrorException):
                self.connection.reload()
            raise

    @contextlib.contextmanager
    def _translated(self):
        try:
            yield
        except requests.RequestException as error:
            raise TransportError(UNREACHABLE, _short(error), url=self.url) from error
        except library.ResponseErrorLoginRequiredException as error:
            if self.password:
                raise StickRefused(error.code) from error
            reason = gettext_noop("The stick asks for a password: enter it in the modem settings.")
            raise PasswordNeeded(reason, f"error {error.code}") from error
        except library.ResponseErrorException as error:
            raise StickRefused(error.code) from error
        except ExpatError as error:
            raise TransportError(NOT_UNDERSTOOD, str(error)) from error

    def _enable_reports(self) -> None:
        """UseSReport on, keeping the stick's other SMS settings; without it no reports come."""
        enabled = False
        try:
            config = self._call(lambda client: client.sms.config())
            enabled = str(config.get("UseSReport")).lower() in ("1", "true")
            if not enabled:
                self._call(
                    lambda client: client.sms.set_config(
                        config.get("Sca") or "",
                        save_mode=SaveModeEnum(int(config.get("SaveMode") or 0)),
                        validity=int(config.get("Validity") or 10752),
                        use_s_report=True,
                        send_type=SendTypeEnum(int(config.get("SendType") or 0)),
                        priority=PriorityEnum(int(config.get("Priority") or 0)),
                    )
                )
                enabled = True
        except (StickRefused, ValueError) as error:
            logger.warning("HiLink stick at %s: cannot switch delivery reports on: %s", self.url, error)
        self.capabilities = replace(self.capabilities, delivery_reports=enabled)

    def signal(self) -> Signal:
        signal = self._call(lambda client: client.device.signal())
        bars = int(self._call(lambda client: client.monitoring.status()).get("SignalIcon") or 0)  # the stick's own
        return Signal(_dbm(signal.get("rsrp")) or _dbm(signal.get("rssi")), max(0, min(5, bars)))

    def ussd(self, code: str) -> UssdAnswer:
        try:
            self._call(lambda client: client.ussd.send(code))
        except StickRefused as error:
            if error.code != USSD_IN_SESSION:
                raise
            self._release_ussd()  # an earlier session left open: end it, then ask again
            self._call(lambda client: client.ussd.send(code))
        try:
            deadline = time.monotonic() + USSD_WAIT
            while str(self._call(lambda client: client.ussd.status()).get("result")) == "1":
                if time.monotonic() >= deadline:
                    reason = gettext_noop("The network did not answer %(code)s in time; try again later.")
                    raise TransportError(reason, code=code)
                self._sleep(0.2)
            return UssdAnswer(0, self._call(lambda client: client.ussd.get()).get("content") or "")
        except StickRefused as error:
            if error.code != USSD_NO_ANSWER:
                raise
            reason = gettext_noop("The network gave no answer to %(code)s: check the code and the signal.")
            raise TransportError(reason, error.detail, code=code) from error
        finally:
            self._release_ussd()

    def _release_ussd(self) -> None:
        # huawei_lte_api 2.0.1 has no method for it: the web UI's endpoint, through its session.
        with contextlib.suppress(TransportError):
            self._call(lambda client: self.connection.post_set("ussd/release"))

    def _sleep(self, seconds: float) -> None:
        if self.on_wait is not None:
            self.on_wait()
        time.sleep(max(0.0, seconds))

    # Sending ------------------------------------------------------------------------------
    def _plan(self, phone: str, text: str) -> pdu.Plan:
        """How the stick will send it (modem.transports.plans); what goes is `plan.text`."""
        return device_plan(phone, text, self.spanish, number_ok=bool(NUMBER.fullmatch(phone.strip())))

    def parts(self, phone: str, text: str) -> int:
        return self._plan(phone, text).segments

    def submit(self, phone: str, text: str, *, on_handed: Callable[[], None], ident: str = "") -> list[str]:
        plan, phone = self._plan(phone, text), phone.strip()
        if self.client is None:  # a failed login left no session
            raise SubmitFailed(gettext_noop("The stick is not connected."), **NOT_SENT)
        on_handed()
        self._send(phone, plan.text)
        self._backoff = 0.0
        self._copies += 1
        self._follow(phone, plan.segments)
        return [""] * plan.segments

    def _send(self, phone: str, text: str) -> None:
        for attempt in (1, 2):
            try:
                answer = self._attempt(lambda client: client.sms.send_sms([phone], text))
            except SESSION_ERRORS as error:
                # Refused before the firmware looked at the message (see the module docstring).
                if attempt == 2:
                    reason = gettext_noop("The stick kept refusing this system's session.")
                    raise SubmitFailed(reason, f"error {error.code}", **NOT_SENT) from error
                try:
                    with self._translated():
                        self._login()
                except TransportError as failed:  # the message goes back to the queue; reconnecting says why
                    raise SubmitFailed(failed.reason, failed.detail, **NOT_SENT, **failed.params) from failed
                continue
            except library.ResponseErrorException as error:
                if error.code == STORAGE_FULL and attempt == 1 and self._purge_sent_box():
                    continue  # refused before it stored or sent anything: room now, try again
                raise self._refused(error.code) from error
            except (requests.RequestException, ExpatError) as error:
                if _never_reached(error):
                    raise SubmitFailed(UNREACHABLE, _short(error), url=self.url, **NOT_SENT) from error
                # The request went out: the stick may have taken it and lost (or garbled) only the answer.
                raise SubmitFailed(ANSWER_LOST, _short(error), **MAYBE_SENT) from error
            if answer != "OK":
                raise SubmitFailed(NOT_UNDERSTOOD, str(answer)[:100], **MAYBE_SENT)
            return

    def _refused(self, code: int) -> SubmitFailed:
        if code in BUSY:  # waits that grow while it stays busy: 2, 4, 8... seconds
            self._backoff = min(BUSY_BACKOFF_MAX, self._backoff * 2 or 2.0)
            return SubmitFailed(
                STICK_BUSY, f"error {code}", refused=True, kind=ErrorKind.TRANSIENT, retry_after=self._backoff
            )
        reason, kind = SEND_REFUSALS.get(code, (REFUSED, ErrorKind.MODEM))
        return SubmitFailed(reason, f"error {code}", refused=True, kind=kind)

    def _follow(self, phone: str, parts: int) -> None:
        """Wait until the stick has handed the message to the network (or given up on it)."""
        deadline = time.monotonic() + self.timeout + SECONDS_PER_PART * parts
        while True:
            try:
                status = self._call(lambda client: client.sms.send_status())
            except StickRefused as error:
                # No send-status on this firmware (or not now): the stick said OK, count it as sent.
                logger.warning("HiLink stick at %s: cannot follow the send: %s", self.url, error)
                return
            except TransportError as error:
                # The stick took it and is gone or confused: any part may have left.
                raise SubmitFailed(error.reason, error.detail, **MAYBE_SENT, **error.params) from error
            if _digits(phone) in _numbers(status.get("FailPhone")):
                # The network refused it after the stick's OK (no credit, barred). One part: it
                # certainly did not leave. Several: earlier parts may have, so it may have been sent.
                failed = {"refused": parts == 1, "kind": ErrorKind.TRANSIENT, "line_refusal": True}
                raise SubmitFailed(NETWORK_REFUSED, "send-status FailPhone", **failed)
            if _digits(phone) in _numbers(status.get("SucPhone")) or not status.get("Phone"):
                return
            if time.monotonic() >= deadline:
                logger.warning("HiLink stick at %s: still sending to %s; counted as sent", self.url, phone)
                return
            self._sleep(SEND_STATUS_EVERY)

    def _purge_sent_box(self) -> bool:
        """Delete the stick's copies of sent messages (they fill the memory the inbox shares)."""
        try:
            copies = self._listing(BoxTypeEnum.LOCAL_SENT)
        except TransportError as error:
            logger.warning("HiLink stick at %s: cannot list the sent box: %s", self.url, error)
            return False
        done = [int(entry["Index"]) for entry in copies if int(entry.get("Smstat") or 0) != SENDING]
        self._copies = len(copies) - len(done)
        return self._delete(done) > 0

    # Receiving ----------------------------------------------------------------------------
    def events(self, timeout: float = 0.0) -> list[Event]:
        deadline = time.monotonic() + timeout
        while True:
            if time.monotonic() >= self._next_poll:
                self._next_poll = time.monotonic() + self.poll_every
                if self._copies >= PURGE_AFTER or (self._copies and timeout):  # many, or idle
                    self._purge_sent_box()
                found = [event for event in self._inbox() if event.handle not in self._returned]
                if found:
                    self._returned.update(event.handle for event in found)
                    return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._sleep(min(remaining, self._next_poll - time.monotonic()))

    def stored(self) -> list[Event]:
        events = self._inbox()
        self._returned.update(event.handle for event in events)
        return events

    def _inbox(self) -> list[Event]:
        try:
            entries = self._listing(BoxTypeEnum.LOCAL_INBOX)
        except StickRefused as error:  # there, but refusing now: no reason to reconnect
            logger.warning("HiLink stick at %s: cannot list the inbox: %s", self.url, error)
            return []
        now, listed, events = time.monotonic(), set(), []
        for entry in sorted(entries, key=lambda entry: int(entry["Index"])):
            index, content = int(entry["Index"]), entry.get("Content") or ""
            listed.add(index)
            if int(entry.get("SmsType") or 1) == MULTIPART:
                # Listed as it grows part by part: taken once unchanged for a while. (Not the
                # library's get_messages(): its 10 s rule compares the stick's Date with our clock.)
                content_since = self._growing.get(index)
                if content_since is None or content_since[0] != content:
                    self._growing[index] = (content, now)
                    continue
                if now - content_since[1] < self.multipart_wait:
                    continue
            events.append(self._event(index, entry, content))
        self._growing = {index: seen for index, seen in self._growing.items() if index in listed}
        return events

    def _event(self, index: int, entry: dict, content: str) -> Event:
        try:
            when = datetime.datetime.strptime(entry.get("Date") or "", "%Y-%m-%d %H:%M:%S").replace(tzinfo=self.tz)
        except ValueError:
            when = None
        kind, phone = int(entry.get("SmsType") or 1), entry.get("Phone") or ""
        if kind in (REPORT_DELIVERED, REPORT_FAILED):
            # One entry per part, naming the recipient; its Date is when the report came, after the send.
            delivered = kind == REPORT_DELIVERED
            status = 0 if delivered else FAILED_REPORT_STATUS
            return DeliveryReport("", status, delivered, True, recipient=phone, submitted_at=when, handle=index)
        # xmltodict strips the text's leading and trailing spaces; the library gives no way round it.
        return Incoming(sender=phone, text=content, received_at=when, handle=index)

    def _listing(self, box: BoxTypeEnum) -> list[dict]:
        """Every entry of a box, page by page (<Count> is the page's on some firmware, the box's on others)."""
        entries: dict[int, dict] = {}
        for page in range(1, MAX_PAGES + 1):
            answer = self._call(
                lambda client, page=page: client.sms.get_sms_list(page=page, box_type=box, read_count=PAGE_SIZE)
            )
            found = [entry for entry in answer["Messages"]["Message"] if entry.get("Index") is not None]
            new = {int(entry["Index"]): entry for entry in found if int(entry["Index"]) not in entries}
            entries.update(new)
            if len(found) < PAGE_SIZE or not new:  # the last page, or firmware repeating one page
                break
        return list(entries.values())

    def settle(self, events: Sequence[Event]) -> None:
        self._delete([event.handle for event in events if event.handle is not None])

    def _delete(self, indexes: list[int]) -> int:
        """Delete entries, one request each as the library does; failures are logged, not raised:
        what stays is listed again later."""
        deleted = []
        for index in indexes:
            try:
                self._call(lambda client, index=index: client.sms.delete_sms(index))
                deleted.append(index)
            except TransportError as error:
                logger.warning("HiLink stick at %s: could not delete message %d: %s", self.url, index, error)
                if not isinstance(error, StickRefused):
                    break  # gone: no use trying the others
        self._returned.difference_update(deleted)
        return len(deleted)


def _never_reached(error: Exception) -> bool:
    """No connection was made (refused, unreachable, connect timeout): the request never left."""
    reason = getattr(error.args[0] if error.args else None, "reason", None)
    return isinstance(error, requests.ConnectTimeout) or isinstance(reason, ConnectTimeoutError)


def _short(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:200]


def _numbers(value: str | None) -> set[str]:
    """send-status's numbers, by their last 8 digits (the stick may write them with or without +591)."""
    return {_digits(number) for number in re.split(r"[;,]", value or "")} - {""}


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)[-8:]


def _dbm(value: str | None) -> int | None:
    match = DBM.search(value or "")
    return int(match.group()) if match else None
