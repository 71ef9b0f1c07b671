import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from smsmotor.singleton import SingletonModel


class CreditSettings(SingletonModel):
    """The Credit tab: the message counter of a prepaid line and the daily balance query."""

    counter = models.IntegerField(
        _("message counter"),
        default=0,
        help_text=_("Approximate: segments sent, or the balance left if you set one."),
    )
    warning_threshold = models.PositiveIntegerField(_("warn below"), null=True, blank=True)
    automatic_query = models.BooleanField(_("query balance daily"), default=False)
    automatic_query_time = models.TimeField(_("daily at"), default=datetime.time(9, 0))
    notify_email = models.EmailField(_("send balance to"), blank=True)

    class Meta:
        verbose_name = _("credit settings")
        verbose_name_plural = _("credit settings")

    def __str__(self) -> str:
        return str(_("Credit settings"))
