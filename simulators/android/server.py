"""The simulated phone on a loopback port: a ThreadingHTTPServer in front of `phone.Phone`, a timer
thread that moves messages along, and the app's webhook sender (signed, retried with backoff).

    phone = SimulatedPhone(per_minute=30)
    url = phone.start()                        # "http://127.0.0.1:<free port>"
    phone.inject_sms("+59170000288", "Hola")   # sms:received to the registered webhooks
    phone.unplug(); phone.replug()             # gone (connection refused), back on the same port
    phone.stop()

Every public method is thread-safe: tests call them while the phone serves.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import random
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simulators.android.phone import Phone, PhoneSettings, Reply
from simulators.settings import SentSms

logger = logging.getLogger("smsmotor.simulators")

TICK_SECONDS = 0.02


@dataclass
class Delivery:
    """One webhook call the app owes, as its WorkManager job: retried until 2xx or out of tries."""

    id: str
    event: str
    url: str
    body: bytes
    attempts: int = 0
    next_at: float = 0.0
    busy: bool = False


@dataclass(frozen=True)
class Attempt:
    """What became of one webhook call, for tests: the HTTP status, or 0 when it did not connect."""

    id: str
    event: str
    status: int


class SimulatedPhone:
    """An Android phone running SMS Gateway for Android in local-server mode.

    Keyword arguments are `PhoneSettings` fields (username, password, per_minute, latency,
    report_delay, signing_key, webhook_backoff...). `clock` (seconds, like time.monotonic) drives
    the sending limit, the report delay and the webhook retries, so tests can jump ahead.
    """

    def __init__(self, *, seed: int | None = None, clock: Callable[[], float] = time.monotonic, **settings: Any):
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._clock = clock
        self._rng = random.Random(seed)
        self._phone = Phone(PhoneSettings(**settings), clock=clock, emit=self._emit, rng=self._rng)
        self._deliveries: list[Delivery] = []
        self._attempts: list[Attempt] = []
        self._failing_webhooks = False
        self._host, self._port = "127.0.0.1", 0
        self._server: ThreadingHTTPServer | None = None
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()  # handler threads add and remove theirs
        self._stopping = threading.Event()
        self._ticker: threading.Thread | None = None

    # Life cycle ---------------------------------------------------------------------------------
    def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        with self._lock:
            if self._ticker is not None:
                raise RuntimeError("the simulated phone is already started")
            self._host, self._port = host, port
            self._open()
            self._ticker = threading.Thread(target=self._tick, name="simulated-phone-timers", daemon=True)
            self._ticker.start()
            return self.url

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            self._close()
        if self._ticker is not None and self._ticker is not threading.current_thread():
            self._ticker.join(timeout=5)

    def __enter__(self) -> SimulatedPhone:
        if self._ticker is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def unplug(self) -> None:
        """The phone leaves the network (Wi-Fi off, app killed): connections refused, open ones cut,
        webhook calls fail and wait for their retry. What it keeps stays."""
        with self._lock:
            self._close()
            self._changed.notify_all()

    def replug(self) -> str:
        with self._lock:
            if self._server is None:
                self._open()
            self._changed.notify_all()
            return self.url

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._port}"

    # Looking --------------------------------------------------------------------------------------
    @property
    def settings(self) -> PhoneSettings:
        with self._lock:
            return replace(self._phone.settings)

    def set(self, **settings: Any) -> None:
        """Change settings while serving, e.g. set(battery=8) or set(password="otra")."""
        with self._lock:
            self._phone.settings = replace(self._phone.settings, **settings)

    @property
    def sent(self) -> list[SentSms]:
        """Every SMS the network took from the phone, oldest first (whole texts: the phone splits)."""
        with self._lock:
            self._phone.advance()
            return list(self._phone.sent)

    def state(self, ident: str) -> str | None:
        """The app's state of a message (Pending, Processed, Sent, Delivered, Failed), None if unknown."""
        with self._lock:
            self._phone.advance()
            message = self._phone.outgoing.get(ident)
            return None if message is None else message.state

    @property
    def webhooks(self) -> list[dict]:
        with self._lock:
            return [dict(webhook) for webhook in self._phone.webhooks.values()]

    @property
    def attempts(self) -> list[Attempt]:
        """Every webhook call made, oldest first."""
        with self._lock:
            return list(self._attempts)

    def owed(self) -> list[str]:
        """The events of the webhook calls not yet answered with 2xx (nor given up)."""
        with self._lock:
            return [delivery.event for delivery in self._deliveries]

    def wait_sent(self, timeout: float = 5.0) -> None:
        """Until the phone has handed every message it took to the network (or failed it)."""
        self.wait_until(
            lambda: all(message.state not in ("Pending", "Processed") for message in self._phone.outgoing.values()),
            timeout,
        )

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        with self._changed:
            if not self._changed.wait_for(predicate, timeout):
                raise TimeoutError(f"not so after {timeout} s")

    # Test hooks -----------------------------------------------------------------------------------
    def inject_sms(self, sender: str, text: str) -> str:
        """An SMS from a customer reaches the phone; returns the app's id for it."""
        with self._lock:
            received = self._phone.inject_sms(sender, text)
            self._changed.notify_all()
            return received.id

    def refuse_next(self, how: str = "send", count: int = 1) -> None:
        """The next `count` messages: "post" answers 400 as a validation error (nothing kept),
        "send" goes Failed when the radio refuses it, "delivery" gets a failed delivery report."""
        if how not in ("post", "send", "delivery"):
            raise ValueError(how)
        with self._lock:
            self._phone.refusals.extend([how] * count)

    def lose_next_answer(self, *, unplug: bool = False) -> None:
        """The next message POST is carried out (the phone keeps the message) but the connection
        closes before the answer; with `unplug` the phone also leaves the network right then."""
        with self._lock:
            self._phone.lose_answers.append(unplug)

    def drop_next_request(self) -> None:
        """The next message POST breaks before the app reads it: the phone never gets the message."""
        with self._lock:
            self._phone.drop_requests += 1

    def fail_webhooks(self, failing: bool = True) -> None:
        """Webhook calls cannot reach their URL (they fail and wait for their retry) until False."""
        with self._lock:
            self._failing_webhooks = failing

    # Webhooks -------------------------------------------------------------------------------------
    def _emit(self, event: str, payload: dict) -> None:
        """WebHooksService.emit(): one job per webhook registered for the event."""
        for webhook in self._phone.webhooks.values():
            if webhook["event"] != event:
                continue
            ident = self._phone._nanoid()
            document = {
                "deviceId": self._phone.settings.device_id,
                "event": event,
                "id": ident,
                "payload": payload,
                "webhookId": webhook["id"],
            }
            body = json.dumps(document, ensure_ascii=False).encode()
            self._deliveries.append(Delivery(ident, event, webhook["url"], body, next_at=self._clock()))

    def _start_due_deliveries(self) -> None:
        now = self._clock()
        for delivery in self._deliveries:
            if not delivery.busy and delivery.next_at <= now:
                delivery.busy = True
                failing = self._failing_webhooks or self._server is None
                threading.Thread(
                    target=self._deliver, args=(delivery, failing), name="simulated-phone-webhook", daemon=True
                ).start()

    def _deliver(self, delivery: Delivery, failing: bool) -> None:
        status = 0
        if not failing:
            status = self._post(delivery)
        with self._lock:
            self._attempts.append(Attempt(delivery.id, delivery.event, status))
            delivery.attempts += 1
            delivery.busy = False
            settings = self._phone.settings
            if 200 <= status < 300 or delivery.attempts > settings.webhook_retries:
                self._deliveries.remove(delivery)
            else:  # WorkManager's exponential backoff: 10 s, 20 s, 40 s...
                delivery.next_at = self._clock() + settings.webhook_backoff * 2 ** (delivery.attempts - 1)
            self._changed.notify_all()

    def _post(self, delivery: Delivery) -> int:
        settings = self.settings
        timestamp = str(int(time.time()))
        # PayloadSingingPlugin: hex HMAC-SHA256 of the body followed by the timestamp.
        signature = hmac.new(settings.signing_key.encode(), delivery.body + timestamp.encode(), hashlib.sha256)
        request = urllib.request.Request(
            delivery.url,
            data=delivery.body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": f"me.capcom.smsgateway/{settings.version}",
                "X-Signature": signature.hexdigest(),
                "X-Timestamp": timestamp,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.webhook_timeout) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
        except (OSError, ValueError) as error:
            logger.debug("simulated phone: webhook %s failed: %s", delivery.url, error)
            return 0

    # Serving --------------------------------------------------------------------------------------
    def _open(self) -> None:
        handler = type("PhoneHandler", (PhoneHandler,), {"phone": self})
        server = PhoneServer((self._host, self._port), handler)
        self._port = server.server_address[1]
        self._server = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="simulated-phone", daemon=True
        ).start()
        logger.info("simulated Android phone on %s", self.url)

    def _close(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def _tick(self) -> None:
        while not self._stopping.wait(TICK_SECONDS):
            with self._lock:
                self._phone.advance()
                self._start_due_deliveries()
                self._changed.notify_all()

    def _handle(self, method: str, path: str, headers: Any, body: bytes) -> Reply:
        latency = self.settings.latency
        if latency:
            time.sleep(latency)
        with self._lock:
            self._phone.advance()
            reply = self._phone.handle(method, path, headers, body)
            self._changed.notify_all()
            return reply


class PhoneServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            logger.debug("simulated phone: %s went away: %s", client_address, error)
        else:
            logger.exception("simulated phone: error answering %s", client_address)


class PhoneHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "Ktor/2.3"
    sys_version = ""
    phone: SimulatedPhone

    def setup(self) -> None:
        super().setup()
        with self.phone._connections_lock:
            self.phone._connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.phone._connections_lock:
                self.phone._connections.discard(self.connection)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        reply = self.phone._handle(method, self.path, self.headers, body)
        if reply.drop:
            self.close_connection = True
            if reply.unplug:
                self.phone.unplug()
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status)
        for name, value in [("Content-Length", str(len(reply.body))), *reply.headers]:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("simulated phone: " + format, *args)
