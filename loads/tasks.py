"""django-q tasks of the loads."""

import datetime
import logging

from django.utils import timezone

from loads import erp, excel, services
from loads.models import LoadSettings, LoadType

logger = logging.getLogger("smsmotor.loads")
UPLOAD_MAX_AGE = datetime.timedelta(days=1)


def automatic_load() -> str:
    """The daily automatic load: today's reminders, sent today. Run by the django-q schedule
    that the Data loading tab keeps (loads.services.automatic_load_schedule_sync)."""
    load_settings = LoadSettings.load()
    if not load_settings.automatic_enabled:
        return "disabled"
    today = timezone.localdate()
    try:
        load = services.load_create_from_erp(
            type=LoadType.AUTOMATIC,
            reference_date=today,
            send_date=today,
            template=load_settings.template,
            user=None,
        )
    except services.RepeatedLoad as error:
        # Already loaded today (by hand, or the cluster restarted): never twice unasked.
        logger.warning("Automatic load skipped: %s", error)
        return str(error)
    except (services.LoadError, erp.ErpError) as error:
        logger.error("Automatic load failed: %s", error)
        raise
    logger.info("Automatic load %s done", load.pk)
    return f"load {load.pk}"


def uploads_cleanup() -> str:
    """Delete the uploads previewed but never confirmed for a day. Run every hour by the
    django-q schedule created after migrate (loads.services.upload_cleanup_schedule_ensure)."""
    deleted = excel.uploads_discard_stale(older_than=UPLOAD_MAX_AGE)
    if deleted:
        logger.info("Deleted %d uploads previewed but never confirmed", deleted)
    return f"{deleted} deleted"
