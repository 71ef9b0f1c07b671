import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smsmotor.singleton import SingletonModel


class QueryMethod(models.TextChoices):
    USSD = "USSD", _("USSD code")
    SMS = "SMS", _("SMS to a short number")


class OperatorProfile(models.Model):
    """How to ask one operator for the balance, and how to read the answer."""

    name = models.CharField(_("operator"), max_length=40, unique=True)
    method = models.CharField(_("ask by"), max_length=4, choices=QueryMethod.choices, default=QueryMethod.USSD)
    ussd_code = models.CharField(_("USSD code"), max_length=30, blank=True, help_text=_("For example *105#"))
    sms_number = models.CharField(_("short number"), max_length=20, blank=True)
    sms_text = models.CharField(_("SMS text"), max_length=160, blank=True, help_text=_("For example SALDO"))
    answer_pattern = models.CharField(
        _("balance in the answer"),
        max_length=200,
        blank=True,
        help_text=_(
            "A regular expression whose first group is the amount; empty: the first amount after “Bs” or “saldo”."
        ),
    )

    class Meta:
        verbose_name = _("operator profile")
        verbose_name_plural = _("operator profiles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CreditSettings(SingletonModel):
    """The Credit tab: the message counter of a prepaid line and the daily balance query."""

    counter = models.IntegerField(
        _("message counter"),
        default=0,
        help_text=_("Approximate: segments sent, or the balance left if you set one."),
    )
    counter_reset_at = models.DateTimeField(_("counting since"), null=True, blank=True)
    # When set, every segment sent is taken off it: the SMS left on a prepaid package.
    balance = models.IntegerField(_("SMS left"), null=True, blank=True)
    warning_threshold = models.PositiveIntegerField(_("warn below"), null=True, blank=True)
    profile = models.ForeignKey(
        OperatorProfile, verbose_name=_("operator"), null=True, blank=True, on_delete=models.SET_NULL
    )
    automatic_query = models.BooleanField(_("query balance daily"), default=False)
    automatic_query_time = models.TimeField(_("daily at"), default=datetime.time(9, 0))
    notify_email = models.EmailField(_("send balance to"), blank=True)

    class Meta:
        verbose_name = _("credit settings")
        verbose_name_plural = _("credit settings")

    def __str__(self) -> str:
        return str(_("Credit settings"))

    @property
    def below_threshold(self) -> bool:
        return self.balance is not None and self.warning_threshold is not None and self.balance < self.warning_threshold


class QueryStatus(models.TextChoices):
    WAITING = "WAITING", _("Waiting for the answer")
    ANSWERED = "ANSWERED", _("Answered")
    FAILED = "FAILED", pgettext_lazy("balance query", "Failed")


class BalanceQuery(models.Model):
    """One balance question to the operator and its answer (by USSD or SMS)."""

    profile = models.ForeignKey(OperatorProfile, verbose_name=_("operator"), null=True, on_delete=models.SET_NULL)
    method = models.CharField(_("asked through"), max_length=4, choices=QueryMethod.choices)
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("balance query", "asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    automatic = models.BooleanField(_("daily query"), default=False)
    notify_email = models.EmailField(_("send answer to"), blank=True)
    status = models.CharField(_("state"), max_length=10, choices=QueryStatus.choices, default=QueryStatus.WAITING)
    answer = models.TextField(_("answer"), blank=True)
    answer_phone = models.CharField(_("answered by"), max_length=20, blank=True)
    balance = models.DecimalField(_("balance"), max_digits=12, decimal_places=2, null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    command = models.ForeignKey(
        "modem.ModemCommand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        "messaging.OutgoingMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("balance query")
        verbose_name_plural = _("balance queries")
        indexes = [models.Index(fields=["status", "method"], name="balance_query_waiting")]

    def __str__(self) -> str:
        return f"{self.profile} {self.requested_at:%Y-%m-%d %H:%M}"
