"""Writes on users and the server's own state."""

import logging
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.audit import audit
from accounts.models import AuditAction
from accounts.modules import Module, access_refusal, granted_modules, sync_module_groups
from smsmotor import logs
from smsmotor.texts import Text

logger = logging.getLogger("smsmotor.accounts")
User = get_user_model()


@transaction.atomic
def user_set_access(*, user, enabled: bool, modules: set[Module], by) -> bool:
    """Set a user's enabled flag and modules; returns whether anything changed. `by` None is
    the system (set-up, tests); a person may only do what access_refusal() allows."""
    current = granted_modules(user)
    was_enabled = user.is_active
    if enabled == user.is_active and modules == current:
        return False
    refusal = access_refusal(user=user, modules=modules, by=by)
    if refusal:
        raise PermissionDenied(refusal)
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
    if by is not None:
        audit(
            user=by,
            action=AuditAction.USERS,
            target=Text(gettext_noop("User %(name)s"), name=user.username),
            detail={
                "enabled": {"from": was_enabled, "to": enabled},
                "modules": {"from": sorted(current), "to": sorted(modules)},
            },
        )
    return True


@transaction.atomic
def user_create(*, username: str, password: str, modules: set[Module], by, **fields):
    user = User.objects.create_user(username=username, password=password, **fields)
    user_set_access(user=user, enabled=True, modules=modules, by=by)
    logger.info("User %s created by %s", username, by.username if by else "system")
    return user


def user_password_reset(*, user, by) -> str:
    """A new generated password for `user`, returned once to be shown once; the audit trail
    records that it was reset, not the password."""
    refusal = access_refusal(user=user, modules=granted_modules(user), by=by)
    if refusal:
        raise PermissionDenied(refusal)
    password = secrets.token_urlsafe(9)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit(
        user=by,
        action=AuditAction.USERS,
        target=Text(gettext_noop("User %(name)s"), name=user.username),
        detail={"password": "reset"},
    )
    logger.info("Password of %s reset by %s", user.username, by.username if by else "system")
    return password


def user_set_enabled(*, user, enabled: bool, by) -> bool:
    """Enable or disable a user, keeping its modules."""
    if by is not None and by.pk == user.pk and not enabled:
        raise PermissionDenied(_("You cannot disable yourself."))
    return user_set_access(user=user, enabled=enabled, modules=granted_modules(user), by=by)


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


def test_email_send(*, to: str, by) -> None:
    """The Server tab's "send test e-mail": now, so the administrator sees the server's answer."""
    from accounts.mail import mail_send

    with translation.override(settings.LANGUAGE_CODE):
        subject = _("SMS Motor: test e-mail")
        body = _("This test e-mail was sent by %(user)s from the Server tab of SMS Motor.") % {
            "user": by.get_username()
        }
    try:
        mail_send(to=to, subject=subject, body=body)
    finally:  # tried is what counts: a failure is worth knowing too
        audit(user=by, action=AuditAction.TEST_EMAIL, target=to)
    logger.info("Test e-mail sent to %s by %s", to, by.get_username())


def event_log_switch(*, on: bool, by) -> None:
    from accounts.models import ServerSettings

    ServerSettings.objects.filter(pk=ServerSettings.load().pk).update(keep_history=on)
    audit(
        user=by,
        action=AuditAction.EVENT_LOG,
        target=Text(gettext_noop("Event history on") if on else gettext_noop("Event history off")),
    )
    # Logged while the file log is still on (switching off) or once it is on again.
    if not on:
        logger.info("Event history turned off by %s", by.get_username())
    logs.event_log_set_enabled(settings.LOG_DIR, on)
    if on:
        logger.info("Event history turned on by %s", by.get_username())


def event_log_clear(*, by) -> int:
    count = logs.event_log_clear(settings.LOG_DIR)
    audit(
        user=by, action=AuditAction.EVENT_LOG, target=Text(gettext_noop("Event log cleared")), detail={"files": count}
    )
    logger.info("Event log cleared by %s: %d files deleted", by.get_username(), count)
    return count


def licence_current(today=None):
    """What the stored licence key allows today (verified again on every call). Whether a key
    was ever registered comes from the audit trail, which keeps every registration."""
    from accounts.licensing import licence_state
    from accounts.models import AuditEntry, Licence

    key = Licence.load().key
    was_registered = bool(key) or AuditEntry.objects.filter(action=AuditAction.LICENCE).exists()
    return licence_state(key, today, was_registered=was_registered)


@transaction.atomic
def licence_register(*, key: str, by):
    """Store a licence key after checking its signature; LicenceError if it is not valid."""
    from accounts.licensing import key_verify
    from accounts.models import Licence

    key = "".join(key.split())
    terms = key_verify(key)
    licence = Licence.load()
    licence.key = key
    # Shown and searched in the admin; the checks always read the key itself.
    licence.company_name, licence.installed_on, licence.expires_on = terms.company, terms.installed_on, terms.expires_on
    licence.save()
    audit(
        user=by,
        action=AuditAction.LICENCE,
        target=terms.company,
        detail={"serial": terms.serial, "expires_on": str(terms.expires_on) if terms.expires_on else "PERPETUAL"},
    )
    logger.info(
        "Licence %s registered by %s: %s, expires %s",
        terms.serial,
        by.get_username() if by else "system",
        terms.company,
        terms.expires_on or "never",
    )
    return terms
