"""E-mail notifications through an outbox: replies, calls, load summaries, balance answers.

A notification row is written in the same transaction as what it tells about, handed to
django-q after the commit, and retried with growing delays by a django-q schedule while the
SMTP server is down or refuses it, so a slow or absent server never blocks a worker or a
page and nothing is lost (at-least-once: an e-mail may repeat if the server takes it and the
answer is lost).
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from accounts.mail import MailError, mail_send
from messaging.models import (
    IncomingCall,
    IncomingMessage,
    MessageStatus,
    MessagingSettings,
    Notification,
    NotificationKind,
    NotificationStatus,
    OutgoingMessage,
)
from messaging.webhooks import WebhookError, webhook_post

logger = logging.getLogger("smsmotor.mail")

# Minutes before attempt n+1; the last one repeats. After MAX_ATTEMPTS (about three days) the
# notification is marked FAILED and stays in the admin with its error.
RETRY_MINUTES = [1, 2, 5, 10, 30, 60]
MAX_ATTEMPTS = 80
# How long one delivery may hold a notification before another runner may take it over.
CLAIM_MINUTES = 5
OUTBOX_SCHEDULE = "smsmotor: e-mail outbox"
# Webhook events: exponential backoff (1, 2, 4... minutes, at most an hour between attempts) for
# a day after the event, then FAILED (visible in the admin with the receiver's last answer).
WEBHOOK_MAX_DELAY_MINUTES = 60
WEBHOOK_GIVE_UP = datetime.timedelta(days=1)


def notification_queue(
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    incoming: IncomingMessage | None = None,
    call: IncomingCall | None = None,
) -> Notification:
    notification = Notification.objects.create(
        kind=kind, to=to, subject=subject[:200], body=body, incoming=incoming, call=call
    )
    transaction.on_commit(lambda: async_task("messaging.notifications.notification_deliver", notification.pk))
    return notification


def notification_deliver(notification_id: int, *, now: datetime.datetime | None = None) -> str:
    """One attempt to send one notification (a django-q task)."""
    now = now or timezone.now()
    # Claim it: two runners (the task and the retry job) never send the same attempt twice.
    claimed = Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + datetime.timedelta(minutes=CLAIM_MINUTES))
    if not claimed:
        return "not due"
    notification = Notification.objects.get(pk=notification_id)
    attempts = notification.attempts + 1
    try:
        if notification.kind == NotificationKind.WEBHOOK:
            webhook_post(
                url=notification.url, secret=notification.secret, body=notification.body, event_id=notification.event_id
            )
        else:
            mail_send(to=notification.to, subject=notification.subject, body=notification.body)
    except (MailError, WebhookError) as error:
        delay, give_up = _retry_delay(notification, attempts, now)
        status = NotificationStatus.FAILED if give_up else NotificationStatus.PENDING
        Notification.objects.filter(pk=notification.pk).update(
            attempts=attempts,
            last_error=str(error),
            status=status,
            next_attempt_at=now + datetime.timedelta(minutes=delay),
        )
        logger.warning(
            "%s %s to %s not sent (attempt %d, next in %d min): %s",
            "Webhook event" if notification.kind == NotificationKind.WEBHOOK else "E-mail",
            notification.pk,
            notification.url or notification.to,
            attempts,
            delay,
            error,
        )
        return f"attempt {attempts} failed"
    Notification.objects.filter(pk=notification.pk).update(
        attempts=attempts, last_error="", status=NotificationStatus.SENT, sent_at=now
    )
    if notification.incoming_id:
        IncomingMessage.objects.filter(pk=notification.incoming_id).update(notified_at=now)
    if notification.call_id:
        IncomingCall.objects.filter(pk=notification.call_id).update(notified_at=now)
    logger.info(
        "Notification %s (%s) sent to %s", notification.pk, notification.kind, notification.url or notification.to
    )
    return "sent"


def _retry_delay(notification: Notification, attempts: int, now: datetime.datetime) -> tuple[int, bool]:
    """Minutes until the next attempt, and whether to give up instead."""
    if notification.kind == NotificationKind.WEBHOOK:
        delay = min(2 ** (attempts - 1), WEBHOOK_MAX_DELAY_MINUTES)
        return delay, now >= notification.created_at + WEBHOOK_GIVE_UP
    return RETRY_MINUTES[min(attempts, len(RETRY_MINUTES)) - 1], attempts >= MAX_ATTEMPTS


def notifications_retry(*, now: datetime.datetime | None = None) -> int:
    """The outbox schedule: every due pending notification gets one more attempt."""
    now = now or timezone.now()
    due = Notification.objects.filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now)
    sent = 0
    for notification_id in due.order_by("next_attempt_at").values_list("pk", flat=True)[:200]:
        sent += notification_deliver(notification_id, now=now) == "sent"
    return sent


def outbox_schedule_ensure(**_kwargs) -> None:
    """The django-q schedule that retries the outbox every minute (created after migrate)."""
    from django_q.models import Schedule

    Schedule.objects.get_or_create(
        name=OUTBOX_SCHEDULE,
        defaults={
            "func": "messaging.notifications.notifications_retry",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _last_sent_lines(phone: str) -> list[str]:
    last = (
        OutgoingMessage.objects.filter(
            phone=phone, status__in=[MessageStatus.SENT, MessageStatus.DELIVERED], sent_at__isnull=False
        )
        .order_by("-sent_at")
        .only("text", "sent_at", "load_id")
        .first()
    )
    if last is None:
        return ["", _("No message was sent to this number.")]
    lines = ["", _("Last message sent to this number:"), _("Sent at: %(when)s") % {"when": _when(last.sent_at)}]
    if last.load_id:
        lines.append(_("Load: %(id)d") % {"id": last.load_id})
    return [*lines, "", last.text]


def incoming_notify(message: IncomingMessage) -> Notification | None:
    """E-mail a received SMS (whole, multipart already joined) to the Messages tab's address."""
    messaging = MessagingSettings.load()
    if not messaging.notify_email:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("SMS received from %(phone)s") % {"phone": message.phone},
            _("Received at: %(when)s") % {"when": _when(message.received_at)},
            "",
            message.text,
        ]
        if messaging.include_last_sent:
            lines += _last_sent_lines(message.phone)
        subject = _("SMS from %(phone)s") % {"phone": message.phone}
    return notification_queue(
        kind=NotificationKind.INCOMING,
        to=messaging.notify_email,
        subject=subject,
        body="\n".join(lines),
        incoming=message,
    )


def call_notify(call: IncomingCall) -> Notification | None:
    messaging = MessagingSettings.load()
    if not messaging.notify_email:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        phone = call.phone or _("an unknown number")
        lines = [
            _("Call received from %(phone)s") % {"phone": phone},
            _("Received at: %(when)s") % {"when": _when(call.received_at)},
        ]
        if messaging.include_last_sent and call.phone:
            lines += _last_sent_lines(call.phone)
        subject = _("Call from %(phone)s") % {"phone": phone}
    return notification_queue(
        kind=NotificationKind.CALL, to=messaging.notify_email, subject=subject, body="\n".join(lines), call=call
    )
