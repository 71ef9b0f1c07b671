"""Loads: from a spreadsheet (or the ERP) to queued messages, explaining every rejected row.

Longer than 500 lines on purpose: the Excel and ERP loads share the row checks, the template
rendering, the duplicate rules and the one bulk insert; each step is a small function."""

import datetime
import hashlib
import logging
import queue
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.audit import audit
from accounts.licensing import stopped_reason
from accounts.models import AuditAction
from accounts.services import licence_current
from loads import erp
from loads.models import IntegrationSource, Load, LoadSettings, LoadType, Template
from loads.spreadsheet import MESSAGE, PHONE, SEND_DATE, IgnoredColumn, Sheet, SheetReader, SheetRow, open_spreadsheet
from loads.templating import (
    SEED_LIMIT,
    STANDARD_TOKENS,
    TemplateError,
    check_tokens,
    render,
    sample_values,
    tokens,
    with_signature,
)
from messaging.models import MessageStatus, NotificationKind, OutgoingMessage
from messaging.notifications import notification_queue
from messaging.phones import normalize_phone
from messaging.services import messages_transition
from modem.at import pdu
from modem.models import Modem
from smsmotor.schedules import daily_schedule_sync
from smsmotor.texts import Text, as_text

logger = logging.getLogger("smsmotor.loads")


@dataclass(slots=True)
class PlannedMessage:
    row: int
    phone: str
    text: str
    send_date: datetime.date
    segments: int
    encoding: str


@dataclass
class LoadPlan:
    """What a load would create: nothing is stored until it is confirmed."""

    rows_read: int = 0
    messages: list[PlannedMessage] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)

    @property
    def segments(self) -> int:
        return sum(message.segments for message in self.messages)

    def reject(self, row: int, reason: Text | str) -> None:
        """`reason` in the active language, and as a message id (shown in each reader's language)."""
        rendered, stored = as_text(reason)
        self.rejected.append(
            {"row": row, "reason": rendered, "reason_stored": stored} if stored else {"row": row, "reason": rendered}
        )


class LoadError(ValueError):
    """The whole load cannot go ahead (a sentence for the user), with the rows rejected on the way."""

    def __init__(self, message: str, rejected: list[dict] | None = None):
        super().__init__(message)
        self.rejected = rejected or []


DEFAULT_MAX_SMS_PARTS = 10
MAX_SMS_PARTS = 255  # a concatenated SMS numbers its parts in one octet


def max_sms_parts() -> int:
    """How many SMS one message may take (settings.LOADS_MAX_SMS_PARTS, 1 to 255): a message
    that would take more is a mistake in the file (a whole letter pasted in a cell), not a reminder."""
    return min(max(int(getattr(settings, "LOADS_MAX_SMS_PARTS", DEFAULT_MAX_SMS_PARTS)), 1), MAX_SMS_PARTS)


def spanish_mode() -> pdu.SpanishMode:
    """Segments are counted the way the modems will send (the first enabled modem's choice)."""
    modem = Modem.objects.filter(enabled=True).only("spanish_encoding").first()
    return pdu.SpanishMode(modem.spanish_encoding if modem else pdu.SpanishMode.UCS2)


class _Planner:
    """Turns sheet rows into planned messages and rejections, one batch after another."""

    def __init__(
        self, *, columns: list[str], template: Template | None, send_date: datetime.date | None, today: datetime.date
    ):
        if template is None and "message" not in columns:
            raise LoadError(_("The file has no “Mensaje” column: add one, or choose a template to write the messages."))
        if send_date is None and "send_date" not in columns:
            raise LoadError(_("Choose a send date, or add a “Fecha de envío” column to the file."))
        licence = licence_current(today)
        if not licence.ok:
            raise LoadError(stopped_reason(licence))
        self.company = licence.company  # the signature that closes every message
        self.template, self.send_date, self.today = template, send_date, today
        self.needed = self.columns_needed(template)
        self.mode = spanish_mode()
        self.max_parts = max_sms_parts()
        # A digest of (phone, text) -> first row: 200 000 long messages need not stay in memory.
        self.first_row_of: dict[bytes, int] = {}

    @staticmethod
    def columns_needed(template: Template | None) -> set[str]:
        """The columns a message is made of; the others need not even be cleaned."""
        return {PHONE, SEND_DATE} | (set(tokens(template.text)) if template else {MESSAGE})

    def plan(self, rows: list[SheetRow], plan: LoadPlan) -> None:
        template, send_date, today, mode, first_row_of, max_parts = (
            self.template,
            self.send_date,
            self.today,
            self.mode,
            self.first_row_of,
            self.max_parts,
        )
        blake2b = hashlib.blake2b
        encodings: dict = {}
        plan.rows_read += len(rows)
        for row in rows:
            reason = _cell_errors(row) if row.errors else ""
            try:
                if reason:
                    raise LoadError(reason)
                phone = normalize_phone(str(row.values.get("phone", "")))
                text = render(template.text, row.values) if template else str(row.values.get("message", "")).strip()
                if not text:
                    raise LoadError(_("The message is empty."))
                text = with_signature(text, self.company)
                day = row.values.get("send_date") or send_date
                if not isinstance(day, datetime.date):
                    raise LoadError(_("The send date is missing."))
                if day < today:
                    raise LoadError(_("The send date %(date)s has passed.") % {"date": day.strftime("%d/%m/%Y")})
            except ValidationError as error:
                plan.reject(row.number, _error_text(error))
                continue
            except (LoadError, TemplateError) as error:
                plan.reject(row.number, str(error))
                continue
            key = blake2b(f"{phone}\0{text}".encode(), digest_size=16).digest()
            if key in first_row_of:
                plan.reject(
                    row.number, Text(gettext_noop("Same phone and message as row %(row)d."), row=first_row_of[key])
                )
                continue
            planned = pdu.plan(text, mode)
            if planned.segments > max_parts:
                plan.reject(
                    row.number,
                    Text(
                        gettext_noop("The message takes %(parts)d SMS; the most allowed is %(max)d: shorten it."),
                        parts=planned.segments,
                        max=max_parts,
                    ),
                )
                continue
            first_row_of[key] = row.number
            encoding = encodings.get(planned.encoding) or encodings.setdefault(planned.encoding, str(planned.encoding))
            plan.messages.append(PlannedMessage(row.number, phone, text, day, planned.segments, encoding))


def _error_text(error: ValidationError) -> Text | str:
    """A phone's validation error as a Text (its message id and parameters) where it has one."""
    message = getattr(error, "message", None)
    text = Text.of_label(message) if message is not None else None
    if isinstance(text, Text):
        return Text(text.msgid, **(error.params or {}))
    return " ".join(error.messages)


def load_plan_from_sheet(
    *, sheet: Sheet, template: Template | None, send_date: datetime.date | None, today: datetime.date
) -> LoadPlan:
    plan = LoadPlan()
    _Planner(columns=sheet.columns, template=template, send_date=send_date, today=today).plan(sheet.rows, plan)
    return plan


def _cell_errors(row) -> str:
    wanted = ("phone", "message", "send_date")
    return " ".join(reason for column, reason in row.errors.items() if column in wanted or not column) or ""


@transaction.atomic
def load_create(
    *, plan: LoadPlan, type: str, user, today: datetime.date, template: Template | None = None, **fields
) -> Load:
    """Store the load's history row and its messages (due today: QUEUED; later: PENDING)."""
    if not plan.messages:
        raise LoadError(_("No row can be loaded: see the rejected rows."))
    load = Load.objects.create(
        type=type,
        created_by=user,
        template=template,
        rows_read=plan.rows_read,
        messages_created=len(plan.messages),
        rows_rejected=len(plan.rejected),
        rejections=plan.rejected,
        segments=plan.segments,
        send_date=min(message.send_date for message in plan.messages),
        **fields,
    )
    _messages_insert(load, plan.messages, today=today, now=timezone.now())
    _log_load(load)
    _audit_load(load)
    return load


def _audit_load(load: Load) -> None:
    audit(
        user=load.created_by,
        action=AuditAction.LOAD,
        target=Text(gettext_noop("Load %(id)d (%(type)s)"), id=load.pk, type=Text.of_label(LoadType(load.type).label)),
        detail={"messages": load.messages_created, "rejected": load.rows_rejected, "file": load.file_name or ""},
    )


def _log_load(load: Load) -> None:
    logger.info(
        "Load %s (%s) by %s: %d rows, %d messages, %d rejected, %d SMS",
        load.pk,
        load.type,
        load.created_by.get_username() if load.created_by else "system",
        load.rows_read,
        load.messages_created,
        load.rows_rejected,
        load.segments,
    )


INSERT_BATCH = 2000


def _messages_insert(load: Load, messages: list[PlannedMessage], *, today: datetime.date, now) -> None:
    """The load's messages, in file order, in batches of plain INSERTs: building 100 000 model
    instances for bulk_create costs more than the database does (bench/loads.py)."""
    ops = connection.ops
    loaded_at = str(ops.adapt_datetimefield_value(now))
    if not re.fullmatch(r"[\d :.+-]+", loaded_at):  # a literal we write ourselves: nothing to quote in it
        raise ValueError(f"unexpected timestamp literal {loaded_at!r}")
    # What every row shares goes into the statement once.
    shared = {
        "load_id": str(int(load.pk)),
        "loaded_at": f"'{loaded_at}'",
        "result": "''",
        "is_test": "0",
        "attempts": "0",
    }
    columns = ["phone", "text", "send_date", "segments", "status", *shared]
    table = ops.quote_name(OutgoingMessage._meta.db_table)
    head = f"INSERT INTO {table} ({', '.join(map(ops.quote_name, columns))}) VALUES "
    rows = [
        (message.phone, message.text, message.send_date, message.segments, message.send_date <= today)
        for message in messages
    ]
    queued, pending = MessageStatus.QUEUED.value, MessageStatus.PENDING.value
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            # mysqlclient's executemany escapes every value through Python calls; building the
            # multi-row VALUES with its C string escaper halves the cost of a 100 000-row load.
            connection.ensure_connection()
            quote = connection.connection.string_literal
            tail = ("," + ",".join(shared.values()) + ")").encode()
            status = {True: f"'{queued}'".encode(), False: f"'{pending}'".encode()}
            days = {day: day.isoformat().encode() for day in {row[2] for row in rows}}
            for start in range(0, len(rows), INSERT_BATCH):
                body = b",".join(
                    b"(%s,%s,'%s',%d,%s%s"
                    % (
                        quote(phone.encode()),
                        quote(text.encode()),
                        days[day],
                        segments,
                        status[due],
                        tail,
                    )
                    for phone, text, day, segments, due in rows[start : start + INSERT_BATCH]
                )
                cursor.execute(head.encode() + body)
        else:
            # One multi-row statement a batch: one call into SQLite instead of one a row, given
            # to sqlite3 itself ("?" placeholders): Django's wrapper rewrites each long statement.
            connection.ensure_connection()
            execute = connection.connection.execute
            row_sql = "(" + ", ".join(["?"] * 5 + list(shared.values())) + ")"
            batch_size = 500  # 2 500 parameters a statement: far under SQLite's 32 766
            days = {day: ops.adapt_datefield_value(day) for day in {row[2] for row in rows}}
            for start in range(0, len(rows), batch_size):
                chunk = rows[start : start + batch_size]
                params = []
                for phone, text, day, segments, due in chunk:
                    params += (phone, text, days[day], segments, queued if due else pending)
                execute(head + ", ".join([row_sql] * len(chunk)), params)


# --- Excel/CSV loads ----------------------------------------------------------------------------

PREVIEW_SAMPLES = 10
PREVIEW_REJECTED = 500  # rows listed in the preview; the count is always complete


@dataclass
class ExcelPreview:
    """What the preview of an Excel load shows, gathered while the file is read once: counts,
    the first rejected rows and sample messages, never the whole plan."""

    file_name: str = ""
    sheet_name: str = ""
    header_row: int = 0
    rows_read: int = 0
    message_count: int = 0
    segments: int = 0
    rejected_count: int = 0
    rejected: list[dict] = field(default_factory=list)
    samples: list[PlannedMessage] = field(default_factory=list)
    phone_columns: list[str] = field(default_factory=list)
    ignored_columns: list[IgnoredColumn] = field(default_factory=list)

    def add(self, batch: LoadPlan) -> None:
        self.rows_read += batch.rows_read
        self.message_count += len(batch.messages)
        self.segments += batch.segments
        self.rejected_count += len(batch.rejected)
        self.rejected += batch.rejected[: PREVIEW_REJECTED - len(self.rejected)]
        self.samples += batch.messages[: PREVIEW_SAMPLES - len(self.samples)]

    @property
    def rejected_not_shown(self) -> int:
        return self.rejected_count - len(self.rejected)

    @property
    def ignored_by_reason(self) -> list[tuple[str, list[IgnoredColumn]]]:
        """The columns not used, those with the same reason together, in the sheet's order."""
        groups: dict[str, list[IgnoredColumn]] = {}
        for column in self.ignored_columns:
            groups.setdefault(column.reason, []).append(column)
        return list(groups.items())


def unused_columns(reader: SheetReader, template: Template | None) -> list[IgnoredColumn]:
    """Columns the file has that this load will not put in any message."""
    used = _Planner.columns_needed(template)
    unused = []
    for index, name in reader.layout.fields:
        if name in used:
            continue
        if template:
            reason = _("the template does not use it (it would be <%(token)s>)") % {"token": name}
        else:
            reason = _("the messages come from the “Mensaje” column; other columns are used only by templates")
        unused.append(IgnoredColumn(reader.layout.letter(index), reader.layout.headers[index], reason, index))
    return unused


def load_preview_from_excel(
    *, file, file_name: str, send_date: datetime.date | None, template: Template | None = None
) -> ExcelPreview:
    """The preview of an Excel/CSV load: the file read once, in batches, nothing stored."""
    today = timezone.localdate()
    with open_spreadsheet(file, file_name) as reader:
        planner = _Planner(columns=reader.columns, template=template, send_date=send_date, today=today)
        reader.use_only(planner.needed)
        preview = ExcelPreview(
            file_name=file_name,
            sheet_name=reader.sheet_name,
            header_row=reader.header_row,
            phone_columns=reader.phone_columns,
        )
        for rows in reader.batches():
            batch = LoadPlan()
            planner.plan(rows, batch)
            preview.add(batch)
        preview.ignored_columns = sorted(
            reader.ignored_columns() + unused_columns(reader, template), key=lambda column: column.order
        )
    return preview


def load_create_from_excel(
    *, file, file_name: str, user, send_date: datetime.date | None, template: Template | None = None
) -> Load:
    """An Excel/CSV load (the web's confirmation and import_excel): rows are planned and inserted
    batch by batch as the file is read, so memory stays flat whatever its size (bench/loads.py).
    Nothing is kept if the file turns out damaged half-way or no row can be loaded."""
    today = timezone.localdate()
    totals = LoadPlan()
    messages_created = segments = 0
    first_send_date = None
    now = timezone.now()
    with open_spreadsheet(file, file_name) as reader, transaction.atomic():
        planner = _Planner(columns=reader.columns, template=template, send_date=send_date, today=today)
        reader.use_only(planner.needed)
        load = Load.objects.create(
            type=LoadType.EXCEL, created_by=user, template=template, file_name=file_name, send_date=send_date or today
        )
        for batch in _planned_while_inserting(reader, planner):
            totals.rows_read += batch.rows_read
            totals.rejected += batch.rejected
            if batch.messages:
                _messages_insert(load, batch.messages, today=today, now=now)
                messages_created += len(batch.messages)
                segments += batch.segments
                earliest = min(message.send_date for message in batch.messages)
                first_send_date = min(first_send_date or earliest, earliest)
        if not messages_created:
            raise LoadError(_("No row can be loaded: see the rejected rows."), totals.rejected)
        load.rows_read, load.messages_created, load.segments = totals.rows_read, messages_created, segments
        load.rows_rejected, load.rejections, load.send_date = len(totals.rejected), totals.rejected, first_send_date
        load.save(
            update_fields=["rows_read", "messages_created", "segments", "rows_rejected", "rejections", "send_date"]
        )
        _audit_load(load)
    _log_load(load)
    return load


def _planned_while_inserting(reader: SheetReader, planner: _Planner) -> Iterator[LoadPlan]:
    """The file's batches, read and planned in a thread while the caller inserts the previous
    one: the database works without holding the GIL, and on MariaDB that is a third of a load's
    time (bench/loads.py). A few batches ahead at most, so memory stays flat."""
    ahead: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()
    language = translation.get_language()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            with translation.override(language):
                for rows in reader.batches():
                    batch = LoadPlan()
                    planner.plan(rows, batch)
                    if not put(batch):
                        return
            put(None)
        except BaseException as exc:  # handed to the caller's thread, which raises it
            put(exc)

    worker = threading.Thread(target=produce, name="load-planner", daemon=True)
    worker.start()
    try:
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()  # the caller stopped early (an error of the insert): let the reader end
        worker.join()


UPLOAD_CLEANUP_SCHEDULE = "smsmotor: upload cleanup"


def upload_cleanup_schedule_ensure(**_kwargs) -> None:
    """The django-q schedule that deletes, every hour, uploads previewed but never confirmed
    for a day (created after migrate, like the outbox's)."""
    from django_q.models import Schedule

    Schedule.objects.get_or_create(
        name=UPLOAD_CLEANUP_SCHEDULE,
        defaults={"func": "loads.tasks.uploads_cleanup", "schedule_type": Schedule.HOURLY, "repeats": -1},
    )


@transaction.atomic
def load_cancel(*, load: Load, by) -> int:
    """Delete loaded: cancel every message of the load not yet handed to a modem.

    Safe against running workers: a message a worker has claimed but not yet written to
    its modem is cancelled too, and the worker's handed mark then fails, so it is not sent.
    Sent ones stay for the record. Returns how many were cancelled.
    """
    waiting = OutgoingMessage.objects.filter(load=load)
    reason = _("Load deleted by %(user)s.") % {"user": by.get_username()}
    count = messages_transition(
        waiting, old=[MessageStatus.PENDING, MessageStatus.QUEUED], new=MessageStatus.CANCELLED, result=reason
    ) + messages_transition(
        waiting.filter(handed_at__isnull=True), old=[MessageStatus.SENDING], new=MessageStatus.CANCELLED, result=reason
    )
    Load.objects.filter(pk=load.pk).update(
        cancelled_count=F("cancelled_count") + count, cancelled_by=by, cancelled_at=timezone.now()
    )
    logger.info("Load %s deleted by %s: %d messages cancelled", load.pk, by.get_username(), count)
    audit(
        user=by,
        action=AuditAction.LOAD_DELETE,
        target=Text(gettext_noop("Load %(id)d (%(type)s)"), id=load.pk, type=Text.of_label(LoadType(load.type).label)),
        detail={"cancelled": count},
    )
    return count


def template_measure(*, text: str, company: str, today: datetime.date) -> dict:
    """What the template editor shows while typing: the message as sent with sample data
    and the signature, its length against the 140 of the original, encoding and SMS count."""
    try:
        check_tokens(text, STANDARD_TOKENS)
        rendered = with_signature(render(text, sample_values(today)), company)
        error = ""
    except TemplateError as problem:
        rendered, error = with_signature(text, company), str(problem)
    planned = pdu.plan(rendered, spanish_mode())
    return {
        "rendered": rendered,
        "length": len(rendered),
        "limit": SEED_LIMIT,
        "over": len(rendered) > SEED_LIMIT,
        "encoding": str(planned.encoding),
        "encoding_text": ENCODING_WORDS[planned.encoding] % {"per_segment": planned.per_segment},
        "segments": planned.segments,
        "per_segment": planned.per_segment,
        "error": error,
    }


# What each encoding means for the cost, in words (the template editor).
ENCODING_WORDS = {
    pdu.Encoding.GSM7: gettext_lazy("plain characters: up to %(per_segment)d per SMS"),
    pdu.Encoding.SPANISH_SHIFT: gettext_lazy(
        "accents kept with the Spanish character table: up to %(per_segment)d per SMS"
    ),
    pdu.Encoding.UCS2: gettext_lazy(
        "accents such as á or í, or emoji, need the wide alphabet (UCS-2): only %(per_segment)d characters"
        " per SMS, so each message costs more"
    ),
}


class RepeatedLoad(LoadError):
    """This reference date was loaded already; loading it again needs a confirmation."""


def load_plan_from_erp(
    *, reference_date: datetime.date, send_date: datetime.date, template: Template | None, today: datetime.date
) -> LoadPlan:
    """Test load ("Probar carga"): what a load of this reference date would create. Stores nothing."""
    if template is None:
        raise LoadError(_("Choose the template the reminders are written with."))
    columns, rows = erp.fetch(IntegrationSource.load(), reference_date)
    sheet = erp.as_sheet(columns, rows)
    return load_plan_from_sheet(sheet=sheet, template=template, send_date=send_date, today=today)


def load_create_from_erp(
    *,
    type: str,
    reference_date: datetime.date,
    send_date: datetime.date,
    template: Template | None,
    user,
    confirm_repeat: bool = False,
) -> Load:
    """Manual or automatic load: the reminders of a reference date, queued for the send date.

    The same reference date twice would send the same reminders twice: refused unless the
    user confirms (loads whose messages were all cancelled do not count).
    """
    earlier = (
        Load.objects.filter(reference_date=reference_date, type__in=[LoadType.MANUAL, LoadType.AUTOMATIC])
        .exclude(messages_created=F("cancelled_count"))
        .order_by("-created_at")
        .first()
    )
    if earlier is not None and not confirm_repeat:
        raise RepeatedLoad(
            _("The reference date %(date)s was already loaded (load %(id)d). Confirm to load it again.")
            % {"date": reference_date.strftime("%d/%m/%Y"), "id": earlier.pk}
        )
    today = timezone.localdate()
    plan = load_plan_from_erp(reference_date=reference_date, send_date=send_date, template=template, today=today)
    with transaction.atomic():  # the summary e-mail is queued with the load, or neither is
        load = load_create(
            plan=plan, type=type, user=user, today=today, template=template, reference_date=reference_date
        )
        load_summary_notify(load)
    return load


def load_summary_notify(load: Load) -> None:
    """E-mail the load's summary to the Data loading tab's address, through the outbox (in the
    load's transaction; sent by django-q after the commit, retried while the server is down)."""
    address = LoadSettings.load().notify_email
    if not address:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("SMS Motor: load %(id)d (%(type)s)") % {"id": load.pk, "type": load.get_type_display()}
        lines = [
            _("Load %(id)d, %(type)s, %(when)s")
            % {
                "id": load.pk,
                "type": load.get_type_display(),
                "when": timezone.localtime(load.created_at).strftime("%d/%m/%Y %H:%M"),
            },
            _("Reference date: %(date)s")
            % {"date": load.reference_date.strftime("%d/%m/%Y") if load.reference_date else "-"},
            *load_counts(load),
        ]
        lines += [_("  row %(row)d: %(reason)s") % item for item in load.rejections[:200]]
    notification_queue(kind=NotificationKind.LOAD, to=address, subject=subject, body="\n".join(lines))


def load_counts(load: Load) -> list[str]:
    """What a load made of its rows, as labelled figures ("Rows read: 1" reads right in any number)."""
    return [
        _("Rows read: %(n)d") % {"n": load.rows_read},
        _("Messages created: %(n)d (%(segments)d SMS)") % {"n": load.messages_created, "segments": load.segments},
        _("Rows rejected: %(n)d") % {"n": load.rows_rejected},
    ]


AUTOMATIC_LOAD_SCHEDULE = "smsmotor: automatic load"


def automatic_load_schedule_sync(*, now: datetime.datetime | None = None) -> None:
    """Create, move or remove the django-q schedule of the daily automatic load to match
    the Data loading settings."""
    load_settings = LoadSettings.load()
    daily_schedule_sync(
        name=AUTOMATIC_LOAD_SCHEDULE,
        func="loads.tasks.automatic_load",
        at=load_settings.automatic_time if load_settings.automatic_enabled else None,
        now=now,
    )
