import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from messaging.phones import validate_phone
from smsmotor.fields import EncryptedTextField
from smsmotor.singleton import SingletonModel
from smsmotor.texts import render as render_text


class MessageStatus(models.TextChoices):
    # Stored for a later send date.
    PENDING = "PENDING", _("Pending")
    # Due and waiting for a modem.
    QUEUED = "QUEUED", _("Queued")
    # Claimed by a worker and being handed to its modem.
    SENDING = "SENDING", _("Sending")
    # Accepted by the modem (the operator's network took it).
    SENT = "SENT", _("Sent")
    # The delivery report says the phone received it.
    DELIVERED = "DELIVERED", _("Delivered")
    FAILED = "FAILED", _("Failed")
    # The worker died or timed out between AT+CMGS and the modem's answer: it may have
    # left. Never re-sent unless a person asks.
    UNKNOWN = "UNKNOWN", _("May have been sent")
    # Its load was deleted before it was handed to a modem.
    CANCELLED = "CANCELLED", _("Cancelled")


STATE_CSS = {
    MessageStatus.SENT: "text-bg-success",
    MessageStatus.DELIVERED: "text-bg-success",
    MessageStatus.FAILED: "text-bg-danger",
    MessageStatus.UNKNOWN: "text-bg-warning",
    MessageStatus.CANCELLED: "text-bg-secondary",
    MessageStatus.SENDING: "text-bg-info",
}


class OutgoingMessage(models.Model):
    """One SMS to send: a row of the "Envío de mensajes" table.

    The status only changes through `messaging.services.message_transition`.
    """

    status = models.CharField(
        _("state"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING, editable=False
    )
    phone = models.CharField(
        _("phone"),
        max_length=20,
        validators=[validate_phone],
        help_text=_("In international format, e.g. +59170000288."),
    )
    text = models.TextField(_("message"))
    send_date = models.DateField(_("send date"), default=timezone.localdate)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True, editable=False)
    result = models.TextField(_("result"), blank=True, editable=False)
    # The same result as a message id and parameters (smsmotor.texts), shown in the reader's language.
    result_text = models.JSONField(null=True, blank=True, editable=False)
    load = models.ForeignKey(
        "loads.Load",
        verbose_name=_("load"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    modem = models.ForeignKey(
        "modem.Modem",
        verbose_name=_("modem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    segments = models.PositiveSmallIntegerField(_("segments"), default=1, editable=False)
    # A test SMS sent from the Modem or Template tab, not part of a load.
    is_test = models.BooleanField(_("test"), default=False, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    # Set when a worker claims the message (QUEUED -> SENDING)...
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True, editable=False)
    # ...and right before its first part is written to the modem. A SENDING message whose
    # worker died is re-queued if this is empty, and becomes UNKNOWN if it is set.
    handed_at = models.DateTimeField(_("handed to the modem at"), null=True, blank=True, editable=False)
    # After a transient error, not before this time.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            # The worker: due messages in a state, oldest send date first.
            models.Index(fields=["status", "send_date"], name="outgoing_status_send_date"),
            # The Outgoing tab's date range (default: the current month).
            models.Index(fields=["send_date"], name="outgoing_send_date"),
            # The Outgoing tab's phone filter and "include last message sent".
            models.Index(fields=["phone", "sent_at"], name="outgoing_phone_sent_at"),
            # Reports and statistics by time sent.
            models.Index(fields=["sent_at"], name="outgoing_sent_at"),
            # Load history: each load's messages counted by state (an index-only count), and
            # deleting a load's unsent messages. Also the tab's load ID filter.
            models.Index(fields=["load", "status"], name="outgoing_load_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.phone}"

    @property
    def result_display(self) -> str:
        """The result in the active language."""
        return render_text(self.result_text, self.result)

    @property
    def state_css(self) -> str:
        """The Bootstrap classes of its state badge (one lookup; the tables show thousands)."""
        return STATE_CSS.get(self.status, "text-bg-light border")

    @property
    def load_type(self):
        if not self.load_id:
            return ""
        return self.load.get_type_display()

    def is_due(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in (MessageStatus.PENDING, MessageStatus.QUEUED) and self.send_date <= today


class SentPart(models.Model):
    """One part of a sent message as the modem accepted it: delivery reports name the
    modem's message reference (0-255, reused), so they are matched to the newest part with
    that reference on that modem."""

    message = models.ForeignKey(OutgoingMessage, on_delete=models.CASCADE, related_name="parts")
    sequence = models.PositiveSmallIntegerField(_("part"))
    modem = models.ForeignKey("modem.Modem", on_delete=models.CASCADE, related_name="+")
    # The line's reference for the part: the modem's TP-MR (0-255, reused), an SMPP message id...;
    # "" where the line gives none (a HiLink stick): its reports are matched by number and time.
    reference = models.CharField(_("modem reference"), max_length=64, blank=True, default="")
    sent_at = models.DateTimeField(_("sent at"))
    report_status = models.PositiveSmallIntegerField(_("report status"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sent part")
        verbose_name_plural = _("sent parts")
        indexes = [
            # Matching a delivery report: this modem, this reference, newest first.
            models.Index(fields=["modem", "reference", "sent_at"], name="sentpart_modem_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id}/{self.sequence} mr={self.reference}"


class IncomingPart(models.Model):
    """A part of a multipart incoming SMS, kept until all its parts have arrived."""

    modem = models.ForeignKey("modem.Modem", null=True, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(_("phone"), max_length=20)
    reference = models.PositiveIntegerField(_("reference"))
    total = models.PositiveSmallIntegerField(_("parts"))
    sequence = models.PositiveSmallIntegerField(_("part"))
    text = models.TextField(_("text"))
    received_at = models.DateTimeField(_("received at"))
    note = models.TextField(_("note"), blank=True)
    pdu = models.TextField(_("as received"), blank=True)

    class Meta:
        verbose_name = _("incoming part")
        verbose_name_plural = _("incoming parts")
        constraints = [
            models.UniqueConstraint(
                fields=["modem", "phone", "reference", "total", "sequence"], name="incomingpart_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone} {self.sequence}/{self.total}"


class IncomingMessage(models.Model):
    """An SMS received by a modem (multipart messages already joined)."""

    phone = models.CharField(_("phone"), max_length=20)
    text = models.TextField(_("message"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    modem = models.ForeignKey(
        "modem.Modem", verbose_name=_("modem"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notified_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # What could not be read (a damaged time stamp, an unreadable message), and the message as
    # the modem gave it: nothing that arrives is lost, even when it cannot be decoded.
    note = models.TextField(_("note"), blank=True)
    pdu = models.TextField(_("as received"), blank=True)

    class Meta:
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")
        indexes = [
            # The Incoming tab, newest first.
            models.Index(fields=["received_at"], name="incoming_received_at"),
            models.Index(fields=["phone", "received_at"], name="incoming_phone_received_at"),
        ]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:40]}"


class IncomingCall(models.Model):
    """A call that rang a modem (only modems that report RING/+CLIP)."""

    phone = models.CharField(_("phone"), max_length=20, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    modem = models.ForeignKey(
        "modem.Modem", verbose_name=_("modem"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notified_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incoming call")
        verbose_name_plural = _("incoming calls")
        indexes = [models.Index(fields=["received_at"], name="call_received_at")]

    def __str__(self) -> str:
        return self.phone or str(_("Unknown number"))


class NotificationKind(models.TextChoices):
    INCOMING = "INCOMING", _("Incoming SMS")
    CALL = "CALL", _("Incoming call")
    LOAD = "LOAD", _("Load summary")
    BALANCE = "BALANCE", _("Balance answer")
    # An event posted to an API client's webhook (api/webhooks.py): JSON body, signed.
    WEBHOOK = "WEBHOOK", _("Webhook event")


class NotificationStatus(models.TextChoices):
    PENDING = "PENDING", _("Pending")
    SENT = "SENT", _("Sent")
    FAILED = "FAILED", _("Failed")


class Notification(models.Model):
    """An e-mail or a webhook event to send: the outbox. Written in the same transaction as what
    it tells about, delivered by django-q and retried until the SMTP server (or the webhook's
    receiver) takes it (at-least-once)."""

    kind = models.CharField(_("kind"), max_length=10, choices=NotificationKind.choices)
    to = models.EmailField(pgettext_lazy("e-mail recipient", "to"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("state"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    incoming = models.ForeignKey(
        IncomingMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    call = models.ForeignKey(
        IncomingCall, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    # A webhook event (kind WEBHOOK): posted to `url`, `body` signed with `secret` (messaging/webhooks.py).
    url = models.URLField(_("webhook address"), max_length=500, blank=True)
    secret = EncryptedTextField(_("signing secret"))
    event_id = models.CharField(_("event id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The retry job: pending ones whose next attempt is due.
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.url or self.to}"


class MessagingSettings(SingletonModel):
    """The Messages tab."""

    sending_enabled = models.BooleanField(_("sending on"), default=True)
    # When the switch last changed: a worker started with "send on start-up" off waits
    # for a Start pressed after its own start.
    sending_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    send_on_startup = models.BooleanField(
        _("send on start-up"),
        default=True,
        help_text=_("Start sending as soon as the modem is connected."),
    )
    window_start = models.TimeField(
        _("send from"), default=datetime.time(8, 0), help_text=_("The same hour in both fields means all day.")
    )
    window_end = models.TimeField(_("send until"), default=datetime.time(20, 0))
    refresh_minutes = models.PositiveSmallIntegerField(
        _("refresh screen every (minutes)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    notify_email = models.EmailField(
        _("notify replies to"), blank=True, help_text=_("Receives every incoming SMS and call.")
    )
    include_last_sent = models.BooleanField(_("include last message sent"), default=False)
    route_by_operator = models.BooleanField(
        _("send through a modem of the number's operator"),
        default=False,
        help_text=_("When a modem of that operator is working; otherwise through any modem."),
    )

    class Meta:
        verbose_name = _("messaging settings")
        verbose_name_plural = _("messaging settings")

    def __str__(self) -> str:
        return str(_("Messages settings"))

    def in_window(self, moment: datetime.time) -> bool:
        if self.window_start == self.window_end:
            return True  # the same hour for both ends means all day
        if self.window_start < self.window_end:
            return self.window_start <= moment < self.window_end
        # A window across midnight, e.g. 22:00-06:00.
        return moment >= self.window_start or moment < self.window_end
