"""What the status bar shows: modems, sending switch, licence."""

from dataclasses import dataclass

from django.utils import timezone

from accounts.licensing import stopped_reason
from accounts.services import licence_current
from messaging.models import MessagingSettings
from modem.models import Modem


@dataclass
class StatusBar:
    modems: list[Modem]
    sending_enabled: bool
    in_window: bool
    licence_text: str
    licence_ok: bool
    licence_registered: bool
    licence_stopped: str | None  # the banner's sentence while loads and sends are stopped
    refresh_seconds: int


def status_bar() -> StatusBar:
    messaging = MessagingSettings.load()
    licence = licence_current()
    return StatusBar(
        modems=list(Modem.objects.filter(enabled=True)),
        sending_enabled=messaging.sending_enabled,
        in_window=messaging.in_window(timezone.localtime().time()),
        licence_text=licence.text,
        licence_ok=licence.ok,
        licence_registered=licence.registered,
        licence_stopped=None if licence.ok else stopped_reason(licence),
        refresh_seconds=messaging.refresh_minutes * 60,
    )
