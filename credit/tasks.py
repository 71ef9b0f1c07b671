"""django-q tasks of the Credit tab."""

import logging

from credit import services
from credit.models import CreditSettings

logger = logging.getLogger("smsmotor.credit")


def balance_query_daily() -> str:
    """The daily balance query (the schedule kept by credit.services.balance_schedule_sync)."""
    credit = CreditSettings.load()
    if not credit.automatic_query or credit.profile is None:
        return "disabled"
    try:
        query = services.balance_query_start(profile=credit.profile, notify_email=credit.notify_email, automatic=True)
    except services.CreditError as error:
        logger.error("Daily balance query failed: %s", error)
        raise
    return f"query {query.pk}"
