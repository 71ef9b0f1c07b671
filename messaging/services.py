"""Writes on messages. Every status change goes through `message_transition`.

A little over 500 lines: the send pipeline's writes (claim, handed, sent, failed, unknown,
recovery) are plain SQL batched per round trip, and belong with the transitions they check."""

import contextlib
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from messaging.models import IncomingCall, IncomingMessage, IncomingPart, MessagingSettings, OutgoingMessage, SentPart
from messaging.models import MessageStatus as S
from messaging.signals import call_received, incoming_received
from smsmotor.texts import Text, as_text

MYSQL_OPTION_MULTI_STATEMENTS_ON = 0  # mysql_set_server_option()'s enum (MySQL C API)

# Which moves are legal. A person may re-queue a FAILED or UNKNOWN message; nothing
# leaves DELIVERED or CANCELLED.
ALLOWED: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.QUEUED, S.CANCELLED}),
    S.QUEUED: frozenset({S.SENDING, S.PENDING, S.CANCELLED}),
    # Back to QUEUED when a worker releases a message it never handed to the modem;
    # CANCELLED when its load is deleted before that (loads.services.load_cancel).
    S.SENDING: frozenset({S.SENT, S.FAILED, S.UNKNOWN, S.QUEUED, S.CANCELLED}),
    S.SENT: frozenset({S.DELIVERED, S.FAILED}),
    S.DELIVERED: frozenset(),
    S.FAILED: frozenset({S.QUEUED}),
    # A late delivery report settles an UNKNOWN message (delivered, or failed by the operator).
    S.UNKNOWN: frozenset({S.QUEUED, S.SENT, S.DELIVERED, S.FAILED, S.CANCELLED}),
    S.CANCELLED: frozenset(),
}


class IllegalTransition(ValueError):
    pass


def check_transition(old: str, new: str) -> None:
    if new not in ALLOWED.get(old, ()):
        raise IllegalTransition(f"A message cannot go from {old} to {new}")


def message_transition(message_id: int, *, old: str, new: str, claim: OutgoingMessage | None = None, **fields) -> bool:
    """Move one message old -> new in a single conditional UPDATE.

    Returns False if the message was not in `old` any more (another worker or a person
    moved it first); raises IllegalTransition for a move that is never allowed. With
    `claim` (the message as a worker claimed it), the move also requires that claim to
    still hold: a worker never changes a message that was taken away from it.
    """
    check_transition(old, new)
    values = {"status": new, **fields}
    where = {"id": message_id, "status": old}
    if claim is not None:
        where.update(modem=claim.modem_id, claimed_at=claim.claimed_at)
    if any(hasattr(value, "resolve_expression") for value in values.values()):
        return OutgoingMessage.objects.filter(**where).update(**values) == 1
    return _update_where(values, where) == 1


def _update_where(values: dict, where: dict) -> int:
    """The same UPDATE as the ORM's, in plain SQL: the worker runs it for every message and
    the ORM's query building costs more than the statement (bench/dispatcher.py)."""
    sql, params = _update_statement(values, where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _update_statement(values: dict, where: dict) -> tuple[str, list]:
    quote = connection.ops.quote_name

    def column_and_value(name, value):
        field = OutgoingMessage._meta.get_field(name)
        if field.is_relation and value is not None and not isinstance(value, int):
            value = value.pk
        return quote(field.column), field.get_db_prep_save(value, connection)

    sets = [column_and_value(name, value) for name, value in values.items()]
    conditions = [column_and_value(name, value) for name, value in where.items()]
    table = quote(OutgoingMessage._meta.db_table)
    return (
        f"UPDATE {table} SET {', '.join(f'{c} = %s' for c, _v in sets)}"
        f" WHERE {' AND '.join(f'{c} = %s' for c, _v in conditions)}",
        [value for _c, value in sets + conditions],
    )


def messages_transition(queryset: QuerySet, *, old: Iterable[str], new: str, **fields) -> int:
    """Move every message of `queryset` that is in one of `old` to `new`; returns how many."""
    old = list(old)
    for state in old:
        check_transition(state, new)
    return queryset.filter(status__in=old).update(status=new, **fields)


def messaging_settings_update(*, data: dict) -> MessagingSettings:
    settings = MessagingSettings.load()
    # Every press of Start counts, even when sending was already on: workers started with
    # "send on start-up" off wait for one.
    if "sending_enabled" in data and (data["sending_enabled"] or settings.sending_enabled):
        settings.sending_changed_at = timezone.now()
    for field, value in data.items():
        setattr(settings, field, value)
    settings.save()
    return settings


# The send pipeline, used by the modem workers ------------------------------------------
RETRY_DELAYS = (30, 120, 600, 1800)  # seconds after the 1st, 2nd... transient failure
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def messages_promote_due(*, today: datetime.date) -> int:
    """PENDING messages whose send date has come become QUEUED."""
    due = OutgoingMessage.objects.filter(status=S.PENDING, send_date__lte=today)
    return messages_transition(due, old=[S.PENDING], new=S.QUEUED)


def messages_claim(
    *,
    modem,
    now: datetime.datetime,
    today: datetime.date,
    limit: int = 1,
    tests_only: bool = False,
    leave_prefixes: list[str] | tuple = (),
) -> list[OutgoingMessage]:
    """Take up to `limit` due messages for `modem` (QUEUED -> SENDING), oldest first.

    On MariaDB the rows are locked with SKIP LOCKED so that concurrent workers take
    different messages; on SQLite the write lock serialises claims. Either way the
    conditional UPDATE is what guarantees that exactly one worker wins each message. A
    worker that dies holding claimed messages it never handed to its modem loses nothing:
    recovery queues them again. Outside the send window only test messages (a person's
    explicit request) are taken. Numbers starting with one of `leave_prefixes` are left for
    the modems of their operator (modem.routing).
    """
    due = (
        OutgoingMessage.objects.filter(status=S.QUEUED, send_date__lte=today)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("send_date", "id")
    )
    if tests_only:
        due = due.filter(is_test=True)
    if leave_prefixes:
        others = Q()
        for prefix in leave_prefixes:
            others |= Q(phone__startswith=prefix)
        due = due.exclude(others)
    claimed = {"modem": modem, "claimed_at": now, "handed_at": None}
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        messages = list(due[:limit])
        if not messages:
            return []
        won = messages_transition(
            OutgoingMessage.objects.filter(pk__in=[m.pk for m in messages]), old=[S.QUEUED], new=S.SENDING, **claimed
        )
    if won != len(messages):
        # Another worker took some in between (possible only without row locks).
        ours = set(
            OutgoingMessage.objects.filter(
                pk__in=[m.pk for m in messages], status=S.SENDING, modem=modem, claimed_at=now
            ).values_list("pk", flat=True)
        )
        messages = [m for m in messages if m.pk in ours]
    for message in messages:
        message.status = S.SENDING
        for field, value in claimed.items():
            setattr(message, field, value)
    return messages


@dataclass(frozen=True)
class Accepted:
    """A message its line accepted, `references` for its parts, at `at`; not written yet."""

    message: OutgoingMessage
    references: list[str]
    at: datetime.datetime


def message_mark_handed(
    message: OutgoingMessage,
    *,
    now: datetime.datetime,
    segments: int | None = None,
    accepted: Sequence[Accepted] = (),
) -> bool:
    """From now on the modem may send it: a crash makes it UNKNOWN, not re-sent.

    False if the message is no longer this worker's to send (taken over after its worker
    looked dead, or cancelled): then it must not be written to the modem. `segments`: the
    parts it goes in, so that delivery reports can tell a whole message from part of one.
    `accepted`: messages sent since the last write, recorded in the same round trip and
    commit (see messages_mark_sent); they are written even when this one is no longer ours.

    Runs before every message sent, so it is plain SQL: the ORM's query building costs twice
    the statement itself (bench/dispatcher.py). Not a status change.
    """
    return messages_mark_handed([(message, segments)], now=now, accepted=accepted)[0]


def messages_mark_handed(
    batch: Sequence[tuple[OutgoingMessage, int | None]],
    *,
    now: datetime.datetime,
    accepted: Sequence[Accepted] = (),
) -> list[bool]:
    """message_mark_handed for several messages (a line with several in flight), in one round
    trip and commit; for each, whether it is still ours to send."""
    table, quote, adapt = OutgoingMessage._meta.db_table, connection.ops.quote_name, connection.ops
    handed = []
    for message, segments in batch:
        values = [adapt.adapt_datetimefield_value(now)]
        if segments is not None:
            values.append(segments)
        handed.append(
            (
                f"UPDATE {quote(table)} SET handed_at = %s{', segments = %s' if segments is not None else ''}"
                " WHERE id = %s AND status = %s AND modem_id = %s AND claimed_at = %s AND handed_at IS NULL",
                [*values, message.pk, S.SENDING, message.modem_id, adapt.adapt_datetimefield_value(message.claimed_at)],
            )
        )
    statements = _sent_statements(accepted) if accepted else []
    rows = _run_together([*statements, *handed])
    if accepted:
        _settle_unknown(accepted, rows[len(statements) - len(accepted) : len(statements)])
    return [row == 1 for row in rows[len(statements) :]]


def message_recalled(message: OutgoingMessage, *, references: list[str] | None, now: datetime.datetime) -> bool:
    """An UNKNOWN message settled by asking its line about it (transport recall()): SENT with
    its parts if the line had taken it, QUEUED again if it certainly never had."""
    if references is None:
        reason = Text(gettext_noop("The line never received the message; it is queued again."))
        return message_requeue(message, reason=reason, old=S.UNKNOWN)
    references = references or [""]
    item = Accepted(message, references, now)
    with transaction.atomic():
        _run_together([_sent_parts_insert([(message, references, now)])])
        return _settle_unknown([item], [0]) == 1


def messages_mark_sent(accepted: Sequence[Accepted]) -> int:
    """Their lines accepted every part: the parts' rows and SENT, in one round trip and one
    commit (on MariaDB each commit waits for the disk). Also settles a message that recovery had
    already made UNKNOWN while this worker was still sending it (its claim is unchanged).

    The parts are written with the status, in one transaction, so there is never a SENT message
    whose delivery reports cannot be matched; a crash before it leaves handed SENDING messages,
    which recovery makes UNKNOWN. How many moved to SENT."""
    if not accepted:
        return 0
    statements = _sent_statements(accepted)
    moved = _run_together(statements)[-len(accepted) :]
    return sum(moved) + _settle_unknown(accepted, moved)


def message_mark_sent(message: OutgoingMessage, *, references: list[str], now: datetime.datetime) -> bool:
    """One message accepted (see messages_mark_sent)."""
    return messages_mark_sent([Accepted(message, references, now)]) == 1


def _sent_statements(accepted: Sequence[Accepted]) -> list[tuple[str, list]]:
    """The parts' INSERT, then one UPDATE to SENT per message (in accepted's order)."""
    parts = [(a.message, a.references, a.at) for a in accepted if a.references]
    statements = [_sent_parts_insert(parts)] if parts else []
    for item in accepted:
        values, where = _sent_fields(item), {"id": item.message.pk, "status": S.SENDING}
        where.update(modem=item.message.modem_id, claimed_at=item.message.claimed_at)
        statements.append(_update_statement(values, where))
    return statements


def _sent_fields(item: Accepted) -> dict:
    return {
        "status": S.SENT,
        "sent_at": item.at,
        "result": "",
        "result_text": None,
        "segments": len(item.references),
        "attempts": item.message.attempts + 1,
        "next_attempt_at": None,
    }


def _settle_unknown(accepted: Sequence[Accepted], rows: Sequence[int]) -> int:
    """Messages that were not SENDING any more: recovery may have made them UNKNOWN while they
    were being sent; the line's acceptance settles them. How many it settled."""
    settled = 0
    for item, moved in zip(accepted, rows, strict=True):
        if not moved:
            fields = {k: v for k, v in _sent_fields(item).items() if k != "status"}
            settled += message_transition(item.message.pk, old=S.UNKNOWN, new=S.SENT, claim=item.message, **fields)
    return settled


def _sent_parts_insert(sent: Sequence[tuple[OutgoingMessage, Sequence[str], datetime.datetime]]) -> tuple[str, list]:
    """The parts' rows of several messages, in plain SQL for the same reason as message_mark_handed.
    (A retry after a lost connection may repeat a part's row: it points to the same message.)"""
    table, quote, adapt = SentPart._meta.db_table, connection.ops.quote_name, connection.ops
    rows = [
        (message.pk, sequence, message.modem_id, reference, adapt.adapt_datetimefield_value(at))
        for message, references, at in sent
        for sequence, reference in enumerate(references, start=1)
    ]
    return (
        f"INSERT INTO {quote(table)} (message_id, sequence, modem_id, reference, sent_at) VALUES "
        + ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows)),
        [value for row in rows for value in row],
    )


def _run_together(statements: list[tuple[str, list]]) -> list[int]:
    """Run statements as one transaction; the rows each one matched.

    On MariaDB in one round trip (the worker's connection allows several statements per query;
    the web's never runs this), elsewhere one by one inside a transaction. Inside an outer
    transaction (tests) they simply join it."""
    if len(statements) == 1:
        with connection.cursor() as cursor:
            cursor.execute(*statements[0])
            return [cursor.rowcount]
    if connection.vendor != "mysql" or connection.in_atomic_block:
        rows = []
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                rows.append(cursor.rowcount)
        return rows
    connection.ensure_connection()
    raw = connection.connection
    with connection.wrap_database_errors:
        if not getattr(raw, "multi_statements", False):
            raw.set_server_option(MYSQL_OPTION_MULTI_STATEMENTS_ON)
            raw.multi_statements = True
        with connection.cursor() as cursor:
            sql = "; ".join(["START TRANSACTION", *(sql for sql, _params in statements), "COMMIT"])
            try:
                cursor.execute(sql, [value for _sql, params in statements for value in params])
                rows = []
                while cursor.nextset():
                    rows.append(cursor.rowcount)
            except Exception:
                with contextlib.suppress(Exception):
                    cursor.execute("ROLLBACK")
                raise
    return rows[: len(statements)]  # the last is COMMIT's


def message_mark_failed(message: OutgoingMessage, *, reason: Text | str, references: list[int] = ()) -> bool:
    """It will not go. `references`: the parts the modem did take before it refused the rest,
    recorded so that their delivery reports still find them."""
    if references:
        _run_together([_sent_parts_insert([(message, references, timezone.now())])])
    result, result_text = as_text(reason)
    return message_transition(
        message.pk,
        old=S.SENDING,
        new=S.FAILED,
        claim=message,
        result=result,
        result_text=result_text,
        attempts=message.attempts + 1,
        next_attempt_at=None,
    )


def message_mark_unknown(message: OutgoingMessage, *, reason: Text | str, references: list[int] = ()) -> bool:
    """It was written to the modem and no answer came back: it may have left. `references`:
    the parts the modem confirmed before that, recorded for their delivery reports."""
    if references:
        _run_together([_sent_parts_insert([(message, references, timezone.now())])])
    result, result_text = as_text(reason)
    return message_transition(
        message.pk, old=S.SENDING, new=S.UNKNOWN, claim=message, result=result, result_text=result_text
    )


def message_retry_later(message: OutgoingMessage, *, reason: Text | str, now: datetime.datetime) -> bool:
    """A transient failure: back to QUEUED after a growing delay, or FAILED at the last try."""
    if message.attempts + 1 >= MAX_ATTEMPTS:
        return message_mark_failed(message, reason=reason)
    delay = RETRY_DELAYS[min(message.attempts, len(RETRY_DELAYS) - 1)]
    result, result_text = as_text(reason)
    return message_transition(
        message.pk,
        old=S.SENDING,
        new=S.QUEUED,
        claim=message,
        result=result,
        result_text=result_text,
        attempts=message.attempts + 1,
        next_attempt_at=now + datetime.timedelta(seconds=delay),
        modem=None,
        claimed_at=None,
        # The modem refused it with an error line, so it did not leave even if handed over.
        handed_at=None,
    )


def message_requeue(message: OutgoingMessage, *, reason: Text | str = "", old: str = S.SENDING) -> bool:
    """Give back a claimed message that did not leave: never handed to the modem, or
    refused by it with an error line (no network, no SIM...), or UNKNOWN and its line says it
    never received it (`old`). Its attempts are not counted: the line, not the message, was the
    problem."""
    result, result_text = as_text(reason)
    return message_transition(
        message.pk,
        old=old,
        new=S.QUEUED,
        claim=message,
        result=result,
        result_text=result_text,
        modem=None,
        claimed_at=None,
        handed_at=None,
    )


STOPPED_WHILE_SENDING = Text(gettext_noop("The modem worker stopped while sending: the message may have been sent."))
# A worker beats every few seconds, even while it waits for a slow modem; one silent this long
# is dead (killed, power cut, machine down) and its claimed messages go back to the queue.
CLAIM_EXPIRES = datetime.timedelta(seconds=45)


def messages_recover_abandoned(*, modems=None, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Messages left in SENDING by dead workers: never handed -> QUEUED again; handed ->
    UNKNOWN ("may have been sent"), for its delivery report or a person to decide. Returns
    both counts.

    With `modems` (a worker recovering its own modem at start-up: its previous run is dead)
    every SENDING message of those modems; without, the messages of any worker whose
    heartbeat stopped CLAIM_EXPIRES ago (or whose modem row was deleted).
    """
    now = now or timezone.now()
    stuck = OutgoingMessage.objects.filter(status=S.SENDING)
    if modems is not None:
        stuck = stuck.filter(modem__in=modems)
    else:
        silent = (
            Q(modem__isnull=True) | Q(modem__heartbeat_at__isnull=True) | Q(modem__heartbeat_at__lt=now - CLAIM_EXPIRES)
        )
        stuck = stuck.filter(silent, claimed_at__lt=now - CLAIM_EXPIRES)
    requeued = messages_transition(
        stuck.filter(handed_at__isnull=True), old=[S.SENDING], new=S.QUEUED, modem=None, claimed_at=None
    )
    unknown = messages_transition(
        stuck.filter(handed_at__isnull=False),
        old=[S.SENDING],
        new=S.UNKNOWN,
        result=str(STOPPED_WHILE_SENDING),
        result_text=STOPPED_WHILE_SENDING.stored(),
    )
    return requeued, unknown


def message_resend(message_id: int) -> bool:
    """A person asks to send again a FAILED or UNKNOWN message."""
    message = OutgoingMessage.objects.get(pk=message_id)
    if message.status not in (S.FAILED, S.UNKNOWN):
        raise IllegalTransition(f"Only failed or unknown messages are re-sent, not {message.status}")
    # A fresh start: a person decided, so the message gets its full set of retries again.
    return message_transition(
        message_id,
        old=message.status,
        new=S.QUEUED,
        next_attempt_at=None,
        handed_at=None,
        claimed_at=None,
        modem=None,
        attempts=0,
    )


@transaction.atomic
def incoming_store(
    *, modem, phone: str, text: str, received_at, concat=None, note: str = "", pdu: str = ""
) -> IncomingMessage | None:
    """Store an incoming SMS, joining multipart ones; the message once all parts are in.

    `note` says what could not be read (a damaged time stamp, an unreadable message) and `pdu`
    keeps the message as the modem gave it, for a person to look at."""
    from messaging.notifications import incoming_notify

    if concat is None or concat.total <= 1:
        if IncomingMessage.objects.filter(modem=modem, phone=phone, text=text, received_at=received_at).exists():
            # The device still kept a message saved before (deleting it there failed): not again,
            # nor e-mailed twice. Its time stamp is the network's, so a new message never matches.
            return None
        message = IncomingMessage.objects.create(
            modem=modem, phone=phone, text=text, received_at=received_at, note=note, pdu=pdu
        )
        incoming_notify(message)
        incoming_received.send(sender=IncomingMessage, message=message)
        return message
    IncomingPart.objects.get_or_create(
        modem=modem,
        phone=phone,
        reference=concat.reference,
        total=concat.total,
        sequence=concat.sequence,
        defaults={"text": text, "received_at": received_at, "note": note, "pdu": pdu},
    )
    parts = list(
        IncomingPart.objects.select_for_update()
        .filter(modem=modem, phone=phone, reference=concat.reference, total=concat.total)
        .order_by("sequence")
    )
    if len(parts) < concat.total:
        return None
    message = IncomingMessage.objects.create(
        modem=modem,
        phone=phone,
        text="".join(part.text for part in parts),
        received_at=parts[0].received_at,
        note="\n".join(part.note for part in parts if part.note),
        pdu="\n".join(part.pdu for part in parts if part.pdu),
    )
    IncomingPart.objects.filter(pk__in=[part.pk for part in parts]).delete()
    incoming_notify(message)  # one e-mail for the whole message
    incoming_received.send(sender=IncomingMessage, message=message)
    return message


@transaction.atomic
def call_store(*, modem, phone: str, now, quiet_seconds: int = 30) -> IncomingCall | None:
    """One call per ringing: RING repeats every few seconds while the phone rings."""
    recent = IncomingCall.objects.filter(
        modem=modem, phone=phone, received_at__gte=now - datetime.timedelta(seconds=quiet_seconds)
    )
    if recent.exists():
        recent.update(received_at=now)
        return None
    from messaging.notifications import call_notify

    call = IncomingCall.objects.create(modem=modem, phone=phone, received_at=now)
    call_notify(call)
    call_received.send(sender=IncomingCall, call=call)
    return call
