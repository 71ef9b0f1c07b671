"""Webhook events: recorded in the database, delivered by the outbox (messaging.notifications).

Nothing here makes an HTTP call. Message events are found by a collector (a django-q schedule,
every minute) that compares each open API message's state with the last one told, so the modem
workers write nothing more per message; incoming SMS and calls are recorded from messaging's
signals inside the transaction that stores them. Each event is one outbox row per webhook,
retried with exponential backoff for a day; the receiver tells repeats apart by `event_id`.
"""

import datetime
import json
import secrets
import time
import uuid

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_q.tasks import async_task

from accounts.modules import Module
from api.models import ApiKey, ApiMessage, Webhook, WebhookEvent
from api.selectors import message_json
from messaging.models import IncomingCall, IncomingMessage, Notification, NotificationKind, OutgoingMessage
from messaging.models import MessageStatus as S
from messaging.services import messages_transition
from smsmotor.texts import Text

# Which state is told as which event; the others (queued, sending...) are not told.
EVENT_OF_STATE = {
    S.SENT: WebhookEvent.SENT,
    S.DELIVERED: WebhookEvent.DELIVERED,
    S.FAILED: WebhookEvent.FAILED,
    S.UNKNOWN: WebhookEvent.UNKNOWN,
}
# After these nothing more is told (a person may re-queue a failed message: rare, and its key's
# client has already been told it failed).
FINAL = {S.DELIVERED, S.FAILED, S.CANCELLED}
COLLECT_BATCH = 1000
COLLECT_SECONDS = 45  # one run of the minutely schedule stops after this; the next goes on


def webhook_create(*, url: str, key: ApiKey | None = None, events: list[str] | None = None) -> Webhook:
    """A webhook with a new signing secret (shown to the person once, kept encrypted)."""
    return Webhook.objects.create(url=url, key=key, events=events or [], secret=f"whsec_{secrets.token_urlsafe(32)}")


def _event_body(event: str, event_id: str, now: datetime.datetime, data: dict) -> str:
    return json.dumps(
        {"event_id": event_id, "type": event, "created_at": now.isoformat(), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _queue(webhooks: list[Webhook], event: str, data: dict, now: datetime.datetime, **links) -> int:
    """One outbox row per webhook that wants `event`, sharing one event_id; sent after commit."""
    wanted = [hook for hook in webhooks if hook.enabled and hook.wants(event)]
    if not wanted:
        return 0
    event_id = str(uuid.uuid4())
    body = _event_body(event, event_id, now, data)
    rows = Notification.objects.bulk_create(
        [
            Notification(
                kind=NotificationKind.WEBHOOK,
                to="",
                url=hook.url,
                secret=hook.secret,
                event_id=event_id,
                subject=event,
                body=body,
                created_at=now,
                next_attempt_at=now,
                **links,
            )
            for hook in wanted
        ]
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _deliver_soon(ids))
    return len(rows)


def _deliver_soon(ids: list[int]) -> None:
    for notification_id in ids:
        async_task("messaging.notifications.notification_deliver", notification_id)


def _global_webhooks() -> list[Webhook]:
    return list(Webhook.objects.filter(key__isnull=True, enabled=True))


# --- Incoming SMS and calls (messaging's signals) -------------------------------------------------


def _server_webhooks() -> list[Webhook]:
    """Global webhooks, and those of keys whose user has the server module (incoming SMS and calls
    are not anyone's own)."""
    hooks = list(Webhook.objects.filter(enabled=True, key__revoked_at__isnull=True).select_related("key__user"))
    return [
        hook
        for hook in hooks
        if hook.key is None or (hook.key.user.is_active and Module.SERVER.is_allowed(hook.key.user))
    ]


def incoming_received(sender, *, message: IncomingMessage, **kwargs) -> None:
    hooks = _server_webhooks()
    if hooks:
        data = {
            "id": message.pk,
            "from": message.phone,
            "text": message.text,
            "received_at": message.received_at.isoformat(),
            "line": message.modem.name if message.modem_id else None,
        }
        _queue(hooks, WebhookEvent.INCOMING, data, timezone.now(), incoming=message)


def call_received(sender, *, call: IncomingCall, **kwargs) -> None:
    hooks = _server_webhooks()
    if hooks:
        data = {
            "id": call.pk,
            "from": call.phone or None,
            "received_at": call.received_at.isoformat(),
            "line": call.modem.name if call.modem_id else None,
        }
        _queue(hooks, WebhookEvent.CALL, data, timezone.now(), call=call)


# --- Message states (the collector) ---------------------------------------------------------------


def message_events_collect(*, now: datetime.datetime | None = None) -> int:
    """Tell webhooks about API messages whose state changed since last told; how many events.

    Each message's row is moved from the state told to the new one by a conditional UPDATE in the
    same transaction as its events, so two collectors never tell the same change twice. A
    message that went through several states between two runs is told each one it reached
    (sent before delivered) that has an event."""
    now = now or timezone.now()
    deadline = time.monotonic() + COLLECT_SECONDS
    changed = (
        ApiMessage.objects.filter(open=True, message__status__in=[*EVENT_OF_STATE, S.CANCELLED])
        .exclude(message__status=F("reported"))
        .select_related("message", "key")
        .order_by("pk")
    )
    global_hooks = _global_webhooks()
    key_hooks: dict[int, list[Webhook]] = {}
    told, last = 0, 0
    while time.monotonic() < deadline:
        rows = list(changed.filter(pk__gt=last)[:COLLECT_BATCH])
        for row in rows:
            if row.key_id not in key_hooks:
                key_hooks[row.key_id] = list(Webhook.objects.filter(key=row.key_id, enabled=True))
            told += _tell(row, global_hooks + key_hooks[row.key_id], now)
        if len(rows) < COLLECT_BATCH:
            break
        last = rows[-1].pk
    return told


@transaction.atomic
def _tell(row: ApiMessage, hooks: list[Webhook], now: datetime.datetime) -> int:
    status = row.message.status
    moved = ApiMessage.objects.filter(pk=row.pk, reported=row.reported).update(
        reported=status, open=status not in FINAL
    )
    if not moved:
        return 0  # another collector told it
    data = message_json(row.message, row)
    return sum(
        _queue(hooks, EVENT_OF_STATE[state], {**data, "state": state.lower()}, now)
        for state in _states_to_tell(row.reported, status, row.message)
    )


def _states_to_tell(before: str, now_state: str, message) -> list[str]:
    states = []
    # Delivered (or failed by the operator) without having been told sent: it was sent first.
    if now_state in (S.DELIVERED, S.FAILED) and before != S.SENT and message.sent_at is not None:
        states.append(S.SENT)
    if now_state in EVENT_OF_STATE:
        states.append(now_state)
    return states


EXPIRED = Text(gettext_noop("Not sent before its “valid until” time."))


def messages_expire(*, now: datetime.datetime | None = None) -> int:
    """API messages still waiting for a modem past their valid_until are cancelled."""
    now = now or timezone.now()
    late = OutgoingMessage.objects.filter(api__valid_until__lte=now)
    fields = {"result": str(EXPIRED), "result_text": EXPIRED.stored()}
    return messages_transition(late, old=[S.PENDING, S.QUEUED], new=S.CANCELLED, **fields)


def minutely(*, now: datetime.datetime | None = None) -> int:
    """The schedule: expire, then tell (so an expired message's client hears of it at once)."""
    messages_expire(now=now)
    return message_events_collect(now=now)
