"""Writes on users and the server's own state."""

import logging
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.utils import DatabaseError

from accounts.modules import Module, granted_modules, sync_module_groups

logger = logging.getLogger("smsmotor.accounts")
User = get_user_model()


@transaction.atomic
def user_set_access(*, user, enabled: bool, modules: set[Module], by) -> bool:
    """Set a user's enabled flag and modules; returns whether anything changed."""
    current = granted_modules(user)
    if enabled == user.is_active and modules == current:
        return False
    groups = _module_groups()
    user.groups.remove(*[groups[m] for m in Module if m not in modules])
    user.groups.add(*[groups[m] for m in modules])
    user.is_active = enabled
    # The Django admin is part of the server module; a superuser without it is no longer one.
    user.is_staff = Module.SERVER in modules
    user.is_superuser = user.is_superuser and Module.SERVER in modules
    user.save(update_fields=["is_active", "is_staff", "is_superuser"])
    logger.info(
        "User %s set %s with modules [%s] by %s",
        user.username,
        "enabled" if enabled else "disabled",
        ", ".join(sorted(m.value for m in modules)),
        by.username if by else "system",
    )
    return True


@transaction.atomic
def user_create(*, username: str, password: str, modules: set[Module], by, **fields):
    user = User.objects.create_user(username=username, password=password, **fields)
    user_set_access(user=user, enabled=True, modules=modules, by=by)
    logger.info("User %s created by %s", username, by.username if by else "system")
    return user


def administrator_create(*, username: str) -> tuple[object, str]:
    """The first administrator: a superuser in the server module with a generated password."""
    sync_module_groups()
    password = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username=username, password=password, email="")
    user.groups.add(_module_groups()[Module.SERVER])
    return user, password


def _module_groups() -> dict[Module, Group]:
    groups = {g.name: g for g in Group.objects.filter(name__in=[m.group_name for m in Module])}
    if len(groups) < len(Module):
        sync_module_groups()
        groups = {g.name: g for g in Group.objects.filter(name__in=[m.group_name for m in Module])}
    return {m: groups[m.group_name] for m in Module}


def database_status() -> dict:
    """Which database is in use and whether it answers, for the Server tab."""
    info = {
        "vendor": connection.vendor,
        "name": str(connection.settings_dict["NAME"]),
        "host": connection.settings_dict.get("HOST") or "",
        "connected": False,
        "version": "",
        "error": "",
    }
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SELECT VERSION()")
            info["version"] = cursor.fetchone()[0]
        info["connected"] = True
    except DatabaseError as exc:
        info["error"] = str(exc)
    return info
