"""Reads of the HTTP API: what a key may see, pages by cursor, lines and their balances."""

import base64
import binascii

from django.db.models import Q, QuerySet

from api.auth import sees_everything
from api.errors import ApiError
from api.models import ApiKey, ApiMessage
from credit.models import BalanceQuery, CreditSettings, QueryStatus
from loads.services import spanish_mode
from messaging.models import IncomingMessage, OutgoingMessage
from modem.at import pdu
from modem.models import Modem

PAGE_DEFAULT = 100
PAGE_MAX = 1000


def messages_visible(key: ApiKey) -> QuerySet[OutgoingMessage]:
    """Every message for the server module; for an operator, those of its own loads and keys."""
    messages = OutgoingMessage.objects.select_related("api")
    if sees_everything(key):
        return messages
    return messages.filter(Q(load__created_by=key.user_id) | Q(api__key__user=key.user_id))


def cursor_encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("id:"):
            raise ValueError
        return int(text[3:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError.one(400, "invalid_cursor", "cursor") from None


def page(queryset: QuerySet, *, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Oldest first by id; the cursor is the last id of the page (stable while rows are added)."""
    limit = max(1, min(limit, PAGE_MAX))
    if cursor:
        queryset = queryset.filter(pk__gt=cursor_decode(cursor))
    rows = list(queryset.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, cursor_encode(rows[-1].pk) if more else None


def message_json(message: OutgoingMessage, api: ApiMessage | None = None, mode=None) -> dict:
    """A message as the API shows it (plain JSON types: it is also stored for idempotent replays)."""
    if api is None:
        api = getattr(message, "api_row", None) or _api_of(message)
    encoding = api.encoding if api else str(pdu.plan(message.text, mode or spanish_mode()).encoding)
    iso = _iso
    return {
        "id": message.pk,
        "to": message.phone,
        "text": message.text,
        "state": message.status.lower(),
        "segments": message.segments,
        "encoding": encoding,
        "client_ref": api.client_ref if api else "",
        "category": api.category if api else "",
        "priority": api.priority if api else 5,
        "line": api.line if api else "",
        "metadata": api.metadata if api else None,
        "send_date": message.send_date.isoformat(),
        "send_at": iso(api.send_at) if api else None,
        "valid_until": iso(api.valid_until) if api else None,
        "created_at": iso(message.loaded_at),
        "sent_at": iso(message.sent_at),
        "delivered_at": iso(message.delivered_at),
        "result": message.result_display,
        "load_id": message.load_id,
    }


def _api_of(message: OutgoingMessage) -> ApiMessage | None:
    try:
        return message.api
    except ApiMessage.DoesNotExist:
        return None


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def incoming_json(message: IncomingMessage) -> dict:
    return {
        "id": message.pk,
        "from": message.phone,
        "text": message.text,
        "received_at": _iso(message.received_at),
        "line": message.modem.name if message.modem_id else None,
    }


def lines_json(*, with_balance: bool) -> list[dict]:
    """Every line with its live state; with its SIM's last balance answer if asked."""
    balances = _last_balances() if with_balance else {}
    lines = []
    for modem in Modem.objects.order_by("name"):
        line = {
            "name": modem.name,
            "kind": modem.transport.lower(),
            "enabled": modem.enabled,
            "state": modem.live_state.lower(),
            "operator": modem.operator,
            "signal_bars": modem.signal_bars,
            "heartbeat_at": _iso(modem.heartbeat_at),
        }
        if with_balance:
            query = balances.get(modem.pk)
            line["balance"] = (
                {
                    "balance": str(query.balance) if query.balance is not None else None,
                    "answer": query.answer,
                    "answered_at": _iso(query.answered_at),
                }
                if query
                else None
            )
        lines.append(line)
    return lines


def _last_balances() -> dict[int, BalanceQuery]:
    """Each modem's newest answered balance query (asked by USSD or by SMS through it)."""
    found: dict[int, BalanceQuery] = {}
    answered = (
        BalanceQuery.objects.filter(status=QueryStatus.ANSWERED)
        .select_related("command", "message")
        .order_by("-answered_at")[:500]
    )
    for query in answered:
        modem_id = (query.command and query.command.modem_id) or (query.message and query.message.modem_id)
        if modem_id and modem_id not in found:
            found[modem_id] = query
    return found


def sms_left() -> int | None:
    return CreditSettings.load().balance
