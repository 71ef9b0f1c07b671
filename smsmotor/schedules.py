"""The daily django-q schedules that settings pages create, move and remove."""

import datetime

from django.utils import timezone


def daily_schedule_sync(
    *, name: str, func: str, at: datetime.time | None, now: datetime.datetime | None = None
) -> None:
    """A schedule `name` running `func` every day at `at` (local time), next at the coming
    occurrence; `at=None` removes it."""
    from django_q.models import Schedule

    if at is None:
        Schedule.objects.filter(name=name).delete()
        return
    now = timezone.localtime(now)
    next_run = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if next_run <= now:
        next_run += datetime.timedelta(days=1)
    Schedule.objects.update_or_create(
        name=name,
        defaults={"func": func, "schedule_type": Schedule.DAILY, "next_run": next_run, "repeats": -1},
    )
