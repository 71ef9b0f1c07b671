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


def send_load_summary(load_id: int) -> str:
    """E-mail a load's summary to the Data loading tab's address (retried by django-q)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import translation
    from django.utils.translation import gettext

    from loads.models import Load

    address = LoadSettings.load().notify_email
    if not address:
        return "no address"
    load = Load.objects.select_related("created_by").get(pk=load_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("SMS Motor: load %(id)d (%(type)s)") % {"id": load.pk, "type": load.get_type_display()}
        lines = [
            gettext("Load %(id)d, %(type)s, %(when)s")
            % {
                "id": load.pk,
                "type": load.get_type_display(),
                "when": timezone.localtime(load.created_at).strftime("%d/%m/%Y %H:%M"),
            },
            gettext("Reference date: %(date)s")
            % {"date": load.reference_date.strftime("%d/%m/%Y") if load.reference_date else "-"},
            gettext("Rows read: %(n)d") % {"n": load.rows_read},
            gettext("Messages created: %(n)d (%(segments)d SMS)")
            % {"n": load.messages_created, "segments": load.segments},
            gettext("Rows rejected: %(n)d") % {"n": load.rows_rejected},
        ]
        lines += [gettext("  row %(row)d: %(reason)s") % item for item in load.rejections[:200]]
    send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [address])
    return f"sent to {address}"
