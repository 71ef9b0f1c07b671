"""The simulated stick on a loopback port: a ThreadingHTTPServer in front of `firmware.Firmware`.

    stick = SimulatedStick(latency=0, password="clave")
    url = stick.start()                      # "http://127.0.0.1:<free port>/"
    stick.inject_sms("+59170000288", "Hola")  # lands in the inbox
    stick.unplug(); stick.replug()            # gone (connection refused), back (rebooted, same port)
    stick.stop()

Every public method is thread-safe: tests call them while the stick serves.
"""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simulators.hilink.firmware import Firmware, Reply
from simulators.hilink.settings import StickSettings, StoredMessage
from simulators.settings import NetworkReport, SentSms

logger = logging.getLogger("smsmotor.simulators")

TICK_SECONDS = 0.1  # how often the stick's timers run when nobody asks anything
ANSWER_HEADERS = [
    ("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"),
    ("Pragma", "no-cache"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-XSS-Protection", "1; mode=block"),
]


class SimulatedStick:
    """A Huawei HiLink LTE stick (an E3372h-320 by default) answering its HTTP/XML API.

    Keyword arguments are `StickSettings` fields: latency (seconds per SMS part, 0 for tests),
    password, tokens, send_interval, network_refuses, capacity, rsrp, operator... `seed` makes
    tokens and session ids repeatable; `clock` (seconds, like time.monotonic) lets tests jump ahead.
    """

    def __init__(self, *, seed: int | None = None, clock: Callable[[], float] = time.monotonic, **settings: Any):
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._firmware = Firmware(StickSettings(**settings), rng=random.Random(seed), clock=clock)
        self._host = "127.0.0.1"
        self._port = 0
        self._server: ThreadingHTTPServer | None = None
        self._serving: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._stopping = threading.Event()
        self._ticker: threading.Thread | None = None

    # Life cycle -----------------------------------------------------------------------------
    def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        """Power on and serve on `host`:`port` (0: a free port); returns the base URL."""
        with self._lock:
            if self._ticker is not None:
                raise RuntimeError("the simulated stick is already started")
            self._host, self._port = host, port
            self._open()
            self._firmware.power_on()
            self._ticker = threading.Thread(target=self._tick, name="simulated-stick-timers", daemon=True)
            self._ticker.start()
            return self.url

    def stop(self) -> None:
        """Stop serving and close every connection. Safe to call twice."""
        self._stopping.set()
        with self._lock:
            self._close()
        if self._ticker is not None and self._ticker is not threading.current_thread():
            self._ticker.join(timeout=5)

    def __enter__(self) -> SimulatedStick:
        if self._ticker is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def unplug(self) -> None:
        """The stick pulled out: connections refused, open ones cut. Stored SMS stay; what the
        network sends meanwhile waits for it; parts not yet sent are lost."""
        with self._lock:
            self._close()
            self._firmware.power_off()
            self._changed.notify_all()

    def replug(self) -> str:
        """Back on the same address, freshly booted: no sessions (log in again), no lockout."""
        with self._lock:
            if self._server is None:
                self._firmware.power_on()
                self._open()
            self._changed.notify_all()
            return self.url

    # Control --------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._port}/"

    @property
    def settings(self) -> StickSettings:
        with self._lock:
            return replace(self._firmware.settings)

    def set(self, **settings: Any) -> None:
        """Change settings while serving, e.g. set(network_refuses=True) or set(rsrp=None)."""
        self._call(self._firmware.update, **settings)

    def snapshot(self) -> dict[str, Any]:
        """URL, power and settings, for the control socket and logs."""
        with self._lock:
            return {
                "url": self.url,
                "powered": self._firmware.powered,
                "boots": self._firmware.boots,
                "settings": asdict(self._firmware.settings),
            }

    @property
    def sent(self) -> list[SentSms]:
        """Every SMS part the network accepted from the stick, oldest first."""
        with self._lock:
            self._firmware.advance()
            return list(self._firmware.sent)

    @property
    def reports(self) -> list[NetworkReport]:
        """Every delivery report the network generated, oldest first (listed by the stick or not)."""
        with self._lock:
            self._firmware.advance()
            return list(self._firmware.reports)

    @property
    def stored(self) -> list[StoredMessage]:
        """The stick's local storage (inbox, sent box, reports), by index."""
        with self._lock:
            self._firmware.advance()
            return [replace(message) for _, message in sorted(self._firmware.stored.items())]

    def wait_for_sent(self, count: int, timeout: float = 5.0) -> list[SentSms]:
        """Block until the network has at least `count` parts; TimeoutError after `timeout`."""
        self.wait_until(lambda: len(self.sent) >= count, timeout)
        return self.sent

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Block until `predicate()` holds (checked at each change and timer tick), e.g. until a
        reboot is over: `wait_until(lambda: stick.snapshot()["boots"] == 2)`. TimeoutError after `timeout`."""
        with self._changed:
            if not self._changed.wait_for(predicate, timeout):
                raise TimeoutError(f"not so after {timeout} s")

    def inject_sms(self, sender: str, text: str, timestamp: datetime | None = None) -> list[str]:
        """An SMS from a customer: the network's SMS-DELIVER parts (returned) reach the stick,
        which lists them as one message."""
        return self._call(self._firmware.inject_sms, sender, text, timestamp)

    def fail_next(self, code: int, *, count: int = 1, endpoint: str | None = None) -> None:
        """The next `count` API requests (to `endpoint`, e.g. "sms/send-sms", or any) answer this
        firmware error code: 113018, 100004, 125002, 125003, 100003..."""
        self._call(self._firmware.fail_next, code, count, endpoint)

    def drop_next_answer(self, endpoint: str | None = None) -> None:
        """The next request (to `endpoint`, or any) is carried out, but the connection closes
        before the answer: the client cannot know that, say, its SMS went."""
        self._call(self._firmware.drop_next_answer, endpoint)

    def refuse_next_sends(self, count: int = 1) -> None:
        """The network refuses the next `count` messages the stick sends (after its OK)."""
        self._call(self._firmware.refuse_next_sends, count)

    def expire_sessions(self) -> None:
        """Every session ends now, as after the idle timeout: clients must log in again."""
        self._call(self._firmware.expire_sessions)

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            result = method(*args, **kwargs)
            self._changed.notify_all()
            return result

    # Serving --------------------------------------------------------------------------------
    def _open(self) -> None:
        handler = type("StickHandler", (StickHandler,), {"stick": self})
        server = StickServer((self._host, self._port), handler)
        self._port = server.server_address[1]  # the same port again after a replug
        self._server = server
        self._serving = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="simulated-stick", daemon=True
        )
        self._serving.start()
        logger.info("simulated HiLink stick on %s", self.url)

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

    def _track(self, connection: socket.socket, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _tick(self) -> None:
        while not self._stopping.wait(TICK_SECONDS):
            with self._lock:
                self._firmware.advance()
                self._changed.notify_all()

    def _handle(self, method: str, path: str, headers: Any, body: bytes) -> Reply:
        with self._lock:
            if not self._firmware.settings.unresponsive:
                reply = self._firmware.handle(method, path, headers, body)
                self._changed.notify_all()
            else:
                reply = None
        if reply is None:  # a stick that hangs: no answer ever, the connection stays open until it recovers
            while self.settings.unresponsive and self._server is not None and not self._stopping.wait(0.02):
                pass
            return Reply(0, b"", [], drop=True)
        delay = self._firmware.settings.answer_delay
        if delay:
            time.sleep(delay)
        return reply

    def _reboot(self) -> None:
        self.unplug()
        if not self._stopping.wait(self._firmware.settings.reboot_seconds):
            self.replug()


class StickServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):  # the client left (timed out, or the stick was unplugged)
            logger.debug("simulated stick: %s went away: %s", client_address, error)
        else:
            logger.exception("simulated stick: error answering %s", client_address)


class StickHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests.Session uses it
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stall
    server_version = "webserver"
    sys_version = ""
    stick: SimulatedStick

    def setup(self) -> None:
        super().setup()
        self.stick._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.stick._track(self.connection, False)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        reply = self.stick._handle(method, self.path, self.headers, body)
        if reply.drop:
            self.close_connection = True
            return
        self.send_response(reply.status)
        # The sticks label their XML text/html too; huawei_lte_api sniffs the body.
        length = [("Content-Type", "text/html"), ("Content-Length", str(len(reply.body)))]
        for name, value in length + ANSWER_HEADERS + reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)
        self.wfile.flush()
        if reply.reboot:
            threading.Thread(target=self.stick._reboot, name="simulated-stick-reboot", daemon=True).start()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("simulated stick: " + format, *args)
