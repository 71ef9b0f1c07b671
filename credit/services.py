"""Credit: the message counter and balance queries to the operator, by USSD or by SMS."""

import datetime
import logging
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.audit import audit
from accounts.models import AuditAction
from credit.models import BalanceQuery, CreditSettings, OperatorProfile, QueryMethod, QueryStatus
from messaging.models import MessageStatus, NotificationKind, OutgoingMessage
from messaging.notifications import notification_queue
from messaging.services import message_transition
from modem.models import CommandKind, Modem, ModemCommand
from smsmotor.schedules import daily_schedule_sync
from smsmotor.texts import Text

logger = logging.getLogger("smsmotor.credit")

BALANCE_SCHEDULE = "smsmotor: balance query"
# An SMS answer from the operator's short number counts for the question asked this long ago.
SMS_ANSWER_WITHIN = datetime.timedelta(hours=1)
_DEFAULT_PATTERN = re.compile(r"(?i)(?:bs\.?|saldo[^0-9]{0,30}?)\s*(\d[\d.,]*)")


class CreditError(ValueError):
    """The query cannot be made (a sentence for the user)."""


# The usual Bolivian operators, created while there are no profiles at all (after migrate),
# editable in the Credit tab: operators change their codes.
DEFAULT_PROFILES = [
    {"name": "Entel", "method": QueryMethod.USSD, "ussd_code": "*105#"},
    {"name": "Tigo", "method": QueryMethod.USSD, "ussd_code": "*555#"},
    {"name": "Viva", "method": QueryMethod.USSD, "ussd_code": "*123#"},
]


def default_profiles_ensure(**_kwargs) -> None:
    if not OperatorProfile.objects.exists():
        OperatorProfile.objects.bulk_create([OperatorProfile(**profile) for profile in DEFAULT_PROFILES])


# --- the counter ------------------------------------------------------------------------------


def counter_add(segments: int) -> None:
    """Segments a worker sent since its last report (it reports in batches, every few seconds)."""
    if segments:
        CreditSettings.load()  # the row exists
        CreditSettings.objects.update(
            counter=F("counter") + segments,
            balance=F("balance") - segments,  # NULL stays NULL: not tracking a balance
        )


def counter_reset(*, by) -> None:
    CreditSettings.load()
    CreditSettings.objects.update(counter=0, counter_reset_at=timezone.now())
    audit(user=by, action=AuditAction.SETTINGS, target=Text(gettext_noop("Message counter reset")))
    logger.info("Message counter reset by %s", by.get_username())


# --- balance queries --------------------------------------------------------------------------


def parse_balance(text: str, pattern: str = "") -> Decimal | None:
    """'Su saldo es Bs 12,50 vigente hasta...' -> Decimal('12.50'); None if there is no amount."""
    regex = re.compile(pattern, re.IGNORECASE) if pattern else _DEFAULT_PATTERN
    match = regex.search(text or "")
    if not match:
        return None
    raw = (match.group(1) if match.groups() else match.group(0)).strip(" .,")
    if "," in raw and "." in raw:  # 1.234,50 or 1,234.50: the last mark is the decimal one
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
        raw = raw.replace("." if decimal_mark == "," else ",", "").replace(decimal_mark, ".")
    else:
        raw = raw.replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def _sending_modem() -> Modem:
    modem = Modem.objects.filter(enabled=True).order_by("pk").first()
    if modem is None:
        raise CreditError(_("No modem is configured: add one in the Modem tab to ask for the balance."))
    return modem


@transaction.atomic
def balance_query_start(
    *, profile: OperatorProfile, notify_email: str = "", by=None, automatic: bool = False
) -> BalanceQuery:
    """Ask the operator: a USSD command for the modem's worker, or an SMS to the short number.
    The answer is stored (and e-mailed) when it arrives."""
    query = BalanceQuery(
        profile=profile, method=profile.method, requested_by=by, automatic=automatic, notify_email=notify_email
    )
    if profile.method == QueryMethod.USSD:
        if not profile.ussd_code:
            raise CreditError(_("The profile %(name)s has no USSD code.") % {"name": profile.name})
        query.command = ModemCommand.objects.create(
            modem=_sending_modem(), kind=CommandKind.USSD, argument=profile.ussd_code, created_by=by
        )
    else:
        if not profile.sms_number or not profile.sms_text:
            raise CreditError(_("The profile %(name)s needs a short number and a text.") % {"name": profile.name})
        _sending_modem()
        message = OutgoingMessage.objects.create(
            phone=profile.sms_number, text=profile.sms_text, is_test=True, send_date=timezone.localdate()
        )
        message_transition(message.pk, old=MessageStatus.PENDING, new=MessageStatus.QUEUED)
        query.message = message
    query.save()
    if by is not None:
        audit(user=by, action=AuditAction.BALANCE, target=profile.name, detail={"query": query.pk})
    logger.info(
        "Balance query %s (%s, %s) by %s",
        query.pk,
        profile.name,
        profile.method,
        by.get_username() if by else "schedule",
    )
    return query


def _answer(query: BalanceQuery, *, text: str, phone: str = "", failed: bool = False) -> None:
    now = timezone.now()
    balance = None if failed else parse_balance(text, query.profile.answer_pattern if query.profile else "")
    updated = BalanceQuery.objects.filter(pk=query.pk, status=QueryStatus.WAITING).update(
        status=QueryStatus.FAILED if failed else QueryStatus.ANSWERED,
        answer=text,
        answer_phone=phone,
        balance=balance,
        answered_at=now,
    )
    if not updated:
        return  # answered already
    query.refresh_from_db()
    logger.info("Balance query %s answered: %s", query.pk, text)
    address = query.notify_email or CreditSettings.load().notify_email
    if address:
        _notify(query, address)


def _notify(query: BalanceQuery, address: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        name = query.profile.name if query.profile else "-"
        subject = _("SMS Motor: balance %(operator)s") % {"operator": name}
        lines = [
            _("Balance query to %(operator)s (%(method)s), asked at %(when)s")
            % {
                "operator": name,
                "method": query.get_method_display(),
                "when": timezone.localtime(query.requested_at).strftime("%d/%m/%Y %H:%M"),
            },
            _("Answer at %(when)s:") % {"when": timezone.localtime(query.answered_at).strftime("%d/%m/%Y %H:%M")},
            "",
            query.answer,
        ]
        if query.balance is not None:
            lines += ["", _("Balance read: %(balance)s") % {"balance": query.balance}]
    notification_queue(kind=NotificationKind.BALANCE, to=address, subject=subject, body="\n".join(lines))


@transaction.atomic
def balance_answer_from_command(command: ModemCommand) -> None:
    """Called by the worker after a USSD command: the query waiting for it gets its answer."""
    query = BalanceQuery.objects.filter(command=command, status=QueryStatus.WAITING).first()
    if query is None:
        return
    command.refresh_from_db()
    result = command.result or {}
    text, status = str(result.get("text") or ""), result.get("status")
    if result.get("error"):
        _answer(query, text=str(result["error"]), failed=True)
    elif status in (None, 0, 1, 2) and text:
        _answer(query, text=text)  # a release (2) may carry the balance itself (gammu issue #150)
    else:  # +CUSD: 2 (ended by the network), 4 (not supported), 5 (timeout)... or nothing said
        reasons = {
            2: _("the network ended the USSD session"),
            4: _("the operator does not support this USSD code"),
            5: _("the network did not answer in time"),
        }
        reason = reasons.get(status, _("the operator sent no answer"))
        _answer(query, text=_("No balance: %(reason)s.") % {"reason": reason}, failed=True)


def balance_answer_from_sms(*, phone: str, text: str, received_at) -> bool:
    """An incoming SMS from an operator's short number answers the SMS query waiting for it."""
    digits = phone.lstrip("+")
    query = (
        BalanceQuery.objects.filter(
            method=QueryMethod.SMS,
            status=QueryStatus.WAITING,
            requested_at__gte=received_at - SMS_ANSWER_WITHIN,
            profile__sms_number__in=[phone, digits],
        )
        .select_related("profile")
        .order_by("-requested_at")
        .first()
    )
    if query is None:
        return False
    _answer(query, text=text, phone=phone)
    return True


def balance_schedule_sync(*, now: datetime.datetime | None = None) -> None:
    """Create, move or remove the django-q schedule of the daily balance query."""
    credit = CreditSettings.load()
    enabled = credit.automatic_query and credit.profile_id is not None
    daily_schedule_sync(
        name=BALANCE_SCHEDULE,
        func="credit.tasks.balance_query_daily",
        at=credit.automatic_query_time if enabled else None,
        now=now,
    )
