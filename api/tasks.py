"""django-q tasks of the API: the daily cleanup of idempotency records; webhook events and
expiry every minute (api.webhooks.minutely)."""

import datetime

from django.utils import timezone

from api.models import ApiKeyUsage, ApiMessage, IdempotencyRecord

IDEMPOTENCY_KEEP = datetime.timedelta(hours=24)
# A message still not delivered a week after it was sent through the API (a line without
# delivery reports) stops being watched for webhook events.
WATCH_DAYS = 7


def idempotency_cleanup(*, now: datetime.datetime | None = None) -> int:
    """Forget Idempotency-Keys older than a day (run daily: each is kept between one and two days);
    stop watching API messages older than a week for webhook events; drop old rate counts."""
    now = now or timezone.now()
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=now - IDEMPOTENCY_KEEP).delete()
    ApiKeyUsage.objects.filter(window_start__lt=now - datetime.timedelta(hours=1)).delete()
    old = ApiMessage.objects.filter(open=True, message__loaded_at__lt=now - datetime.timedelta(days=WATCH_DAYS))
    ApiMessage.objects.filter(pk__in=list(old.values_list("pk", flat=True)[:100_000])).update(open=False)
    return deleted


IDEMPOTENCY_SCHEDULE = "smsmotor: API idempotency cleanup"
WEBHOOK_SCHEDULE = "smsmotor: API webhook events and expiry"


def schedules_ensure(**_kwargs) -> None:
    """The API's django-q schedules (created after migrate, like the outbox's)."""
    from django_q.models import Schedule

    Schedule.objects.get_or_create(
        name=IDEMPOTENCY_SCHEDULE,
        defaults={"func": "api.tasks.idempotency_cleanup", "schedule_type": Schedule.DAILY, "repeats": -1},
    )
    Schedule.objects.get_or_create(
        name=WEBHOOK_SCHEDULE,
        defaults={"func": "api.webhooks.minutely", "schedule_type": Schedule.MINUTES, "minutes": 1, "repeats": -1},
    )
