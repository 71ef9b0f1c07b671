"""django-q tasks of the loads."""

import logging

from django.utils import timezone

from loads import erp, services
from loads.models import LoadSettings, LoadType

logger = logging.getLogger("smsmotor.loads")


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
