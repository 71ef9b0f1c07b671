"""The simulated stick's firmware: HTTP requests in, answers out, with its sessions, CSRF tokens,
login, local SMS storage and the network behind it. No I/O: `server.SimulatedStick` feeds it
requests under one lock, and time comes from an injected clock, so tests can jump ahead.

The rules it keeps (the package docstring says where they come from):
- every request carries the SessionID cookie; an unknown or expired one gets a new session
  (Set-Cookie), and a POST in it answers 125002, so huawei_lte_api re-reads its tokens and retries;
- a POST carries __RequestVerificationToken; one this session was not given (or already spent)
  answers 125003 and, by default, ends the session's login;
- with "rotating" tokens each POST spends its token and a successful answer hands out the next
  in the __RequestVerificationToken header; an <error> answer hands out none;
- login answers a new SessionID and two tokens (__RequestVerificationTokenone/two).
Endpoints: `device.DeviceEndpoints` (status, signal, USSD, reboot) and `sms.SmsEndpoints`.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import itertools
import logging
import random
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.cookies import CookieError, SimpleCookie
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from simulators.hilink import settings as codes
from simulators.hilink.device import DeviceEndpoints
from simulators.hilink.settings import StickSettings
from simulators.hilink.sms import SmsEndpoints
from simulators.hilink.wire import FirmwareError, home_page, parse_request, render, render_error
from simulators.settings import LA_PAZ

logger = logging.getLogger("smsmotor.simulators")

TOKEN_HEADER = "__RequestVerificationToken"
HOME_PAGES = ("/", "/html/index.html", "/html/home.html")
MAX_TOKENS = 32  # tokens a session keeps; older unused ones are forgotten
ALPHABET = string.ascii_letters + string.digits

# (method, endpoint under /api/) -> (handler, needs login when the stick has a password)
ROUTES: dict[tuple[str, str], tuple[str, bool]] = {
    ("GET", "webserver/SesTokInfo"): ("ses_tok_info", False),
    ("GET", "webserver/token"): ("token", False),
    ("GET", "user/state-login"): ("state_login", False),
    ("POST", "user/login"): ("login", False),
    ("POST", "user/logout"): ("logout", False),
    ("GET", "device/information"): ("information", True),
    ("GET", "device/signal"): ("signal", False),
    ("POST", "device/control"): ("control", True),
    ("GET", "monitoring/status"): ("status", False),
    ("GET", "monitoring/check-notifications"): ("notifications", False),
    ("GET", "net/current-plmn"): ("current_plmn", False),
    ("POST", "sms/send-sms"): ("send_sms", True),
    ("POST", "sms/sms-list"): ("sms_list", True),
    ("POST", "sms/delete-sms"): ("delete_sms", True),
    ("POST", "sms/set-read"): ("set_read", True),
    ("GET", "sms/sms-count"): ("sms_count", True),
    ("GET", "sms/send-status"): ("send_status", True),
    ("GET", "sms/config"): ("sms_config", True),
    ("POST", "sms/config"): ("set_sms_config", True),
    ("POST", "ussd/send"): ("ussd_send", True),
    ("GET", "ussd/status"): ("ussd_status", True),
    ("GET", "ussd/get"): ("ussd_get", True),
    ("POST", "ussd/release"): ("ussd_release", True),
}


class Reply(NamedTuple):
    status: int
    body: bytes
    headers: list[tuple[str, str]]
    drop: bool = False  # close the connection without answering
    reboot: bool = False  # the stick restarts once this answer is out


@dataclass
class Session:
    id: str
    seen: float
    tokens: list[str] = field(default_factory=list)  # given out and still valid
    logged_in: bool = False


@dataclass
class Call:
    """One API request as the handlers see it."""

    session: Session
    token: str  # the __RequestVerificationToken it carried
    request: dict[str, Any]
    headers: list[tuple[str, str]]  # extra answer headers
    tokens_given: bool = False  # the handler put the answer's tokens in `headers` itself
    reboot: bool = False


def password_hash(username: str, password: str, token: str, password_type: int) -> str:
    """What huawei_lte_api (User._encode_password) and the web UI send as <Password>."""
    if password_type != 4:
        return base64.b64encode(password.encode()).decode()
    inner = base64.b64encode(hashlib.sha256(password.encode()).hexdigest().encode()).decode()
    return base64.b64encode(hashlib.sha256((username + inner + token).encode()).hexdigest().encode()).decode()


class Firmware(DeviceEndpoints, SmsEndpoints):
    def __init__(self, settings: StickSettings, *, rng: random.Random, clock: Callable[[], float]):
        self.settings = settings
        self.rng = rng  # tokens and session ids
        self.fault_rng = random.Random(rng.getrandbits(64))  # the rates: not shifted by how many tokens went out
        self.clock = clock
        self.powered = False
        self.boots = 0
        self.sessions: dict[str, Session] = {}
        self._events: list[tuple[float, int, Callable[[], None], bool]] = []
        self._sequence = itertools.count()
        self._faults: list[list[Any]] = []  # [code, remaining, endpoint or None]
        self._drops: list[str | None] = []  # endpoints whose next answer is lost
        self._wrong_logins = 0
        self._locked_until = 0.0
        self._powered_at = 0.0
        self._init_device()
        self._init_sms()

    # Time ------------------------------------------------------------------------------------
    def now(self) -> datetime:
        """The stick's wall clock (for <Date>): La Paz time, like the network's time stamps."""
        return datetime.now(LA_PAZ).replace(microsecond=0)

    def schedule(self, delay: float, action: Callable[[], None], *, network: bool = False) -> None:
        """Run `action` once the clock passes `delay` seconds from now. Network events (an SMS or
        report on its way) go on while the stick is off; the stick's own are lost at power-off."""
        heapq.heappush(self._events, (self.clock() + max(0.0, delay), next(self._sequence), action, network))

    def advance(self) -> None:
        """Run what is due: called on every request and by the stick's ticker."""
        while self._events and self._events[0][0] <= self.clock():
            _, _, action, _ = heapq.heappop(self._events)
            action()

    # Power -----------------------------------------------------------------------------------
    def power_on(self) -> None:
        """Plugged in (or rebooted): no sessions, no lockout; stored SMS and settings kept, and
        the network hands over what it held meanwhile."""
        self.powered = True
        self.boots += 1
        self._powered_at = self.clock()
        self.sessions.clear()
        self._wrong_logins, self._locked_until = 0, 0.0
        self._flush_network()

    def power_off(self) -> None:
        self.advance()
        self.powered = False
        self._events = [event for event in self._events if event[3]]
        heapq.heapify(self._events)
        self.sessions.clear()
        self._power_off_sms()
        self._end_ussd()

    def update(self, **changes: Any) -> None:
        self.settings = self.settings.updated(**changes)
        if "use_sreport" in changes:
            self.use_sreport = self.settings.use_sreport
        self._flush_network()  # back in coverage, or room in the storage

    # Faults ----------------------------------------------------------------------------------
    def fail_next(self, code: int, count: int = 1, endpoint: str | None = None) -> None:
        """The next `count` API requests (to `endpoint`, e.g. "sms/send-sms", or any) answer
        <error><code>code</code>, after the session and token checks and before doing anything."""
        self._faults.append([code, count, endpoint])

    def drop_next_answer(self, endpoint: str | None = None) -> None:
        """The next request (to `endpoint`, or any) is carried out but its answer never comes:
        the connection closes, as when the stick hangs up mid-answer."""
        self._drops.append(endpoint)

    def expire_sessions(self) -> None:
        """Every session forgotten, as after the idle timeout."""
        self.sessions.clear()

    def _injected(self, endpoint: str) -> int | None:
        for fault in self._faults:
            code, remaining, wanted = fault
            if remaining > 0 and wanted in (None, endpoint):
                fault[1] -= 1
                self._faults = [f for f in self._faults if f[1] > 0]
                return code
        return None

    def _dropped(self, endpoint: str) -> bool:
        for position, wanted in enumerate(self._drops):
            if wanted in (None, endpoint):
                del self._drops[position]
                return True
        return False

    # Requests --------------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Reply:
        if not self.powered:
            return Reply(0, b"", [], drop=True)
        self.advance()
        session, answer_headers = self._session(headers.get("Cookie"))
        path = urlsplit(target).path
        if method == "GET" and path in HOME_PAGES:
            tokens = [self._give_token(session) for _ in range(2)] if self.settings.tokens == "rotating" else []
            return Reply(200, home_page(tokens), answer_headers)
        if not path.startswith("/api/"):
            return Reply(404, b"<html><body>404 Not Found</body></html>", answer_headers)
        endpoint = path.removeprefix("/api/")
        call = Call(session, headers.get(TOKEN_HEADER) or "", {}, answer_headers)
        fresh = bool(answer_headers)
        try:
            data = self._dispatch(method, endpoint, call, body, fresh)
        except FirmwareError as error:
            logger.debug("simulated stick: %s %s -> %s", method, endpoint, error.code)
            if method == "POST" and self.settings.error_answers_rotate_token and not fresh:
                call.headers.append((TOKEN_HEADER, self._give_token(session)))
            return Reply(200, render_error(error.code), call.headers, drop=self._dropped(endpoint))
        if method == "POST" and not call.tokens_given:
            call.headers.append((TOKEN_HEADER, self._give_token(call.session)))
        self.advance()  # with no latency, a send is done by the time OK goes out
        return Reply(200, render(data), call.headers, drop=self._dropped(endpoint), reboot=call.reboot)

    def _dispatch(self, method: str, endpoint: str, call: Call, body: bytes, fresh: bool) -> dict[str, Any] | str:
        route = ROUTES.get((method, endpoint))
        if route is None:
            raise FirmwareError(codes.NOT_SUPPORTED)
        name, needs_login = route
        if method == "POST":
            if fresh:
                raise FirmwareError(codes.CSRF)
            self._spend_token(call)
            call.request = parse_request(body)
        injected = self._injected(endpoint)
        if injected is not None:
            raise FirmwareError(injected)
        if endpoint == "sms/send-sms" and self.fault_rng.random() < self.settings.busy_rate:
            raise FirmwareError(codes.SMS_OVERTIME)
        if needs_login and self.settings.password is not None and not call.session.logged_in:
            raise FirmwareError(codes.NO_RIGHTS)
        return getattr(self, f"api_{name}")(call)

    # Sessions and tokens ---------------------------------------------------------------------
    def _random(self, length: int) -> str:
        return "".join(self.rng.choices(ALPHABET, k=length))

    def _session(self, cookie_header: str | None) -> tuple[Session, list[tuple[str, str]]]:
        """The request's session (its idle time restarted), or a new one and its Set-Cookie."""
        now = self.clock()
        timeout = self.settings.session_timeout
        for stale in [key for key, session in self.sessions.items() if now - session.seen > timeout]:
            del self.sessions[stale]
        session = self.sessions.get(_cookie(cookie_header))
        if session is not None:
            session.seen = now
            return session, []
        session = self._new_session()
        return session, [("Set-Cookie", f"SessionID={session.id}; path=/; HttpOnly;")]

    def _new_session(self, *, logged_in: bool = False) -> Session:
        session = Session(self._random(128), self.clock(), logged_in=logged_in)
        self.sessions[session.id] = session
        if self.settings.tokens == "session":
            self._give_token(session)
        return session

    def _give_token(self, session: Session) -> str:
        token = self._random(32)
        session.tokens = [*session.tokens, token][-MAX_TOKENS:]
        return token

    def _spend_token(self, call: Call) -> None:
        session = call.session
        if call.token not in session.tokens:
            if self.settings.wrong_token_logs_out:
                session.logged_in = False
            raise FirmwareError(codes.WRONG_TOKEN)
        if self.settings.tokens == "rotating":
            session.tokens.remove(call.token)

    # webserver/ and user/ --------------------------------------------------------------------
    def api_ses_tok_info(self, call: Call) -> dict[str, Any]:
        session = call.session
        token = self._give_token(session) if self.settings.tokens == "rotating" else session.tokens[-1]
        return {"SesInfo": f"SessionID={session.id}", "TokInfo": token}

    def api_token(self, call: Call) -> dict[str, Any]:
        if self.settings.tokens != "rotating":
            raise FirmwareError(codes.NOT_SUPPORTED)
        return {"token": self._give_token(call.session)}

    def api_state_login(self, call: Call) -> dict[str, Any]:
        s, logged_in = self.settings, call.session.logged_in
        wait = max(0, round(self._locked_until - self.clock()))
        return {
            "State": 0 if logged_in else -1,
            "Username": s.username if logged_in else "",
            "password_type": s.password_type,
            "extern_password_type": 1,
            "history_login_flag": 0,
            "firstlogin": 0,
            "userlevel": "",
            "wifipwdsamewithwebpwd": 0,
            "lockstatus": 1 if wait else 0,
            "accounts_number": 1,
            "remainwaittime": wait,
            "rsapadingtype": 1,
        }

    def api_login(self, call: Call) -> str:
        s, request = self.settings, call.request
        if s.password is not None:
            self._check_credentials(call)
        elif call.session.logged_in:
            raise FirmwareError(codes.LOGIN_ALREADY)
        # A new session for the logged-in user (the old SessionID is dead) and two fresh tokens.
        del self.sessions[call.session.id]
        call.session = self._new_session(logged_in=True)
        call.headers = [header for header in call.headers if header[0] != "Set-Cookie"]
        call.headers.append(("Set-Cookie", f"SessionID={call.session.id}; path=/; HttpOnly;"))
        call.headers.append((TOKEN_HEADER + "one", self._give_token(call.session)))
        call.headers.append((TOKEN_HEADER + "two", self._give_token(call.session)))
        call.tokens_given = True
        logger.debug("simulated stick: %s logged in", request.get("Username"))
        return "OK"

    def _check_credentials(self, call: Call) -> None:
        s, request, now = self.settings, call.request, self.clock()
        if now < self._locked_until:
            raise FirmwareError(codes.LOGIN_TOO_MANY)
        if call.session.logged_in:
            raise FirmwareError(codes.LOGIN_ALREADY)
        expected = password_hash(s.username, s.password or "", call.token, s.password_type)
        if request.get("Username") == s.username and request.get("Password") == expected:
            self._wrong_logins = 0
            return
        self._wrong_logins += 1
        if self._wrong_logins >= s.login_attempts:
            self._wrong_logins, self._locked_until = 0, now + s.lockout_seconds
            raise FirmwareError(codes.LOGIN_TOO_MANY)
        raise FirmwareError(codes.LOGIN_WRONG)

    def api_logout(self, call: Call) -> str:
        if self.settings.password is not None and not call.session.logged_in:
            raise FirmwareError(codes.NO_RIGHTS)
        call.session.logged_in = False
        return "OK"


def _cookie(header: str | None) -> str | None:
    if not header:
        return None
    try:
        morsel = SimpleCookie(header).get("SessionID")
    except CookieError:
        return None
    return morsel.value if morsel else None
