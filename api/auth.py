"""Bearer keys: format, hashing, the per-request check and the per-key rate limit.

A key reads `smk_<8 hex>_<43 url-safe characters>` (256 bits of randomness); the database keeps
its SHA-256 only (a fast hash is right for a random secret: nothing to brute-force), and the
first twelve characters to tell keys apart.
"""

import datetime
import hashlib
import math
import secrets

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation

from accounts.modules import Module, granted_modules
from api.errors import ApiError
from api.models import ApiKey

PREFIX = "smk_"


def key_generate() -> tuple[str, str, str]:
    """A new key: (the key, its prefix, its hash)."""
    key = f"{PREFIX}{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"
    return key, key[:12], key_hash(key)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def bearer(request) -> ApiKey:
    """ninja's auth callback: the request's key, active, its user enabled and within the rate
    limit; the key's user's language activated for the answer. ApiError otherwise."""
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError.one(401, "auth_required", headers={"WWW-Authenticate": "Bearer"})
    key = ApiKey.objects.select_related("user").filter(hashed=key_hash(token.strip())).first()
    if key is None:
        raise ApiError.one(401, "auth_invalid", headers={"WWW-Authenticate": "Bearer"})
    translation.activate(key.user.language or settings.LANGUAGE_CODE)
    request.LANGUAGE_CODE = translation.get_language()
    if not key.is_active:
        raise ApiError.one(401, "key_revoked")
    if not key.user.is_active:
        raise ApiError.one(403, "user_disabled")
    # The modules ticked in the Users tab (its groups): one light query, where has_perm() reads
    # every permission of the server module's group (bench/api.py).
    key.modules = granted_modules(key.user)
    if not key.modules:
        raise ApiError.one(403, "scope_denied")
    wait = rate_limit_take(key, timezone.now())
    if wait:
        raise ApiError.one(429, "rate_limited", headers={"Retry-After": str(wait)})
    return key


def rate_limit_take(key: ApiKey, now: datetime.datetime) -> int:
    """Count one request in the key's current minute (and mark it used); 0 if allowed, else the
    seconds until the next minute. One conditional UPDATE, so concurrent requests of all the web
    processes count together and never pass the limit."""
    window = now.replace(second=0, microsecond=0)
    rows = ApiKey.objects.filter(pk=key.pk)
    limited = key.rate_per_minute > 0
    for _attempt in range(2):
        same = rows.filter(window_start=window)
        if limited:
            same = same.filter(window_count__lt=key.rate_per_minute)
        if same.update(window_count=F("window_count") + 1, last_used_at=now):
            return 0
        # A new minute: the first request resets the count (only one can, the condition says).
        if rows.exclude(window_start=window).update(window_start=window, window_count=1, last_used_at=now):
            return 0
        if rows.filter(window_start__isnull=True).update(window_start=window, window_count=1, last_used_at=now):
            return 0
    return max(1, math.ceil((window + datetime.timedelta(minutes=1) - now).total_seconds()))


def require(key: ApiKey, module: Module) -> None:
    """403 unless the key's user has `module` (the server module includes the operator's)."""
    if module not in key.modules and not any(module in held.includes for held in key.modules):
        raise ApiError.one(403, "scope_denied")


def sees_everything(key: ApiKey) -> bool:
    """The server module sees every message; an operator only its own."""
    return Module.SERVER in key.modules
