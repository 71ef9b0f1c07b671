"""How a device that splits texts itself (a HiLink stick, an Android phone) will send one: GSM-7
when every character has a code, UCS-2 otherwise. Such devices have no Spanish shift table, so
SPANISH_SHIFT counts as UCS-2; TRANSLITERATE transliterates here (what goes is `plan.text`).
Plain Python, no Django."""

from __future__ import annotations

from modem.at import pdu
from modem.transports.base import Unencodable, gettext_noop


def device_plan(phone: str, text: str, spanish: str, *, number_ok: bool) -> pdu.Plan:
    """The plan of `text`; Unencodable when the number (`number_ok` False) or the text cannot go."""
    if not number_ok:
        raise Unencodable(gettext_noop("The phone number %(phone)s cannot receive SMS."), phone=phone)
    if not text:
        raise Unencodable(gettext_noop("The message is empty."))
    mode = pdu.SpanishMode(spanish)
    if mode is pdu.SpanishMode.SPANISH_SHIFT:
        mode = pdu.SpanishMode.UCS2
    try:
        return pdu.plan(text, mode)
    except pdu.PduError as error:
        raise Unencodable(gettext_noop("The message cannot be encoded: %(error)s"), error=str(error)) from error
