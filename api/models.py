"""The HTTP API's own tables: keys, what the API adds to a message, idempotency, webhooks."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smsmotor.fields import EncryptedTextField


class ApiKey(models.Model):
    """A user's key for the API. Only its SHA-256 is stored: the key is shown once, at creation.
    It acts with the modules of its user (api/scopes.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    # The key's first characters ("smk_ab12cd34"), to tell keys apart in lists and logs.
    prefix = models.CharField(_("prefix"), max_length=16)
    hashed = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Requests a minute; 0: no limit. Counted in ApiKeyUsage, so every web process counts together.
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiKeyUsage(models.Model):
    """Requests of a key in one minute, counted on a few rows (`shard`: the web process's) so that
    concurrent requests of one key do not all wait on one row's lock (api.auth.rate_limit_take)."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    shard = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start", "shard"], name="apikeyusage_unique"),
        ]
        # The daily cleanup deletes old minutes.
        indexes = [models.Index(fields=["window_start"], name="apikeyusage_window")]

    def __str__(self) -> str:
        return f"{self.key_id} {self.window_start} {self.shard}: {self.count}"


class ApiMessage(models.Model):
    """What the API adds to an outgoing message sent through it (same id as the message)."""

    message = models.OneToOneField(
        "messaging.OutgoingMessage", primary_key=True, on_delete=models.CASCADE, related_name="api"
    )
    key = models.ForeignKey(ApiKey, null=True, on_delete=models.SET_NULL, related_name="+")
    client_ref = models.CharField(_("client reference"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=50, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=5)
    line = models.CharField(_("line"), max_length=60, blank=True)
    metadata = models.JSONField(_("metadata"), null=True, blank=True)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    encoding = models.CharField(_("encoding"), max_length=8)
    # The message's state last told to webhooks ("" none yet); `open` until a final state is told.
    reported = models.CharField(max_length=10, blank=True, editable=False)
    open = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = _("API message")
        verbose_name_plural = _("API messages")
        indexes = [
            # GET /api/v1/messages?client_ref=...
            models.Index(fields=["client_ref"], name="apimessage_client_ref"),
            # The webhook collector: messages whose final state was not told yet.
            models.Index(fields=["open"], name="apimessage_open"),
            # Expiring messages past valid_until.
            models.Index(fields=["valid_until"], name="apimessage_valid_until"),
        ]

    def __str__(self) -> str:
        return f"#{self.message_id} {self.client_ref}"


class IdempotencyRecord(models.Model):
    """The answer given to a POST with an Idempotency-Key. Inserted first, in the request's own
    transaction: a second request with the same key waits on the unique index until the first
    commits, then replays its answer (api/idempotency.py)."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "idempotency_key"], name="idempotency_unique"),
        ]
        # The daily cleanup deletes old ones.
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_at")]

    def __str__(self) -> str:
        return self.idempotency_key


class WebhookEvent(models.TextChoices):
    SENT = "message.sent"
    DELIVERED = "message.delivered"
    FAILED = "message.failed"
    UNKNOWN = "message.unknown"
    INCOMING = "incoming.received"
    CALL = "call.received"


class Webhook(models.Model):
    """An address that receives events: a key's messages, or with no key every message (global)."""

    key = models.ForeignKey(
        ApiKey,
        verbose_name=_("API key"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
        help_text=_("Empty: every message sent through the API, and every incoming SMS and call."),
    )
    url = models.URLField(_("address"), max_length=500)
    secret = EncryptedTextField(_("signing secret"))
    # Empty: every event.
    events = models.JSONField(_("events"), default=list, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events
