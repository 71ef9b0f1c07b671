"""What the simulated phone keeps and does: the messages it was given, their states, the SMS it
received, the webhooks registered, and the local server's answers. No sockets here (see server.py)
and no locking: SimulatedPhone holds its lock around every call.
"""

from __future__ import annotations

import base64
import datetime
import json
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from modem.at import pdu
from simulators.settings import SentSms

STATES = ("Pending", "Processed", "Sent", "Delivered", "Failed")
EVENTS = {
    "sms:received",
    "sms:data-received",
    "sms:sent",
    "sms:delivered",
    "sms:failed",
    "system:ping",
    "mms:received",
    "mms:downloaded",
}
# What PhoneHelper accepts closely enough for a test: a plausible international number.
NUMBER = re.compile(r"\+?\d{7,15}")
NANOID = string.ascii_letters + string.digits + "_-"


@dataclass
class PhoneSettings:
    username: str = "sms"
    password: str = "clave"
    per_minute: int = 30  # Android's own check: 30 SMS a minute for an app (SmsUsageMonitor)
    window: float = 60.0  # the seconds that limit counts over
    latency: float = 0.0  # seconds from handing a message to the radio to its "sent"
    report_delay: float = 0.0  # seconds from "sent" to the delivery report
    signing_key: str = "simulated-signing-key"
    device_id: str = "ffffffffceb0b1db0000018e937c815b"
    model: str = "SM-A155M"
    version: str = "1.40.0"
    battery: int = 94
    webhook_retries: int = 14  # the app's default retry count
    webhook_backoff: float = 10.0  # first retry after this many seconds, doubling (WorkManager's minimum)
    webhook_timeout: float = 5.0  # the app's OkHttp socket timeout


@dataclass
class Outgoing:
    id: str
    text: str
    recipients: dict[str, list]  # phone -> [state, error]
    with_report: bool
    created: float  # the phone's clock
    states: dict[str, str] = field(default_factory=dict)  # state -> when, as the API lists them
    due: float = 0.0
    fate: str = "deliver"  # deliver | fail_send | fail_delivery

    @property
    def state(self) -> str:
        return next(iter(self.recipients.values()))[0]


@dataclass
class Received:
    id: str
    sender: str
    text: str
    at: datetime.datetime


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    drop: bool = False  # the connection closes without an answer
    unplug: bool = False  # and the phone leaves the network right after


class Phone:
    def __init__(
        self,
        settings: PhoneSettings,
        *,
        clock: Callable[[], float],
        emit: Callable[[str, dict], None],
        rng: random.Random,
    ):
        self.settings = settings
        self.clock = clock
        self.emit = emit  # (event, payload): the server queues it for every webhook of that event
        self.rng = rng
        self.outgoing: dict[str, Outgoing] = {}
        self.inbox: list[Received] = []
        self.webhooks: dict[str, dict] = {}
        self.sent: list[SentSms] = []
        self.processed_at: list[float] = []  # when messages went to the radio, for the limit
        self.refusals: list[str] = []  # what the next messages meet: "post", "send", "delivery"
        self.lose_answers: list[bool] = []  # the next message POSTs: answer lost (True: and unplugged)
        self.drop_requests = 0

    # Time passing ------------------------------------------------------------------------------
    def advance(self) -> None:
        now = self.clock()
        self.processed_at = [at for at in self.processed_at if now - at < self.settings.window]
        for message in sorted(self.outgoing.values(), key=lambda message: message.created):
            state = message.state
            if state == "Pending" and len(self.processed_at) < self.settings.per_minute:
                self.processed_at.append(now)
                self._process(message, now)
            elif state == "Processed" and now >= message.due:
                self._sent(message, now)
            elif state == "Sent" and message.with_report and now >= message.due:
                if message.fate == "fail_delivery":
                    self._set(message, "Failed", "Delivery result from SC: 64")
                else:
                    self._set(message, "Delivered")

    def _process(self, message: Outgoing, now: float) -> None:
        bad = [phone for phone in message.recipients if not NUMBER.fullmatch(phone)]
        if message.fate == "fail_send" or bad:
            error = "Can't send message: " + ("Invalid phone number" if bad else "RESULT_ERROR_GENERIC_FAILURE")
            self._set(message, "Failed", error)
            return
        self._set(message, "Processed")
        message.due = now + self.settings.latency

    def _sent(self, message: Outgoing, now: float) -> None:
        plan = pdu.plan(message.text)
        at = datetime.datetime.now(datetime.UTC)
        for phone in message.recipients:
            # The phone splits long texts itself (SmsManager.divideMessage): the network takes
            # one whole text here; how many parts it cost is in the sms:sent payload.
            self.sent.append(SentSms(phone, message.text, 0, None, "", at, plan.encoding.value, message.with_report))
        self._set(message, "Sent", parts=plan.segments)
        message.due = now + self.settings.report_delay

    def _set(self, message: Outgoing, state: str, error: str | None = None, *, parts: int = 1) -> None:
        when = _iso(datetime.datetime.now(datetime.UTC))
        message.states[state] = when
        for phone, recipient in message.recipients.items():
            recipient[:] = [state, error]
            payload: dict[str, Any] = {"messageId": message.id, "phoneNumber": phone, "simNumber": 1}
            if state == "Sent":
                self.emit("sms:sent", payload | {"partsCount": parts, "sentAt": when})
            elif state == "Delivered":
                self.emit("sms:delivered", payload | {"deliveredAt": when})
            elif state == "Failed":
                self.emit("sms:failed", payload | {"failedAt": when, "reason": error or ""})

    # Test hooks ------------------------------------------------------------------------------------
    def inject_sms(self, sender: str, text: str) -> Received:
        received = Received(self._nanoid(), sender, text, datetime.datetime.now(datetime.UTC))
        self.inbox.append(received)
        self.emit("sms:received", self._received_payload(received))
        return received

    def _received_payload(self, received: Received) -> dict:
        return {
            "messageId": received.id,
            "message": received.text,
            "phoneNumber": received.sender,
            "sender": received.sender,
            "recipient": None,
            "simNumber": 1,
            "receivedAt": _iso(received.at),
        }

    def health(self) -> dict:
        level = self.settings.battery
        failed = sum(1 for message in self.outgoing.values() if message.state == "Failed")
        checks = {
            "messages:failed": _check(failed, "messages", "Failed messages for last hour", warn=failed > 0),
            "connection:status": _check(1, "Yes/No", "Internet connection status"),
            "connection:transport": _check(4, "flags", "Network transport type"),
            "connection:cellular": _check(0, "index", "Cellular network type"),
            "battery:level": _check(level, "percent", "Battery level in percent", warn=level < 25, fail=level < 10),
            "battery:charging": _check(4, "flags", "Is the phone charging?"),
        }
        worst = "fail" if any(c["status"] == "fail" for c in checks.values()) else "pass"
        if worst == "pass" and any(c["status"] == "warn" for c in checks.values()):
            worst = "warn"
        return {"checks": checks, "releaseId": 40, "status": worst, "version": self.settings.version}

    # The local server -----------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: Any, body: bytes) -> Reply:
        parts = urlsplit(target)
        path, query = parts.path.rstrip("/") or "/", {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if path == "/health" and method == "GET":
            health = self.health()
            return _json(500 if health["status"] == "fail" else 200, health)
        if not self._authorized(headers.get("Authorization") or ""):
            challenge = ("WWW-Authenticate", 'Basic realm="Access to SMS Gateway", charset=UTF-8')
            return Reply(401, headers=[challenge])
        try:
            document = json.loads(body) if body else None
        except ValueError as error:
            return _json(400, {"message": f"Failed to convert request body: {error}"})
        segments = path.strip("/").split("/")
        head = segments[0]
        if path == "/" and method == "GET":
            return _json(200, {"status": "ok", "model": self.settings.model})
        if head in ("message", "messages"):
            return self._messages(method, segments[1:], query, document)
        if head in ("webhook", "webhooks"):
            return self._webhooks(method, segments[1:], document)
        if head == "inbox" and method == "GET" and len(segments) == 1:
            return self._list_inbox(query)
        return Reply(404)

    def _authorized(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            username, _, password = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            return False
        return (username, password) == (self.settings.username, self.settings.password)

    def _messages(self, method: str, rest: list[str], query: dict, document: Any) -> Reply:
        if method == "POST" and not rest:
            return self._enqueue(document or {})
        if method == "POST" and rest == ["inbox", "export"]:
            return self._export(document or {})
        if method == "GET" and len(rest) == 1:
            message = self.outgoing.get(rest[0])
            return Reply(404) if message is None else _json(200, self._state(message))
        if method == "GET" and not rest:
            listed = sorted(self.outgoing.values(), key=lambda message: message.created)
            if query.get("state"):
                listed = [message for message in listed if message.state == query["state"]]
            offset, limit = int(query.get("offset") or 0), int(query.get("limit") or 50)
            page = [self._state(message) for message in listed[offset : offset + limit]]
            return _json(200, page, [("X-Total-Count", str(len(listed)))])
        return Reply(405 if not rest else 404)

    def _enqueue(self, request: dict) -> Reply:
        if self.drop_requests:  # the connection broke before the app read the message
            self.drop_requests -= 1
            return Reply(0, drop=True)
        text = request.get("message")
        if isinstance(request.get("textMessage"), dict):
            text = request["textMessage"].get("text")
        kinds = [key for key in ("message", "textMessage", "dataMessage", "mmsMessage") if request.get(key) is not None]
        if not kinds:
            return _json(
                400, {"message": "Must specify exactly one of: textMessage, dataMessage, mmsMessage, or message"}
            )
        if len(kinds) > 1:
            return _json(400, {"message": "Cannot specify multiple message types simultaneously"})
        if kinds != ["textMessage"] and kinds != ["message"]:
            return _json(400, {"message": "This simulated phone only sends text messages"})
        if not text:
            return _json(400, {"message": "Text message is empty"})
        phones = request.get("phoneNumbers") or []
        if not phones:
            return _json(400, {"message": "phoneNumbers is empty"})
        if self.refusals and self.refusals[0] == "post":
            self.refusals.pop(0)
            return _json(400, {"message": "Invalid phone number"})
        ident = request.get("id") or self._nanoid()
        if ident in self.outgoing:
            return _json(409, {"message": "Message with the same ID already exists"})
        message = Outgoing(
            ident,
            text,
            {phone: ["Pending", None] for phone in phones},
            request.get("withDeliveryReport", True) is not False,
            self.clock(),
            {"Pending": _iso(datetime.datetime.now(datetime.UTC))},
        )
        if self.refusals and self.refusals[0] in ("send", "delivery"):
            message.fate = "fail_send" if self.refusals.pop(0) == "send" else "fail_delivery"
        self.outgoing[ident] = message
        reply = _json(202, self._state(message))
        if self.lose_answers:
            reply.drop, reply.unplug = True, self.lose_answers.pop(0)
        return reply

    def _state(self, message: Outgoing) -> dict:
        return {
            "id": message.id,
            "deviceId": self.settings.device_id,
            "state": message.state,
            "isHashed": False,
            "isEncrypted": False,
            "recipients": [
                {"phoneNumber": phone, "state": state, "error": error}
                for phone, (state, error) in message.recipients.items()
            ],
            "states": dict(message.states),
        }

    def _export(self, request: dict) -> Reply:
        try:
            since = datetime.datetime.fromisoformat(request["since"].replace("Z", "+00:00"))
            until = datetime.datetime.fromisoformat(request["until"].replace("Z", "+00:00"))
        except (KeyError, AttributeError, ValueError):
            return _json(400, {"message": "since and until are required"})
        for received in self.inbox:
            if since <= received.at <= until:
                self.emit("sms:received", self._received_payload(received))
        return Reply(202)

    def _list_inbox(self, query: dict) -> Reply:
        listed = self.inbox
        if query.get("from"):
            since = datetime.datetime.fromisoformat(query["from"].replace("Z", "+00:00"))
            listed = [received for received in listed if received.at >= since]
        offset, limit = int(query.get("offset") or 0), int(query.get("limit") or 50)
        page = [
            {
                "id": received.id,
                "type": "SMS",
                "sender": received.sender,
                "recipient": None,
                "simNumber": 1,
                "contentPreview": received.text,
                "createdAt": _iso(received.at),
            }
            for received in listed[offset : offset + limit]
        ]
        return _json(200, page, [("X-Total-Count", str(len(listed)))])

    def _webhooks(self, method: str, rest: list[str], document: Any) -> Reply:
        if method == "GET" and not rest:
            return _json(200, list(self.webhooks.values()))
        if method == "DELETE" and len(rest) == 1:
            self.webhooks.pop(rest[0], None)
            return Reply(204)
        if method != "POST" or rest:
            return Reply(404)
        document = document or {}
        url, event = document.get("url") or "", document.get("event")
        # WebHooksService.replace(): only HTTPS, or plain HTTP to the phone itself.
        if not (url.startswith("https://") or url.startswith("http://127.0.0.1")):
            return _json(400, {"message": "url must start with https:// or http://127.0.0.1"})
        if event not in EVENTS:
            return _json(400, {"message": "Unsupported event"})
        if document.get("deviceId") not in (None, self.settings.device_id):
            return _json(400, {"message": "Device ID mismatch"})
        ident = document.get("id") or self._nanoid()
        self.webhooks[ident] = {"id": ident, "deviceId": None, "url": url, "event": event, "source": "Local"}
        return _json(201, self.webhooks[ident])

    def _nanoid(self) -> str:
        return "".join(self.rng.choice(NANOID) for _ in range(21))


def _check(value: int, unit: str, description: str, *, warn: bool = False, fail: bool = False) -> dict:
    status = "fail" if fail else "warn" if warn else "pass"
    return {"description": description, "observedUnit": unit, "observedValue": value, "status": status}


def _iso(when: datetime.datetime) -> str:
    """The app's Gson date format: local time with milliseconds and offset."""
    return when.isoformat(timespec="milliseconds")


def _json(status: int, document: Any, headers: list[tuple[str, str]] | None = None) -> Reply:
    return Reply(
        status, json.dumps(document).encode(), [("Content-Type", "application/json; charset=UTF-8")] + (headers or [])
    )
