"""Secrets stored in the database (the SMTP password), encrypted at rest.

The key comes from the environment: ENCRYPTION_KEY (a Fernet key, `python -c "from
cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`), or, when it is
not set, one derived from SECRET_KEY. Either way a copy of the database alone does not reveal
the password.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.translation import gettext as _


class SecretError(ValueError):
    """A stored secret cannot be read with this server's key (a sentence for the user)."""


def _fernet() -> Fernet:
    key = settings.ENCRYPTION_KEY
    if not key:
        digest = hashlib.sha256(b"smsmotor-secrets:" + settings.SECRET_KEY.encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        raise SecretError(
            _("The stored password cannot be read with this server's key (ENCRYPTION_KEY changed?): enter it again.")
        ) from None
