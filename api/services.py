"""Writes of the HTTP API: keys, messages and batches, cancelling."""

import datetime
import json
import logging
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.audit import audit
from accounts.licensing import stopped_reason
from accounts.models import AuditAction
from accounts.services import licence_current
from api.auth import key_generate
from api.errors import ApiError, error
from api.models import ApiKey, ApiMessage
from api.schemas import MessageIn
from loads.models import Load, LoadType
from loads.services import max_sms_parts, spanish_mode
from loads.templating import with_signature
from messaging.models import MessageStatus as S
from messaging.models import OutgoingMessage
from messaging.phones import normalize_phone
from messaging.services import message_transition, messages_transition
from modem.at import pdu
from modem.models import Modem
from smsmotor.texts import Text

logger = logging.getLogger("smsmotor.api")

BATCH_MAX = 10_000
METADATA_MAX_BYTES = 4096
ROUTING = {"", "auto"}  # `line` values that leave the choice to routing


# --- Keys ------------------------------------------------------------------------------------


def api_key_create(*, user, name: str = "", by=None) -> tuple[ApiKey, str]:
    """A new key for `user`; the key itself is returned once and never stored."""
    plain, prefix, hashed = key_generate()
    key = ApiKey.objects.create(user=user, name=name[:100], prefix=prefix, hashed=hashed, created_by=by)
    audit(
        user=by,
        action=AuditAction.USERS,
        target=Text(gettext_noop("API key %(prefix)s for %(user)s created"), prefix=prefix, user=user.get_username()),
    )
    return key, plain


def api_key_revoke(*, key: ApiKey, by=None) -> bool:
    revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()) == 1
    if revoked:
        audit(
            user=by,
            action=AuditAction.USERS,
            target=Text(
                gettext_noop("API key %(prefix)s for %(user)s revoked"), prefix=key.prefix, user=key.user.get_username()
            ),
        )
    return revoked


# --- Messages --------------------------------------------------------------------------------


@dataclass(slots=True)
class Planned:
    """One message checked and ready to insert."""

    phone: str
    text: str
    send_date: datetime.date
    send_at: datetime.datetime | None
    segments: int
    encoding: str
    fields: dict  # ApiMessage's


@dataclass
class Context:
    """What every message of one request is checked against, read once."""

    now: datetime.datetime
    today: datetime.date
    company: str
    mode: pdu.SpanishMode
    max_parts: int
    _lines: set[str] | None = field(default=None)

    @classmethod
    def load(cls) -> "Context":
        now = timezone.now()
        today = timezone.localdate(now)
        licence = licence_current(today)
        if not licence.ok:
            raise ApiError(403, [error("licence_expired", None, stopped_reason(licence))])
        return cls(now, today, licence.company, spanish_mode(), max_sms_parts())

    def line_exists(self, name: str) -> bool:
        if self._lines is None:
            self._lines = set(Modem.objects.values_list("name", flat=True))
        return name in self._lines


def message_plan(data: MessageIn, context: Context) -> Planned | list[dict]:
    """The message to insert, or its errors (one per field)."""
    errors = []
    phone = text = None
    try:
        phone = normalize_phone(str(data.to))
    except Exception:
        errors.append(error("phone_invalid", "to"))
    raw = (data.text or "").strip()
    if not raw:
        errors.append(error("text_empty", "text"))
    else:
        text = with_signature(raw, context.company)
    send_at = data.send_at
    if send_at is not None and timezone.is_naive(send_at):
        send_at = timezone.make_aware(send_at)
    send_date = timezone.localdate(send_at) if send_at else data.send_date or context.today
    if send_date < context.today and send_at is None:
        errors.append(error("send_date_past", "send_date"))
    valid_until = data.valid_until
    if valid_until is not None:
        valid_until = timezone.make_aware(valid_until) if timezone.is_naive(valid_until) else valid_until
        if valid_until <= context.now or (send_at is not None and valid_until <= send_at):
            errors.append(error("valid_until_invalid", "valid_until"))
    if not 0 <= data.priority <= 9:
        errors.append(error("priority_invalid", "priority"))
    for name, limit in (("client_ref", 100), ("category", 50)):
        if len(getattr(data, name)) > limit:
            errors.append(error("too_long", name))
    line = data.line.strip()
    if line not in ROUTING and not context.line_exists(line):
        errors.append(error("line_unknown", "line"))
    if data.metadata is not None and len(json.dumps(data.metadata)) > METADATA_MAX_BYTES:
        errors.append(error("metadata_too_large", "metadata"))
    planned = pdu.plan(text, context.mode) if text else None
    if planned is not None and planned.segments > context.max_parts:
        detail = f"({planned.segments} > {context.max_parts})"
        errors.append(error("text_too_long", "text", detail))
    if errors:
        return errors
    return Planned(
        phone=phone,
        text=text,
        send_date=send_date,
        send_at=send_at if send_at is not None and send_at > context.now else None,
        segments=planned.segments,
        encoding=str(planned.encoding),
        fields={
            "client_ref": data.client_ref,
            "category": data.category,
            "priority": data.priority,
            "line": "" if line in ROUTING else line,
            "metadata": data.metadata,
            "send_at": send_at,
            "valid_until": valid_until,
            "encoding": str(planned.encoding),
        },
    )


def _outgoing(planned: Planned, *, context: Context, load: Load | None) -> OutgoingMessage:
    return OutgoingMessage(
        phone=planned.phone,
        text=planned.text,
        send_date=planned.send_date,
        status=S.QUEUED if planned.send_date <= context.today else S.PENDING,
        segments=planned.segments,
        loaded_at=context.now,
        load=load,
        # A send time later today: the worker takes a queued message once next_attempt_at has come.
        next_attempt_at=planned.send_at,
    )


@transaction.atomic(savepoint=False)  # inside the request's transaction (api.idempotency): no savepoint
def api_message_create(*, key: ApiKey, planned: Planned, context: Context) -> OutgoingMessage:
    message = _outgoing(planned, context=context, load=None)
    message.save(force_insert=True)
    message.api_row = ApiMessage.objects.create(message=message, key=key, **planned.fields)
    return message


@transaction.atomic
def api_batch_create(*, key: ApiKey, planned: list[Planned], rejected: list[dict], rows: int, context: Context):
    """One load of type API with the batch's messages (bulk inserts); the messages in order."""
    load = Load.objects.create(
        type=LoadType.API,
        created_by=key.user,
        created_at=context.now,
        rows_read=rows,
        messages_created=len(planned),
        rows_rejected=len(rejected),
        rejections=rejected[:500],
        segments=sum(item.segments for item in planned),
        send_date=min(item.send_date for item in planned),
        file_name=key.prefix,
    )
    messages = _batch_insert(key=key, load=load, planned=planned, context=context)
    audit(
        user=key.user,
        action=AuditAction.LOAD,
        target=Text(gettext_noop("Load %(id)d (%(type)s)"), id=load.pk, type=Text.of_label(LoadType.API.label)),
        detail={"messages": len(planned), "rejected": len(rejected), "file": key.prefix},
    )
    logger.info("API batch load %s by %s: %d messages, %d rejected", load.pk, key.prefix, len(planned), len(rejected))
    return load, messages


INSERT_ROWS = 500  # rows a statement: 6 000 parameters, far under SQLite's 32 766


@dataclass(slots=True)
class BatchMessage:
    """A batch's message as inserted: its id and state (no model instance, see _batch_insert)."""

    pk: int
    status: str
    send_date: datetime.date
    planned: Planned


def _batch_insert(*, key: ApiKey, load: Load, planned: list[Planned], context: Context) -> list[BatchMessage]:
    """The batch's messages and their API rows, in multi-row INSERTs ... RETURNING id (SQLite
    3.35+, MariaDB 10.5+) in the batch's order. Plain SQL because building 20 000 model
    instances for bulk_create took three times the 1 s a 10 000-message batch may take
    (bench/api.py)."""
    ops = connection.ops
    now = ops.adapt_datetimefield_value(context.now)
    queued, pending = S.QUEUED.value, S.PENDING.value
    messages = [
        BatchMessage(0, queued if item.send_date <= context.today else pending, item.send_date, item)
        for item in planned
    ]
    shared = (load.pk, now, "", False, 0)
    columns = ["phone", "text", "send_date", "segments", "status", "next_attempt_at"]
    columns += ["load_id", "loaded_at", "result", "is_test", "attempts"]
    days = {day: ops.adapt_datefield_value(day) for day in {m.send_date for m in messages}}

    def when(moment):
        return ops.adapt_datetimefield_value(moment) if moment else None

    rows = []
    for m in messages:
        item = m.planned
        rows.append((item.phone, item.text, days[m.send_date], item.segments, m.status, when(item.send_at), *shared))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_ROWS):
            ids = _insert_rows(cursor, OutgoingMessage, columns, rows[start : start + INSERT_ROWS], returning=True)
            for m, pk in zip(messages[start : start + INSERT_ROWS], ids, strict=True):
                m.pk = pk
        columns = ["message_id", "key_id", "client_ref", "category", "priority", "line", "metadata"]
        columns += ["send_at", "valid_until", "encoding", "reported", "open"]
        rows = []
        for m in messages:
            f = m.planned.fields
            metadata = json.dumps(f["metadata"]) if f["metadata"] is not None else None
            api = (f["client_ref"], f["category"], f["priority"], f["line"], metadata)
            rows.append((m.pk, key.pk, *api, when(f["send_at"]), when(f["valid_until"]), f["encoding"], "", True))
        for start in range(0, len(rows), INSERT_ROWS):
            _insert_rows(cursor, ApiMessage, columns, rows[start : start + INSERT_ROWS])
    return messages


def _insert_rows(cursor, model, columns: list[str], rows: list[tuple], *, returning: bool = False) -> list[int]:
    """One multi-row INSERT of values already adapted for the database; the new ids if asked.

    On MariaDB the values are written into the statement with the driver's C escaper: mysqlclient
    escapes parameters through Python calls, half of a 10 000-message batch (bench/api.py, as
    loads.services._messages_insert found for loads)."""
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) VALUES "
    suffix = " RETURNING id" if returning else ""
    if connection.vendor == "mysql":
        connection.ensure_connection()
        escape = connection.connection.string_literal

        def literal(value) -> bytes:
            if value is None:
                return b"NULL"
            if isinstance(value, bool):
                return b"1" if value else b"0"
            if isinstance(value, int):
                return b"%d" % value
            return escape(str(value).encode())

        values = b",".join(b"(" + b",".join(map(literal, row)) + b")" for row in rows)
        cursor.execute(head.encode() + values + suffix.encode())
    else:
        row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
        cursor.execute(head + ", ".join([row_sql] * len(rows)) + suffix, [value for row in rows for value in row])
    return [pk for (pk,) in cursor.fetchall()] if returning else []


CANCELLED_BY_API = Text(gettext_noop("Cancelled through the API."))


def api_message_cancel(*, message: OutgoingMessage) -> bool:
    """Cancel a message not yet handed to a modem (a claimed one too: its worker's handed mark
    then fails, so it is not sent, as with loads.services.load_cancel)."""
    fields = {"result": str(CANCELLED_BY_API), "result_text": CANCELLED_BY_API.stored()}
    for old in (S.PENDING, S.QUEUED):
        if message_transition(message.pk, old=old, new=S.CANCELLED, **fields):
            return True
    claimed = OutgoingMessage.objects.filter(pk=message.pk, handed_at__isnull=True)
    return messages_transition(claimed, old=[S.SENDING], new=S.CANCELLED, **fields) == 1
