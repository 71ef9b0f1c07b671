"""What the status bar shows: modems, sending switch, licence, and why messages are waiting."""

import datetime
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from accounts.licensing import stopped_reason
from accounts.services import licence_current
from credit.models import CreditSettings
from messaging.models import MessageStatus, MessagingSettings, OutgoingMessage
from modem.models import Modem, ModemState, WaitingReason

WAITING_COUNTED = 10_000


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
    waiting: int = 0  # messages due and not sent yet
    why: list[str] = field(default_factory=list)  # why they wait, and until when, in words


def status_bar() -> StatusBar:
    messaging = MessagingSettings.load()
    licence = licence_current()
    credit = CreditSettings.load()
    now = timezone.localtime()
    status = StatusBar(
        modems=list(Modem.objects.filter(enabled=True)),
        sending_enabled=messaging.sending_enabled,
        in_window=messaging.in_window(now.time()),
        licence_text=licence.text,
        licence_ok=licence.ok,
        licence_registered=licence.registered,
        licence_stopped=None if licence.ok else stopped_reason(licence),
        refresh_seconds=messaging.refresh_minutes * 60,
        credit_left=credit.balance if credit.below_threshold else None,
    )
    # Counted up to a limit: the status bar only needs "some" and roughly how many.
    status.waiting = OutgoingMessage.objects.filter(status=MessageStatus.QUEUED)[:WAITING_COUNTED].count()
    if status.waiting:
        status.why = waiting_reasons(status, messaging, now)
    return status


def waiting_reasons(status: StatusBar, messaging: MessagingSettings, now: datetime.datetime) -> list[str]:
    """Why queued messages are not leaving, each with when that ends where it is known."""
    reasons = []
    if status.licence_stopped:
        reasons.append(status.licence_stopped)
    if not messaging.sending_enabled:
        reasons.append(_("Sending is stopped: press Start in the Messages tab."))
    if not status.in_window:
        reasons.append(
            _("Outside the send window: sending resumes at %(time)s.")
            % {"time": time_format(messaging.window_start, "H:i")}
        )
    alive = [modem for modem in status.modems if modem.is_alive()]
    if not alive:
        reasons.append(_("No modem is connected: start its worker, or check the Modem tab."))
    for modem in alive:
        if modem.waiting_reason and modem.waiting_until and modem.waiting_until > now:
            reasons.append(_modem_waiting(modem, now))
        elif modem.live_state == ModemState.ERROR:
            reasons.append(_("%(modem)s: %(error)s") % {"modem": modem.name, "error": modem.last_error})
    return reasons


def _modem_waiting(modem: Modem, now: datetime.datetime) -> str:
    until = timezone.localtime(modem.waiting_until)
    when = time_format(until.time(), "H:i:s") if until.date() == now.date() else _("tomorrow")
    if modem.waiting_reason == WaitingReason.PER_MINUTE:
        text = _("%(modem)s sends at most %(limit)d SMS per minute: it sends again at %(when)s.")
    elif modem.waiting_reason == WaitingReason.PER_DAY:
        text = _("%(modem)s sent its %(limit)d SMS of the day: it sends again %(when)s.")
    else:
        text = _("%(modem)s is paused until %(when)s: %(error)s")
    limit = modem.rate_per_minute if modem.waiting_reason == WaitingReason.PER_MINUTE else modem.rate_per_day
    return text % {"modem": modem.name, "limit": limit, "when": when, "error": modem.last_error}


_cached: dict[str, tuple[float, StatusBar]] = {}


def cached_status_bar() -> StatusBar:
    """The status bar of every page, computed at most every STATUS_CACHE_SECONDS per process
    and language (its sentences are translated when computed): a few queries and a signature
    check per page add up on a busy office server."""
    seconds = settings.STATUS_CACHE_SECONDS
    now = time.monotonic()
    language = translation.get_language() or settings.LANGUAGE_CODE
    cached = _cached.get(language)
    if seconds and cached is not None and now - cached[0] < seconds:
        return cached[1]
    status = status_bar()
    _cached[language] = (now, status)
    return status
