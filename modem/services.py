"""Writes for the Modem tab."""

import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit
from accounts.models import AuditAction
from accounts.services import licence_current
from messaging.models import MessageStatus, OutgoingMessage
from messaging.services import message_transition
from modem.models import CommandKind, Modem, ModemCommand

logger = logging.getLogger("smsmotor.modem")

# What works for most Huawei and ZTE USB modems and phones ("load defaults").
ADVANCED_DEFAULTS = {
    "baud_rate": 115200,
    "init_commands": "",
    "pin": "",
    "smsc": "",
    "command_timeout": 30,
    "spanish_encoding": "UCS2",
    "rate_per_minute": 12,
    "rate_per_day": 3000,
}


def modem_load_defaults(*, modem: Modem, by) -> Modem:
    for field, value in ADVANCED_DEFAULTS.items():
        setattr(modem, field, value)
    modem.save(update_fields=list(ADVANCED_DEFAULTS))
    logger.info("Modem %s: advanced settings reset to defaults by %s", modem.name, by)
    return modem


def modem_command_queue(*, modem: Modem, kind: str, argument: str = "", by=None) -> ModemCommand:
    """Ask the modem's worker to do something; it picks it up within a second."""
    command = ModemCommand.objects.create(modem=modem, kind=kind, argument=argument, created_by=by)
    logger.info("Modem %s: %s %s queued by %s", modem.name, kind, argument, by)
    return command


def test_sms_queue(*, phone: str, by, text: str = "") -> OutgoingMessage:
    """A test SMS, queued for today like any message, shown with its result in the Modem tab."""
    if not text:
        text = _("SMS Motor test message, sent on %(time)s.") % {
            "time": timezone.localtime().strftime("%d/%m/%Y %H:%M")
        }
        company = licence_current().company
        text = f"{text} {company}" if company else text  # signed like every message sent
    message = OutgoingMessage.objects.create(phone=phone, text=text, is_test=True, send_date=timezone.localdate())
    message_transition(message.pk, old=MessageStatus.PENDING, new=MessageStatus.QUEUED)
    logger.info("Test SMS %s to %s queued by %s", message.pk, phone, by)
    audit(user=by, action=AuditAction.TEST_SMS, target=phone, detail={"message": message.pk})
    return message


def reconnect(*, modem: Modem, by) -> ModemCommand:
    return modem_command_queue(modem=modem, kind=CommandKind.RECONNECT, by=by)
