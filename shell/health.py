"""Is the installation alive? The database, the django-q cluster and each modem's worker.

Used by `manage.py healthcheck` and the /health/ endpoint, for monitoring.
"""

import datetime

from django.db import DatabaseError, connection
from django.utils import timezone
from django_q.models import Schedule

from messaging.notifications import OUTBOX_SCHEDULE
from modem.models import Modem

# The e-mail outbox schedule runs every minute: when the cluster is up, its next run is never
# much in the past.
CLUSTER_LATE_AFTER = datetime.timedelta(minutes=3)


def health_report(now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    report = {"database": _database(), "cluster": None, "modems": []}
    if report["database"]["ok"]:
        report["cluster"] = _cluster(now)
        report["modems"] = _modems(now)
    checks = [report["database"], report["cluster"] or {"ok": False}, *report["modems"]]
    report["ok"] = all(check["ok"] for check in checks)
    return report


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except DatabaseError as error:
        return {"ok": False, "error": str(error)}


def _cluster(now: datetime.datetime) -> dict:
    schedule = Schedule.objects.filter(name=OUTBOX_SCHEDULE).first()
    if schedule is None or schedule.next_run is None:
        return {"ok": False, "error": "the outbox schedule is missing: run migrate"}
    late = now - schedule.next_run
    return {
        "ok": late < CLUSTER_LATE_AFTER,
        "next_run": schedule.next_run.isoformat(),
        "late_seconds": max(0, int(late.total_seconds())),
    }


def _modems(now: datetime.datetime) -> list[dict]:
    return [
        {
            "ok": modem.is_alive(now),
            "name": modem.name,
            "state": modem.state,
            "heartbeat_at": modem.heartbeat_at.isoformat() if modem.heartbeat_at else None,
        }
        for modem in Modem.objects.filter(enabled=True).order_by("name")
    ]
