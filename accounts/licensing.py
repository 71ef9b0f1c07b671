"""Licence keys: the company name and dates, signed with Ed25519 so they cannot be edited.

A key is `SMSM1.<payload>.<signature>`, both parts base64url: the payload is JSON
({"company", "installed_on", "expires_on" or null for PERPETUAL, "serial"}), the signature is
over the payload bytes, made with the vendor's private key (`manage.py issue_licence`). The
application holds only the vendor's public key, shipped in the code (settings.LICENCE_PUBLIC_KEY:
another one only in development and tests), so neither the database nor the environment can
extend a licence: every check verifies the key again, and the dates shown are the key's, never
a column's. Once a key has been registered, an installation without one is not "unregistered"
again: removing an expired key stops loads and sends just as the expired key does.
"""

import base64
import datetime
import json
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

PREFIX = "SMSM1"


class LicenceError(ValueError):
    """The key is not valid here (a sentence for the user)."""


@dataclass(frozen=True)
class LicenceTerms:
    company: str
    installed_on: datetime.date
    expires_on: datetime.date | None  # None: PERPETUAL
    serial: str


@dataclass(frozen=True)
class LicenceState:
    ok: bool  # loads and sends may go on
    registered: bool
    text: str  # for the status bar and the Server tab
    company: str  # the signature appended to every message ("" when unregistered)
    terms: LicenceTerms | None = None


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def keypair_generate() -> tuple[str, str]:
    """(private key, public key), both base64url of the raw 32 bytes."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    return _b64encode(private.private_bytes_raw()), _b64encode(public.public_bytes_raw())


def key_issue(*, private_key: str, company: str, installed_on: datetime.date, expires_on: datetime.date | None) -> str:
    payload = json.dumps(
        {
            "company": company,
            "installed_on": installed_on.isoformat(),
            "expires_on": expires_on.isoformat() if expires_on else None,
            "serial": secrets.token_hex(6),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    signer = Ed25519PrivateKey.from_private_bytes(_b64decode(private_key))
    return f"{PREFIX}.{_b64encode(payload)}.{_b64encode(signer.sign(payload))}"


def key_verify(key: str, public_key: str | None = None) -> LicenceTerms:
    """The terms a key grants; LicenceError if it was not signed by our vendor key."""
    public_key = settings.LICENCE_PUBLIC_KEY if public_key is None else public_key
    if not public_key:
        raise LicenceError(_("This installation has no licence public key (LICENCE_PUBLIC_KEY) to check keys with."))
    parts = "".join(key.split()).split(".")  # keys pasted from e-mails carry line breaks
    try:
        if len(parts) != 3 or parts[0] != PREFIX:
            raise ValueError("format")
        payload, signature = _b64decode(parts[1]), _b64decode(parts[2])
        Ed25519PublicKey.from_public_bytes(_b64decode(public_key)).verify(signature, payload)
        data = json.loads(payload)
        return LicenceTerms(
            company=str(data["company"]),
            installed_on=datetime.date.fromisoformat(data["installed_on"]),
            expires_on=datetime.date.fromisoformat(data["expires_on"]) if data["expires_on"] else None,
            serial=str(data.get("serial", "")),
        )
    except InvalidSignature:
        raise LicenceError(_("The licence key is not valid: it was changed or not issued for SMS Motor.")) from None
    except (ValueError, KeyError, TypeError):
        raise LicenceError(_("This is not a licence key: copy the whole key, from SMSM1 to the end.")) from None


def licence_state(key: str, today: datetime.date | None = None, *, was_registered: bool = False) -> LicenceState:
    """What the stored key allows today. No key: an unregistered installation, which works
    without a signature, unless a key was registered before (then it was removed); a key that
    fails verification or has expired stops loads and sends."""
    today = today or timezone.localdate()
    if not key and was_registered:
        return LicenceState(ok=False, registered=True, text=_("the licence key was removed"), company="")
    if not key:
        return LicenceState(ok=True, registered=False, text=_("not registered"), company="")
    try:
        terms = key_verify(key)
    except LicenceError as error:
        return LicenceState(ok=False, registered=True, text=str(error), company="")
    if terms.expires_on is None:
        return LicenceState(ok=True, registered=True, text=_("PERPETUAL"), company=terms.company, terms=terms)
    when = terms.expires_on.strftime("%d/%m/%Y")
    if terms.expires_on < today:
        text = _("expired on %(date)s") % {"date": when}
        return LicenceState(ok=False, registered=True, text=text, company=terms.company, terms=terms)
    text = _("valid until %(date)s") % {"date": when}
    return LicenceState(ok=True, registered=True, text=text, company=terms.company, terms=terms)


def stopped_reason(state: LicenceState) -> str:
    """The banner's sentence while loads and sends are stopped."""
    return _(
        "Licence: %(state)s. Loads and sends are stopped; nothing queued is lost, it all goes out once a valid"
        " licence is entered in the Server tab."
    ) % {"state": state.text}
