"""django-q tasks of the API: the daily cleanup of idempotency records; webhook events and
expiry every minute (api.webhooks.minutely)."""

import datetime

from django.utils import timezone

from api.models import IdempotencyRecord

IDEMPOTENCY_KEEP = datetime.timedelta(hours=24)


def idempotency_cleanup(*, now: datetime.datetime | None = None) -> int:
    """Forget Idempotency-Keys older than a day (run daily: each is kept between one and two days)."""
    now = now or timezone.now()
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=now - IDEMPOTENCY_KEEP).delete()
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
