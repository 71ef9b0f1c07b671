"""The audit trail: who changed settings, loaded, deleted a load or sent a test, and when."""

import datetime
import decimal
import logging

from django.db import models

from accounts.models import AuditEntry
from smsmotor.fields import SecretFormField

logger = logging.getLogger("smsmotor.audit")

# Form fields whose values are never written to the trail: only that they changed. Every
# encrypted model field (smsmotor/fields.py) is one as well, whatever its name.
SECRET_FIELDS = {"password", "key", "clear_password"}
CHANGED = "***"


def audit(*, user, action: str, target: str, detail: dict | None = None) -> AuditEntry:
    entry = AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        target=str(target)[:200],
        detail=detail or {},
    )
    logger.info("Audit: %s %s %s %s", entry.user or "system", action, entry.target, entry.detail or "")
    return entry


def _plain(value):
    """A value as JSON can keep it (model instances by their name)."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date | datetime.time | decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return value


def form_changes(form) -> dict:
    """Which fields of a bound, valid form differ from what it started with: old and new
    values (secrets: only that they changed)."""
    changes = {}
    for name in form.changed_data:
        if name in SECRET_FIELDS or "password" in name or isinstance(form.fields[name], SecretFormField):
            changes[name] = CHANGED
        else:
            changes[name] = {"from": _plain(form.initial.get(name)), "to": _plain(form.cleaned_data.get(name))}
    return changes


def audited_save(form, *, user, target: str, action: str = "SETTINGS"):
    """Save a ModelForm and record what changed."""
    changes = form_changes(form)
    saved = form.save()
    if changes:
        audit(user=user, action=action, target=target, detail=changes)
    return saved
