"""Routing by operator: a message leaves through a modem of its number's operator when one is
working, otherwise through any modem.

Each modem serves the prefixes of its operator (its `route_prefixes`, or the usual ones for
the operator it reports). A worker leaves alone the messages whose number belongs to
another working modem's operator; when that modem stops working (no heartbeat, or taken
out of rotation after repeated failures), its messages are anyone's again.
"""

import datetime
import re

from django.utils import timezone

from modem.models import Modem, ModemState

# Bolivian mobile numbers (+591 and 8 digits) by the first digits, as the operators were
# given them; numbers ported to another operator keep theirs, which only costs a cheaper
# route, never a message. Editable per modem in the Modem tab.
DEFAULT_PREFIXES = {
    "ENTEL": ("67", "68", "71", "72", "73"),
    "TIGO": ("69", "75", "76", "77", "78"),
    "VIVA": ("60", "61", "70", "74", "79"),
}
WORKING_STATES = (ModemState.READY, ModemState.SENDING, ModemState.CONNECTING)


def modem_prefixes(modem: Modem) -> set[str]:
    if modem.route_prefixes.strip():
        return {prefix for prefix in re.split(r"[\s,;]+", modem.route_prefixes) if prefix.isdigit()}
    operator = modem.operator.upper()
    for name, prefixes in DEFAULT_PREFIXES.items():
        if name in operator:
            return set(prefixes)
    return set()


def operator_of(phone: str, modems: list[Modem]) -> Modem | None:
    """The modem whose operator serves this E.164 number, among `modems`."""
    for modem in modems:
        if any(phone.startswith("+591" + prefix) for prefix in modem_prefixes(modem)):
            return modem
    return None


def reserved_for_others(modem: Modem, now: datetime.datetime | None = None) -> list[str]:
    """Number prefixes (as E.164 starts, "+59171") that other working modems serve and this
    one does not: the messages this worker leaves to them."""
    now = now or timezone.now()
    modems = list(Modem.objects.filter(enabled=True))
    me = next((each for each in modems if each.pk == modem.pk), modem)  # its operator, as last reported
    own = modem_prefixes(me)
    reserved = set()
    for other in modems:
        if other.pk != modem.pk and other.state in WORKING_STATES and other.is_alive(now):
            reserved |= modem_prefixes(other) - own
    return sorted("+591" + prefix for prefix in reserved)
