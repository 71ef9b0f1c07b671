"""An Android phone running "SMS Gateway for Android" (capcom6/android-sms-gateway) in local-server
mode as a transport: its REST API on the phone (http://<phone>:8080) through the project's own
client library, android_sms_gateway. Plain Python, no Django.

What the phone does, and what this does about it (sources: the app's localserver/ and webhooks/
modules and its documentation; see simulators/android/__init__.py):
- POST /messages takes a message with our id and answers 202 at once; the phone sends it later,
  at its own pace (Android allows an app about 30 SMS a minute; the app's own limit keeps
  messages Pending, it never answers 429). So `submit()` returns when the phone has the message,
  and the outcome arrives later as reports: sms:sent (not final), sms:delivered, sms:failed. A
  number the phone cannot use is accepted and then goes Failed: a failed report, not a refusal.
- Our id makes an uncertain send answerable: GET /messages/{id} says whether the phone has it
  (404: it never got it, sending again is safe). The app does not send an id twice (409, or 202
  in older versions, keeping the first message).
- The phone splits long texts itself: one reference (the app's message id) for the first part,
  "" for the others; parts are counted as Android counts them (GSM-7, else UCS-2).
- Webhooks: registered at open() with fixed ids (registering again replaces them), signed with
  the app's signing key: X-Signature = hex HMAC-SHA256(key, body + X-Timestamp). The app only
  accepts https:// URLs or http://127.0.0.1, so a webhook on the office network needs HTTPS
  (`webhook_tls`, e.g. a certificate of the project's CA). A call that is not answered 2xx is
  retried by the app 10 s, 20 s, 40 s... later, 14 times by default: the listener holds each
  call until the worker has saved its event (settle()), and answers 503 after `hold_seconds`
  (under the app's 5 s socket timeout), so a crash in between only means a retry later.
- When webhooks do not reach us (no listener, or none for `quiet_seconds` while reports are
  owed), the states of messages sent by this process and not yet final are asked every
  `poll_seconds`. Incoming SMS have no such fallback: GET /inbox exists only in recent versions,
  without a way to mark what was read; the app keeps retrying an sms:received webhook for about
  two days, and POST /messages/inbox/export asks it to send them all again.

A little over 500 lines: the webhook listener shares the transport's held events, tracked sends
and lock, so it stays with it.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import json
import logging
import queue
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
from android_sms_gateway import APIClient, domain, errors
from android_sms_gateway.http import RequestsHttpClient
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

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
    Unreadable,
    gettext_noop,
)
from modem.transports.plans import device_plan

logger = logging.getLogger("smsmotor.modem")

EVENTS = ("sms:received", "sms:sent", "sms:delivered", "sms:failed")
ORDER = ("Pending", "Processed", "Sent", "Delivered", "Failed")
FINAL = {"Delivered", "Failed"}
FAILED_REPORT_STATUS = 0x40  # TP-ST "permanent error": the app gives a reason text, no status
MAX_SKEW = 300.0  # seconds a webhook's X-Timestamp may differ from our clock (the app's docs: ±5 min)
REMEMBERED = 10_000  # settled webhook ids kept, so that a late retry of one is only acknowledged
TRACKED_SECONDS = 3 * 86400.0  # a message without a final state after this is no longer asked about
BACKOFF_MAX = 60.0

UNREACHABLE = gettext_noop(
    "The phone does not answer at %(url)s: check that it is on the same network and that the SMS Gateway app's "
    "local server is running."
)
WRONG_PASSWORD = gettext_noop(
    "The phone refused the user name or password: copy them from the SMS Gateway app (Local server) into the "
    "modem settings."
)
NOT_UNDERSTOOD = gettext_noop(
    "The phone gave an answer this system does not understand; restart the app if this goes on."
)
ANSWER_LOST = gettext_noop("The phone stopped answering while it was taking the message.")
REFUSED_MESSAGE = gettext_noop("The phone refused this message: check the phone number and the text.")
PHONE_BUSY = gettext_noop("The phone asked to wait; this message goes again shortly.")
PHONE_ERROR = gettext_noop("The SMS Gateway app failed to take the message; restart the app if this keeps happening.")
NOT_CONNECTED = gettext_noop("The phone is not connected.")
NOT_SENT = {"refused": True, "kind": ErrorKind.MODEM, "reconnect": True}  # the line failed, before sending
MAYBE_SENT = {"refused": False, "kind": ErrorKind.MODEM, "reconnect": True}  # the line failed, after


@dataclass
class _Held:
    """A webhook call waiting for the worker to save its event."""

    event: Event
    done: threading.Event = field(default_factory=threading.Event)
    saved: bool = False


@dataclass
class _Tracked:
    parts: int
    since: float
    state: str = "Pending"  # the last state reported


class AndroidTransport(Transport):
    kind = "android"

    def __init__(
        self,
        url: str,
        username: str = "sms",
        password: str = "",
        *,
        signing_key: str = "",
        webhook_listen: tuple[str, int] | None = None,
        webhook_url: str = "",
        webhook_tls: tuple[str, str] | None = None,
        timeout: float = 10.0,
        poll_seconds: float = 30.0,
        quiet_seconds: float = 120.0,
        hold_seconds: float = 4.0,
        spanish: str = pdu.SpanishMode.UCS2.value,
    ):
        self.url = url.rstrip("/")
        self.username = username or "sms"
        self.password = password
        self.signing_key = signing_key
        self.webhook_listen = webhook_listen
        self.webhook_url = webhook_url
        self.webhook_tls = webhook_tls  # (certificate file, key file) for an https:// webhook URL
        self.timeout = timeout
        self.poll_seconds = poll_seconds
        self.quiet_seconds = quiet_seconds
        self.hold_seconds = hold_seconds
        self.spanish = spanish
        self.capabilities = Capabilities(
            delivery_reports=True, ussd=False, references=True, splits_itself=True, per_minute=30, recall=True
        )
        self.client: APIClient | None = None
        self._session: requests.Session | None = None
        self._listener: ThreadingHTTPServer | None = None
        self._queue: queue.Queue[Event] = queue.Queue()
        self._held: dict[str, _Held] = {}
        self._settled: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._tracked: dict[str, _Tracked] = {}
        self._last_webhook = 0.0
        self._next_poll = 0.0
        self._backoff = 0.0

    # Connection -------------------------------------------------------------------------------
    def open(self) -> LineStatus:
        self.close()
        session = _TimeoutSession(self.timeout)
        self._session = session
        self.client = APIClient(self.username, self.password, base_url=self.url, http=RequestsHttpClient(session))
        root = self._call(lambda client: client.http.get(f"{self.url}/", headers=client.headers))
        health = self._health()
        if self.webhook_listen is not None:
            self._listen()
            self._register_webhooks()
        self._last_webhook = time.monotonic()
        return LineStatus(
            manufacturer="Android",
            model=str(root.get("model") or ""),
            revision=f"SMS Gateway {health.version}" if health.version else "",
            where=self.url,
        )

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.shutdown()
            listener.server_close()
        with self._lock:
            for held in self._held.values():  # answered 503 at once: the app calls again later
                held.done.set()
        if self._session is not None:
            self._session.close()
        self._session = self.client = None

    def signal(self) -> Signal:
        """The app reports no signal strength (its health says Wi-Fi or cellular, and the network
        generation): unknown. Asking its health still tells whether the phone is there."""
        self._health()
        return Signal()

    def _health(self) -> domain.HealthResponse:
        """GET /health. The app answers 500 when a check fails (battery under 10 %, every message
        of the last hour failed, no Internet): the phone is there, so that is logged, not raised."""
        try:
            return self._call(lambda client: client.health_check())
        except TransportError as error:
            answer = getattr(error.__cause__, "response", None)
            if not isinstance(error.__cause__, errors.InternalServerError) or not isinstance(answer, dict):
                raise
            try:
                health = domain.HealthResponse.from_dict(answer)
            except (KeyError, ValueError, TypeError, AttributeError):
                raise error from None
        failing = [name for name, check in (health.checks or {}).items() if check.status.value == "fail"]
        logger.warning("Android phone at %s: its health check fails: %s", self.url, ", ".join(failing))
        return health

    def _call(self, action: Callable[[APIClient], Any]) -> Any:
        """`action(client)`, the library's and requests' errors as TransportError."""
        if self.client is None:
            raise TransportError(NOT_CONNECTED)
        try:
            return action(self.client)
        except requests.RequestException as error:
            raise TransportError(UNREACHABLE, _short(error), url=self.url) from error
        except errors.UnauthorizedError as error:
            raise SecretRejected(WRONG_PASSWORD, "401") from error
        except errors.APIError as error:
            raise TransportError(PHONE_ERROR, f"{error.status_code} {_message(error)}") from error
        except (ValueError, KeyError, TypeError) as error:  # JSON the library cannot read
            raise TransportError(NOT_UNDERSTOOD, _short(error)) from error

    def _register_webhooks(self) -> None:
        """One webhook per event, with fixed ids: registering again replaces them, also when the
        address changed (no webhook left behind calling an old one)."""
        url = self.webhook_url
        if not url and self.listening is not None:  # the listener's own address (tests, a phone on this host)
            host, port = self.listening
            url = f"{'https' if self.webhook_tls else 'http'}://{host}:{port}/"
        for event in EVENTS:
            webhook = domain.Webhook(
                id=f"smsmotor-{event.replace(':', '-')}", url=url, event=domain.WebhookEvent(event)
            )
            try:
                self._call(lambda client, webhook=webhook: client.create_webhook(webhook))
            except TransportError as error:
                if isinstance(error, SecretRejected) or not error.detail.startswith("400"):
                    raise
                reason = gettext_noop(
                    "The phone refused the webhook address %(address)s: it takes only https:// addresses."
                )
                raise TransportError(reason, error.detail, address=url) from error

    # Sending ------------------------------------------------------------------------------------
    def _plan(self, phone: str, text: str) -> pdu.Plan:
        """As Android's SmsManager.divideMessage splits (modem.transports.plans)."""
        return device_plan(phone, text, self.spanish, number_ok=bool(phone.strip()))

    def parts(self, phone: str, text: str) -> int:
        return self._plan(phone, text).segments

    def submit(self, phone: str, text: str, *, on_handed: Callable[[], None], ident: str = "") -> list[str]:
        plan, phone = self._plan(phone, text), phone.strip()
        client = self.client
        if client is None:
            raise SubmitFailed(NOT_CONNECTED, **NOT_SENT)
        message = domain.Message(
            phone_numbers=[phone],
            text_message=domain.TextMessage(plan.text),
            with_delivery_report=True,
            id=ident or None,
        )
        on_handed()
        try:
            state = client.send(message)
        except requests.RequestException as error:
            if _never_reached(error):
                raise SubmitFailed(UNREACHABLE, _short(error), url=self.url, **NOT_SENT) from error
            return self._settle_uncertain(ident, plan.segments, error)
        except errors.UnauthorizedError as error:
            raise SubmitFailed(WRONG_PASSWORD, "401", **NOT_SENT) from error
        except errors.APIError as error:
            return self._refused(ident, plan.segments, error)
        except (ValueError, KeyError, TypeError) as error:
            return self._settle_uncertain(ident, plan.segments, error)
        self._backoff = 0.0
        return self._taken(state.id or ident, plan.segments)

    def _refused(self, ident: str, parts: int, error: errors.APIError) -> list[str]:
        detail = f"{error.status_code} {_message(error)}"
        if error.status_code == 400:  # validation: the phone keeps nothing
            raise SubmitFailed(REFUSED_MESSAGE, detail, refused=True, kind=ErrorKind.PERMANENT) from error
        if error.status_code == 409 and ident:  # it has this id already: from an earlier attempt
            return self._settle_uncertain(ident, parts, error)
        if error.status_code in (429, 503):
            self._backoff = min(BACKOFF_MAX, self._backoff * 2 or 2.0)
            failed = {"refused": True, "kind": ErrorKind.TRANSIENT, "retry_after": self._backoff}
            raise SubmitFailed(PHONE_BUSY, detail, **failed) from error
        # 500: the app failed somewhere while taking it (storing it, or after): ask.
        return self._settle_uncertain(ident, parts, error)

    def _settle_uncertain(self, ident: str, parts: int, error: Exception) -> list[str]:
        """The phone may or may not have the message: ask it by our id."""
        if not ident:
            raise SubmitFailed(ANSWER_LOST, _short(error), **MAYBE_SENT) from error
        try:
            references = self._recall(ident, parts)
        except TransportError as failed:
            logger.warning("Android phone at %s: cannot tell whether it took %s: %s", self.url, ident, failed)
            raise SubmitFailed(ANSWER_LOST, _short(error), **MAYBE_SENT) from error
        if references is None:
            failed = {"refused": True, "kind": ErrorKind.TRANSIENT, "reconnect": True}
            raise SubmitFailed(ANSWER_LOST, _short(error), **failed) from error
        return references

    def _taken(self, ident: str, parts: int) -> list[str]:
        """The phone has the message: its reports are awaited (and polled for if need be)."""
        with self._lock:
            self._tracked.setdefault(ident, _Tracked(parts, time.monotonic()))
        return [ident] + [""] * (parts - 1)

    def recall(self, ident: str) -> list[str] | None:
        with self._lock:
            tracked = self._tracked.get(ident)
        return self._recall(ident, tracked.parts if tracked else 1)

    def _recall(self, ident: str, parts: int) -> list[str] | None:
        try:
            state = self._call(lambda client: client.get_state(ident))
        except TransportError as error:
            if isinstance(error.__cause__, errors.NotFoundError):
                return None
            raise
        return self._taken(state.id, parts)

    # Receiving ------------------------------------------------------------------------------------
    def events(self, timeout: float = 0.0) -> list[Event]:
        deadline = time.monotonic() + timeout
        while True:
            found = self._drain()
            if not found and time.monotonic() >= self._next_poll:
                self._next_poll = time.monotonic() + self.poll_seconds
                found = self._poll()
            if found:
                return found
            now = time.monotonic()
            if now >= deadline:
                return []
            if self.on_wait is not None:
                self.on_wait()
            try:
                first = self._queue.get(timeout=max(0.01, min(deadline, self._next_poll, now + 1.0) - now))
            except queue.Empty:
                continue
            return [first, *self._drain()]

    def _drain(self) -> list[Event]:
        found = []
        with contextlib.suppress(queue.Empty):
            while True:
                found.append(self._queue.get_nowait())
        return found

    def stored(self) -> list[Event]:
        """Nothing to read: webhooks the app could not deliver are retried by the app itself."""
        return []

    def settle(self, events: Sequence[Event]) -> None:
        with self._lock:
            for event in events:
                if isinstance(event.handle, str):
                    self._settled[event.handle] = None
                    held = self._held.get(event.handle)
                    if held is not None:
                        held.saved = True
                        held.done.set()
            while len(self._settled) > REMEMBERED:
                self._settled.popitem(last=False)

    def _poll(self) -> list[Event]:
        """The state of each message not yet final, when no webhook has told it for a while."""
        now = time.monotonic()
        quiet = self.webhook_listen is None or now - self._last_webhook >= self.quiet_seconds
        grace = 0.0 if self.webhook_listen is None else self.quiet_seconds
        with self._lock:
            for ident in [ident for ident, tracked in self._tracked.items() if now - tracked.since > TRACKED_SECONDS]:
                del self._tracked[ident]
            due = [
                ident
                for ident, tracked in self._tracked.items()
                if tracked.state not in FINAL and now - tracked.since >= grace
            ]
        if not quiet or self.client is None:
            return []
        found: list[Event] = []
        for ident in due:
            try:
                state = self._call(lambda client, ident=ident: client.get_state(ident))
            except TransportError as error:
                logger.info("Android phone at %s: cannot ask about %s: %s", self.url, ident, error)
                break
            for recipient in state.recipients or []:
                report = self._report(ident, recipient.state.value, recipient.phone_number, None)
                if report is not None:
                    found.append(report)
        return found

    def _report(self, ident: str, state: str, recipient: str, handle: str | None) -> DeliveryReport | None:
        """A report for a state the worker has not been told yet (webhooks and polls both tell, and
        sms:sent may arrive after sms:delivered: the app's calls run in parallel)."""
        if state not in ("Sent", *FINAL):
            return None
        with self._lock:
            tracked = self._tracked.get(ident)
            if tracked is not None:
                if tracked.state in FINAL or ORDER.index(state) <= ORDER.index(tracked.state):
                    return None
                tracked.state = state
        if state == "Sent":
            return DeliveryReport(ident, None, False, False, recipient=recipient, handle=handle)
        delivered = state == "Delivered"
        status = 0 if delivered else FAILED_REPORT_STATUS
        return DeliveryReport(ident, status, delivered, True, recipient=recipient, handle=handle, whole_message=True)

    # The webhook listener -------------------------------------------------------------------------
    def _listen(self) -> None:
        if not self.signing_key:
            reason = gettext_noop(
                "The phone's webhook signing key is missing: copy it from the SMS Gateway app (Settings, Webhooks) "
                "into the modem settings."
            )
            raise TransportError(reason)
        handler = type("WebhookHandler", (_WebhookHandler,), {"transport": self})
        try:
            listener = ThreadingHTTPServer(self.webhook_listen, handler)
        except OSError as error:
            reason = gettext_noop("This computer cannot listen for the phone's webhooks on %(address)s.")
            raise TransportError(
                reason, str(error), address=f"{self.webhook_listen[0]}:{self.webhook_listen[1]}"
            ) from error
        listener.daemon_threads = True
        listener.block_on_close = False
        if self.webhook_tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.webhook_tls)
            listener.socket = context.wrap_socket(listener.socket, server_side=True)
        self._listener = listener
        threading.Thread(
            target=listener.serve_forever, kwargs={"poll_interval": 0.2}, name="android-webhooks", daemon=True
        ).start()

    @property
    def listening(self) -> tuple[str, int] | None:
        """Where the webhook listener is bound (port 0 in the settings: the one it got)."""
        return None if self._listener is None else self._listener.server_address[:2]

    def _verify(self, body: bytes, signature: str, timestamp: str) -> bool:
        try:
            skew = abs(time.time() - int(timestamp))
        except ValueError:
            return False
        expected = hmac.new(self.signing_key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
        return skew <= MAX_SKEW and hmac.compare_digest(expected, signature.strip().lower())

    def _webhook(self, body: bytes) -> int:
        """A verified call: its event goes to events(); the answer waits for settle()."""
        self._last_webhook = time.monotonic()
        try:
            document = json.loads(body)
            ident, event_name, payload = str(document["id"]), document["event"], document["payload"]
        except (ValueError, KeyError, TypeError) as error:
            ident, event = hashlib.sha256(body).hexdigest(), Unreadable(body.decode(errors="replace"), str(error))
        else:
            event = self._event(ident, event_name, payload, body)
        if event is None:
            return 200  # an event we did not ask for, or a report that tells nothing new
        with self._lock:
            if ident in self._settled:
                return 200  # the app calls again for an event saved after we had answered 503
            held = self._held.setdefault(ident, _Held(event))
        self._queue.put(event)
        try:
            held.done.wait(self.hold_seconds)
            return 200 if held.saved else 503
        finally:
            with self._lock:
                self._held.pop(ident, None)

    def _event(self, ident: str, name: str, payload: dict, body: bytes) -> Event | None:
        try:
            if name == "sms:received":
                return Incoming(
                    sender=payload.get("sender") or payload["phoneNumber"],
                    text=payload["message"],
                    received_at=_when(payload.get("receivedAt")),
                    handle=ident,
                )
            states = {"sms:sent": "Sent", "sms:delivered": "Delivered", "sms:failed": "Failed"}
            if name in states:
                return self._report(str(payload["messageId"]), states[name], payload.get("phoneNumber") or "", ident)
        except (KeyError, TypeError, AttributeError) as error:
            return Unreadable(body.decode(errors="replace"), f"{name}: {error!r}", handle=ident)
        return None


class _WebhookHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    transport: AndroidTransport

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        signature, timestamp = self.headers.get("X-Signature") or "", self.headers.get("X-Timestamp") or ""
        if not self.transport._verify(body, signature, timestamp):
            logger.warning("Android phone webhook from %s refused: bad signature or timestamp", self.client_address[0])
            status = 401
        else:
            status = self.transport._webhook(body)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("Android webhook: " + format, *args)


class _TimeoutSession(requests.Session):
    """The library's requests client sets no timeout: every request gets this one."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def _never_reached(error: Exception) -> bool:
    """No connection was made (refused, unreachable, connect timeout): the request never left."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0] if error.args else None, "reason", None)
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


def _message(error: errors.APIError) -> str:
    response = error.response if isinstance(error.response, dict) else {}
    return str(response.get("message") or "")[:200]


def _short(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:200]


def _when(value: Any) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
