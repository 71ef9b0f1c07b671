import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from smsmotor.fields import EncryptedTextField
from smsmotor.texts import render as render_text


class ModemState(models.TextChoices):
    DISCONNECTED = "DISCONNECTED", _("Disconnected")
    CONNECTING = "CONNECTING", _("Connecting")
    READY = "READY", _("Ready")
    SENDING = "SENDING", _("Sending")
    ERROR = "ERROR", _("Error")


class SpanishEncoding(models.TextChoices):
    UCS2 = "UCS2", _("UCS-2 (70 characters per SMS)")
    SPANISH_SHIFT = "SPANISH_SHIFT", _("GSM-7 with the Spanish shift table")
    TRANSLITERATE = "TRANSLITERATE", _("GSM-7 without accents (transliterated)")


class TransportKind(models.TextChoices):
    """How the system talks to a line (modem.transports)."""

    AT = "AT", _("GSM modem on a port")
    HILINK = "HILINK", _("Huawei HiLink stick (web address)")
    ANDROID = "ANDROID", _("Android phone (SMS Gateway app)")
    SMPP = "SMPP", _("SMPP account (operator or aggregator)")


class LongMessages(models.TextChoices):
    """How an SMPP account takes texts longer than one SMS."""

    UDH = "udh", _("split here, in parts with a header (UDH)")
    PAYLOAD = "payload", _("whole, the operator splits it (message_payload)")


class SmppAlphabet(models.TextChoices):
    """What the SMPP account's "default alphabet" (data_coding 0) really is."""

    GSM7 = "gsm7", _("GSM 7-bit (the standard)")
    LATIN1 = "latin1", _("Latin-1")
    ASCII = "ascii", _("ASCII")


class WaitingReason(models.TextChoices):
    PER_MINUTE = "MINUTE", _("at its SMS per minute")
    PER_DAY = "DAY", _("at its SMS per day")
    ROTATION = "ROTATION", _("paused after repeated failures")
    REFUSED = "REFUSED", _("paused after refusals of the line")


# A worker that has not written its heartbeat for this long is shown as disconnected.
HEARTBEAT_TIMEOUT = datetime.timedelta(seconds=60)


class Modem(models.Model):
    """A GSM modem: its configuration (set in the Modem tab) and its live status
    (written by its `run_modem` worker)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    transport = models.CharField(
        pgettext_lazy("kind of line", "kind"), max_length=10, choices=TransportKind.choices, default=TransportKind.AT
    )
    port = models.CharField(_("port"), max_length=255, blank=True, help_text=_("e.g. /dev/ttyUSB0"))
    # A HiLink stick, an Android phone or an SMPP account: its address, and its login (many
    # sticks ask for none; an SMPP account's user is its system_id).
    url = models.CharField(
        _("address"),
        max_length=200,
        blank=True,
        help_text=_(
            "e.g. http://192.168.8.1 (HiLink stick), http://192.168.1.20:8080 (Android phone),"
            " smpp.operator.bo:2775 (SMPP account)"
        ),
    )
    username = models.CharField(_("user"), max_length=60, blank=True, default="admin")
    password = EncryptedTextField(_("password"))
    # An Android phone: where this server listens for the app's webhooks, the address the phone
    # calls (the app accepts only https:// or the phone itself), and the key that signs them.
    webhook_listen = models.CharField(
        _("listen for the phone at"),
        max_length=60,
        blank=True,
        help_text=_(
            "host:port where this server receives the phone's messages, e.g. 0.0.0.0:8091; empty: ask"
            " the phone every half minute (received SMS then do not arrive)"
        ),
    )
    webhook_url = models.CharField(
        _("address the phone calls"),
        max_length=200,
        blank=True,
        help_text=_("e.g. https://sms.office.bo:8091/ (the app accepts only https addresses)"),
    )
    signing_key = EncryptedTextField(_("signing key of the app"))
    # An SMPP account.
    system_type = models.CharField(_("system type"), max_length=13, blank=True)
    sender = models.CharField(
        _("sender"),
        max_length=21,
        blank=True,
        help_text=_("The sender name or number the operator allows; empty: its default."),
    )
    long_messages = models.CharField(
        _("long messages"), max_length=10, choices=LongMessages.choices, default=LongMessages.UDH
    )
    smpp_alphabet = models.CharField(
        _("default alphabet of the account"), max_length=10, choices=SmppAlphabet.choices, default=SmppAlphabet.GSM7
    )
    window = models.PositiveSmallIntegerField(
        _("messages in flight"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How many messages may wait for the operator's answer at once (SMPP window)."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    baud_rate = models.PositiveIntegerField(_("baud rate"), default=115200)
    init_commands = models.TextField(_("initialisation commands"), blank=True)
    # Encrypted at rest, plain in Python (smsmotor/fields.py): the worker reads it as it is.
    pin = EncryptedTextField(_("SIM PIN"))
    smsc = models.CharField(_("SMS centre (SMSC)"), max_length=20, blank=True)
    command_timeout = models.PositiveSmallIntegerField(_("command timeout (seconds)"), default=30)
    spanish_encoding = models.CharField(
        _("Spanish accents"), max_length=15, choices=SpanishEncoding.choices, default=SpanishEncoding.UCS2
    )
    # Operators block SIMs that send too fast; counted in SMS parts.
    rate_per_minute = models.PositiveIntegerField(_("SMS per minute"), default=12)
    rate_per_day = models.PositiveIntegerField(_("SMS per day"), default=3000)
    # Routing by operator (Messages tab): the numbers this modem's operator serves.
    route_prefixes = models.CharField(
        _("number prefixes of its operator"),
        max_length=200,
        blank=True,
        help_text=_(
            "The first digits of the mobile numbers of this SIM's operator, separated by commas (e.g. 71, 72, 73);"
            " empty: the usual ones for the operator the modem reports."
        ),
    )

    # Live status, written by the worker.
    state = models.CharField(
        _("state"), max_length=12, choices=ModemState.choices, default=ModemState.DISCONNECTED, editable=False
    )
    signal_dbm = models.SmallIntegerField(_("signal (dBm)"), null=True, blank=True, editable=False)
    signal_bars = models.PositiveSmallIntegerField(_("signal (bars)"), null=True, blank=True, editable=False)
    manufacturer = models.CharField(_("brand"), max_length=60, blank=True, editable=False)
    model = models.CharField(_("model"), max_length=60, blank=True, editable=False)
    revision = models.CharField(_("firmware"), max_length=60, blank=True, editable=False)
    imei = models.CharField(_("IMEI"), max_length=20, blank=True, editable=False)
    operator = models.CharField(_("operator"), max_length=60, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    host = models.CharField(_("machine"), max_length=100, blank=True, editable=False)
    calls_supported = models.BooleanField(_("detects calls"), default=True, editable=False)
    # Why this modem holds its messages back for now, and until when (the status bar says it).
    waiting_reason = models.CharField(
        _("waiting"), max_length=10, choices=WaitingReason.choices, blank=True, editable=False
    )
    waiting_until = models.DateTimeField(_("waiting until"), null=True, blank=True, editable=False)
    # Driven by `demo_modem`: the Modem tab can make it receive an SMS or a call (the demo).
    simulated = models.BooleanField(_("simulated"), default=False, editable=False)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("modem")
        verbose_name_plural = _("modems")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def where(self) -> str:
        """The port or the address, as the Modem tab shows it."""
        return self.port if self.transport == TransportKind.AT else self.url

    def is_alive(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.heartbeat_at is not None and now - self.heartbeat_at < HEARTBEAT_TIMEOUT

    @property
    def live_state(self) -> str:
        """The state to show: a silent worker means the modem is not connected."""
        return self.state if self.is_alive() else ModemState.DISCONNECTED

    def get_live_state_display(self) -> str:
        return ModemState(self.live_state).label


class CommandKind(models.TextChoices):
    DETECT_PORTS = "DETECT_PORTS", _("Detect ports")
    RECONNECT = "RECONNECT", _("Reconnect")
    USSD = "USSD", _("USSD code")
    # Only a simulated modem: the demo's way to see the Incoming tab and the reply e-mail work.
    SIMULATE_SMS = "SIMULATE_SMS", _("Receive an SMS (simulated modem)")
    SIMULATE_CALL = "SIMULATE_CALL", _("Receive a call (simulated modem)")


class CommandStatus(models.TextChoices):
    PENDING = "PENDING", _("Pending")
    DONE = "DONE", _("Done")
    FAILED = "FAILED", _("Failed")


class ModemCommand(models.Model):
    """Something the web asks a worker to do with its modem."""

    modem = models.ForeignKey(Modem, verbose_name=_("modem"), on_delete=models.CASCADE, related_name="commands")
    kind = models.CharField(_("command"), max_length=20, choices=CommandKind.choices)
    argument = models.CharField(_("argument"), max_length=200, blank=True)
    status = models.CharField(_("state"), max_length=10, choices=CommandStatus.choices, default=CommandStatus.PENDING)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=pgettext_lazy("modem command", "asked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("modem command")
        verbose_name_plural = _("modem commands")
        indexes = [
            # The worker's poll: its own pending commands.
            models.Index(fields=["modem", "status"], name="modemcommand_modem_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.argument}".strip()


class ModemEvent(models.Model):
    """A line of the Processing tab: what a modem worker did."""

    modem = models.ForeignKey(Modem, verbose_name=_("modem"), on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    level = models.CharField(_("level"), max_length=10, default="INFO")
    text = models.TextField(_("activity"))
    # The same line as a message id and parameters (smsmotor.texts), shown in the reader's language.
    text_stored = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("modem activity")
        verbose_name_plural = _("modem activity")
        indexes = [
            # The Processing tab, newest first, and pruning old lines.
            models.Index(fields=["created_at"], name="modemevent_created_at"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def text_display(self) -> str:
        return render_text(self.text_stored, self.text)
