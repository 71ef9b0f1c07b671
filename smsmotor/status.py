"""What the status bar shows: modems, sending switch, licence."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from accounts.licensing import stopped_reason
from accounts.services import licence_current
from credit.models import CreditSettings
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
    credit_left: int | None = None  # SMS left on the line, when under the Credit tab's threshold


def status_bar() -> StatusBar:
    messaging = MessagingSettings.load()
    licence = licence_current()
    credit = CreditSettings.load()
    return StatusBar(
        modems=list(Modem.objects.filter(enabled=True)),
        sending_enabled=messaging.sending_enabled,
        in_window=messaging.in_window(timezone.localtime().time()),
        licence_text=licence.text,
        licence_ok=licence.ok,
        licence_registered=licence.registered,
        licence_stopped=None if licence.ok else stopped_reason(licence),
        refresh_seconds=messaging.refresh_minutes * 60,
        credit_left=credit.balance if credit.below_threshold else None,
    )


_cached: tuple[float, StatusBar] | None = None


def cached_status_bar() -> StatusBar:
    """The status bar of every page, computed at most every STATUS_CACHE_SECONDS per process:
    five queries and a signature check per page add up on a busy office server."""
    global _cached
    seconds = settings.STATUS_CACHE_SECONDS
    now = time.monotonic()
    if seconds and _cached is not None and now - _cached[0] < seconds:
        return _cached[1]
    status = status_bar()
    _cached = (now, status)
    return status
