"""What the status bar shows: modems, sending switch, licence."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Licence
from messaging.models import MessagingSettings
from modem.models import Modem


@dataclass
class StatusBar:
    modems: list[Modem]
    sending_enabled: bool
    in_window: bool
    licence_text: str
    licence_ok: bool
    refresh_seconds: int


def licence_status(licence: Licence) -> tuple[str, bool]:
    if not licence.is_registered:
        return _("not registered"), False
    if licence.expires_on is None:
        return _("PERPETUAL"), True
    if licence.is_expired():
        return _("expired on %(date)s") % {"date": licence.expires_on.strftime("%d/%m/%Y")}, False
    return _("valid until %(date)s") % {"date": licence.expires_on.strftime("%d/%m/%Y")}, True


def status_bar() -> StatusBar:
    messaging = MessagingSettings.load()
    licence_text, licence_ok = licence_status(Licence.load())
    return StatusBar(
        modems=list(Modem.objects.filter(enabled=True)),
        sending_enabled=messaging.sending_enabled,
        in_window=messaging.in_window(timezone.localtime().time()),
        licence_text=licence_text,
        licence_ok=licence_ok,
        refresh_seconds=messaging.refresh_minutes * 60,
    )
