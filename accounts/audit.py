"""The audit trail: who changed settings, loaded, deleted a load or sent a test, and when."""

import datetime
import decimal
import logging

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from accounts.models import AuditEntry
from smsmotor.fields import SecretFormField
from smsmotor.texts import Text, as_text

logger = logging.getLogger("smsmotor.audit")

# Form fields whose values are never written to the trail: only that they changed. Every
# encrypted model field (smsmotor/fields.py) is one as well, whatever its name.
SECRET_FIELDS = {"password", "key", "clear_password"}
CHANGED = "***"


def audit(*, user, action: str, target: Text | str, detail: dict | None = None) -> AuditEntry:
    """Record an action. `target` is a Text (shown in each reader's language) or plain data
    (a phone number, a name)."""
    rendered, stored = as_text(target)
    entry = AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        target=rendered[:200],
        target_stored=stored,
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


MODEL_KEY = "_model"  # detail key: the model whose field names the other keys are (for their labels)


def form_changes(form) -> dict:
    """Which fields of a bound, valid form differ from what it started with: old and new
    values (secrets: only that they changed). A model form's fields are shown by their names
    in the reader's language (see detail_lines)."""
    changes = {}
    meta = getattr(form, "_meta", None)
    if meta is not None and getattr(meta, "model", None) is not None and form.changed_data:
        changes[MODEL_KEY] = meta.model._meta.label_lower
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


def detail_lines(detail: dict) -> list[str]:
    """An entry's detail as short sentences in the active language: "Sending on: yes → no"."""
    model = None
    if detail.get(MODEL_KEY):
        try:
            model = apps.get_model(detail[MODEL_KEY])
        except (LookupError, ValueError):
            model = None
    lines = []
    for key, value in detail.items():
        if key == MODEL_KEY:
            continue
        label = _label(model, key)
        if value == CHANGED:
            lines.append(gettext("%(field)s: changed") % {"field": label})
        elif isinstance(value, dict) and ("from" in value or "to" in value):
            lines.append(
                gettext("%(field)s: %(old)s → %(new)s")
                % {"field": label, "old": _shown(value.get("from")), "new": _shown(value.get("to"))}
            )
        else:
            lines.append(gettext("%(field)s: %(value)s") % {"field": label, "value": _shown(value)})
    return lines


def _label(model, key: str) -> str:
    if model is not None:
        try:
            return capfirst(str(model._meta.get_field(key).verbose_name))
        except FieldDoesNotExist:
            pass
    return capfirst(DETAIL_LABELS[key]) if key in DETAIL_LABELS else capfirst(key.replace("_", " "))


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    return str(value)


# Keys of the details that services write by hand (not from a form).
DETAIL_LABELS = {
    "enabled": gettext_lazy("enabled"),
    "modules": gettext_lazy("modules"),
    "password": gettext_lazy("password"),
    "message": gettext_lazy("message"),
    "query": gettext_lazy("balance query"),
    "files": gettext_lazy("files"),
    "cancelled": gettext_lazy("messages cancelled"),
    "sending_enabled": gettext_lazy("sending on"),
}
