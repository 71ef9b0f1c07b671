import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smsmotor.fields import EncryptedTextField
from smsmotor.singleton import SingletonModel


class LoadType(models.TextChoices):
    AUTOMATIC = "AUTOMATIC", _("Automatic")
    MANUAL = "MANUAL", _("Manual")
    EXCEL = "EXCEL", _("Excel")
    # A batch sent through the HTTP API (POST /api/v1/batches).
    API = "API", _("API")


class Template(models.Model):
    """A message text with <tokens> filled from the integration's columns."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("template")
        verbose_name_plural = _("templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Load(models.Model):
    """One load of messages and its summary: a row of the load history."""

    type = models.CharField(_("type"), max_length=10, choices=LoadType.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="loads",
    )
    created_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    reference_date = models.DateField(_("reference date"), null=True, blank=True)
    send_date = models.DateField(_("send date"), null=True, blank=True)
    template = models.ForeignKey(
        Template, verbose_name=_("template"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    messages_created = models.PositiveIntegerField(_("messages created"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    # [{"row": 7, "reason": "..."}], in the user's language at the time of the load.
    rejections = models.JSONField(_("rejected rows"), default=list, blank=True)
    segments = models.PositiveIntegerField(_("segments"), default=0)
    cancelled_count = models.PositiveIntegerField(_("messages cancelled"), default=0)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("load")
        verbose_name_plural = _("loads")
        indexes = [
            # The Load history tab, newest first.
            models.Index(fields=["created_at"], name="load_created_at"),
            # An operator's own loads, newest first.
            models.Index(fields=["created_by", "created_at"], name="load_created_by_at"),
            # "Was this reference date already loaded?"
            models.Index(fields=["reference_date", "type"], name="load_reference_date"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.get_type_display()}"


class LoadSettings(SingletonModel):
    """The Data loading tab: the daily automatic load."""

    automatic_enabled = models.BooleanField(_("automatic load"), default=False)
    automatic_time = models.TimeField(_("daily at"), default=datetime.time(7, 0))
    template = models.ForeignKey(
        Template, verbose_name=_("template"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notify_email = models.EmailField(_("send load summary to"), blank=True)

    class Meta:
        verbose_name = _("data loading settings")
        verbose_name_plural = _("data loading settings")

    def __str__(self) -> str:
        return str(_("Data loading settings"))


class ErpEngine(models.TextChoices):
    SQLITE = "sqlite", _("SQLite file")
    MYSQL = "mysql", _("MySQL / MariaDB")
    POSTGRESQL = "postgresql", _("PostgreSQL")


class IntegrationSource(SingletonModel):
    """The company's system ("cartera"): a database and a SELECT that returns, for a
    reference date, one row per reminder with the phone and the template's columns."""

    engine = models.CharField(_("database"), max_length=12, choices=ErpEngine.choices, default=ErpEngine.SQLITE)
    database = models.CharField(_("database name or file"), max_length=255, blank=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    user = models.CharField(_("user"), max_length=100, blank=True)
    # Encrypted at rest (smsmotor/fields.py); never rendered back to the browser.
    password = EncryptedTextField(_("password"))
    query = models.TextField(
        _("query"),
        blank=True,
        help_text=_("A SELECT returning the phone and the template's columns; write :fecha for the reference date."),
    )

    class Meta:
        verbose_name = _("integration source")
        verbose_name_plural = _("integration source")

    def __str__(self) -> str:
        return f"{self.get_engine_display()} {self.database}"
