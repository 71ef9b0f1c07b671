"""Bearer keys: format, hashing, the per-request check and the per-key rate limit.

A key reads `smk_<8 hex>_<43 url-safe characters>` (256 bits of randomness); the database keeps
its SHA-256 only (a fast hash is right for a random secret: nothing to brute-force), and the
first twelve characters to tell keys apart.
"""

import datetime
import hashlib
import math
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Sum
from django.utils import timezone, translation

from accounts.modules import Module
from api.errors import ApiError
from api.models import ApiKey, ApiKeyUsage

PREFIX = "smk_"
SHARDS = 8
LAST_USED_EVERY = datetime.timedelta(minutes=1)


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
    groups = get_user_model().groups.through.objects.filter(user=OuterRef("user"))
    key = (
        ApiKey.objects.select_related("user")
        .annotate(
            server=Exists(groups.filter(group__name=Module.SERVER.group_name)),
            operator=Exists(groups.filter(group__name=Module.OPERATOR.group_name)),
        )
        .filter(hashed=key_hash(token.strip()))
        .first()
    )
    if key is None:
        raise ApiError.one(401, "auth_invalid", headers={"WWW-Authenticate": "Bearer"})
    translation.activate(key.user.language or settings.LANGUAGE_CODE)
    request.LANGUAGE_CODE = translation.get_language()
    if not key.is_active:
        raise ApiError.one(401, "key_revoked")
    if not key.user.is_active:
        raise ApiError.one(403, "user_disabled")
    # The modules ticked in the Users tab (its groups, as accounts.modules.granted_modules), read
    # with the key: has_perm() reads every permission of the server module's group (bench/api.py).
    key.modules = {module for module, held in ((Module.SERVER, key.server), (Module.OPERATOR, key.operator)) if held}
    if key.user.is_superuser:
        key.modules.add(Module.SERVER)
    if not key.modules:
        raise ApiError.one(403, "scope_denied")
    wait = rate_limit_take(key, timezone.now())
    if wait:
        raise ApiError.one(429, "rate_limited", headers={"Retry-After": str(wait)})
    return key


def rate_limit_take(key: ApiKey, now: datetime.datetime) -> int:
    """Count one request in the key's current minute; 0 if allowed, else the seconds until the
    next minute. Also marks the key used (at most once a minute: not a write per request).

    The count is spread over SHARDS rows (this process's), incremented then summed: requests of
    one key in several web processes never wait on one row's lock (on MariaDB each such wait
    lasts a commit: bench/api.py), and the limit is never passed — a request sees every
    increment committed before its own, so the (limit+1)-th one sees more than the limit. Refused
    requests count too: a client past its limit waits for the next minute."""
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    if key.rate_per_minute <= 0:
        return 0
    window = now.replace(second=0, microsecond=0)
    mine = {"key_id": key.pk, "window_start": window, "shard": os.getpid() % SHARDS}
    if not ApiKeyUsage.objects.filter(**mine).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                ApiKeyUsage.objects.create(**mine, count=1)
        except IntegrityError:  # created meanwhile by a request of another process with the same shard
            ApiKeyUsage.objects.filter(**mine).update(count=F("count") + 1)
    used = ApiKeyUsage.objects.filter(key_id=key.pk, window_start=window).aggregate(total=Sum("count"))["total"]
    if used <= key.rate_per_minute:
        return 0
    return max(1, math.ceil((window + datetime.timedelta(minutes=1) - now).total_seconds()))


def require(key: ApiKey, module: Module) -> None:
    """403 unless the key's user has `module` (the server module includes the operator's)."""
    if module not in key.modules and not any(module in held.includes for held in key.modules):
        raise ApiError.one(403, "scope_denied")


def sees_everything(key: ApiKey) -> bool:
    """The server module sees every message; an operator only its own."""
    return Module.SERVER in key.modules
