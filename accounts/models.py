from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smsmotor.fields import EncryptedTextField
from smsmotor.singleton import SingletonModel
from smsmotor.texts import render as render_text


class User(AbstractUser):
    """A person who logs in. `is_active` is the Users tab's "enabled" flag."""

    # The language the person chose in the top bar; empty: the installation's (LANGUAGE_CODE).
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("server_module", _("Can use the server module")),
            ("operator_module", _("Can use the operator module")),
        ]


class SmtpSecurity(models.TextChoices):
    NONE = "none", _("None")
    STARTTLS = "starttls", _("STARTTLS")
    SSL = "ssl", _("SSL/TLS")


class ServerSettings(SingletonModel):
    """The Server tab: event log switch and the e-mail account for notifications."""

    keep_history = models.BooleanField(_("keep event history"), default=True)
    smtp_sender = models.EmailField(_("sender e-mail"), blank=True)
    smtp_user = models.CharField(_("user"), max_length=254, blank=True)
    # Encrypted at rest (smsmotor/fields.py); never rendered back to the browser.
    smtp_password = EncryptedTextField(_("password"))
    smtp_host = models.CharField(_("SMTP server"), max_length=254, blank=True)
    smtp_port = models.PositiveIntegerField(_("port"), default=587)
    smtp_security = models.CharField(
        _("security"), max_length=10, choices=SmtpSecurity.choices, default=SmtpSecurity.STARTTLS
    )

    class Meta:
        verbose_name = _("server settings")
        verbose_name_plural = _("server settings")

    def __str__(self) -> str:
        return str(_("Server settings"))


class Licence(SingletonModel):
    """The installation's licence; the company name signs every message sent."""

    company_name = models.CharField(_("company"), max_length=60, blank=True)
    installed_on = models.DateField(_("installed on"), default=timezone.localdate)
    # Empty means PERPETUAL.
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    key = models.TextField(_("licence key"), blank=True)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licence")

    def __str__(self) -> str:
        return self.company_name or str(_("Licence"))

    @property
    def is_registered(self) -> bool:
        return bool(self.key)

    def is_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today


class AuditAction(models.TextChoices):
    SETTINGS = "SETTINGS", _("Settings changed")
    USERS = "USERS", _("Users changed")
    LICENCE = "LICENCE", _("Licence registered")
    EVENT_LOG = "EVENT_LOG", _("Event log")
    LOAD = "LOAD", _("Load")
    LOAD_DELETE = "LOAD_DELETE", _("Load deleted")
    TEST_SMS = "TEST_SMS", _("Test SMS")
    TEST_EMAIL = "TEST_EMAIL", _("Test e-mail")
    BALANCE = "BALANCE", _("Balance query")


class AuditEntry(models.Model):
    """Who did what, when: settings changed, loads made and deleted, tests sent. Written by
    accounts.audit, never edited."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("who"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    target = models.CharField(_("what"), max_length=200)
    # The same as a message id and parameters (smsmotor.texts), shown in the reader's language.
    target_stored = models.JSONField(null=True, blank=True, editable=False)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["-at"], name="audit_newest_first"),
            # The trail's filter by action, and licence_current(): was a key ever registered?
            models.Index(fields=["action", "-at"], name="audit_by_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.target}"

    @property
    def target_display(self) -> str:
        return render_text(self.target_stored, self.target)
