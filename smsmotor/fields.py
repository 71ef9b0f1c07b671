"""Secrets kept in the database: one field type for every one of them.

`EncryptedTextField` stores its value encrypted with the server's key (smsmotor/crypto.py) and
gives it back in plain text in Python, so the code that needs the secret (the modem worker's
PIN, the SMTP and ERP connections) reads it like any attribute, while a copy of the database, a
dump or a backup holds only ciphertext. Its form field never sends the value back to the
browser, in our forms and in the Django admin alike: empty means "keep the saved one", and a
checkbox under it removes it. The audit trail records that such a field changed, never its value
(accounts/audit.py).

Secrets that only need to be checked, never read back (API keys), are not stored here but
hashed, like passwords.
"""

from django import forms
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from smsmotor.crypto import SecretError, decrypt, encrypt

CLEAR_SUFFIX = "__clear"


class UnreadableSecret(str):
    """A stored secret this server's key cannot decrypt (ENCRYPTION_KEY or SECRET_KEY changed):
    empty in Python, and saved back unchanged, so that restoring the right key brings it back."""

    def __new__(cls, token: str):
        secret = super().__new__(cls, "")
        secret.token = token
        return secret


class ClearSecret(str):
    """What the form gives when "remove the saved one" is ticked (empty, but not "keep")."""


CLEAR = ClearSecret("")


def is_unreadable(value) -> bool:
    return isinstance(value, UnreadableSecret)


class SecretInput(forms.PasswordInput):
    """A password box that never renders the saved value, with a "remove" checkbox when one is
    saved. The value it is rendered with only tells whether one is saved."""

    def __init__(self, attrs=None, clear_label=None):
        super().__init__({"autocomplete": "new-password", **(attrs or {})}, render_value=False)
        self.clear_label = clear_label or _("Remove the saved value")

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, None, attrs, renderer)
        if not value or isinstance(value, ClearSecret):
            return html
        box_id = f"{(attrs or {}).get('id') or 'id_' + name}{CLEAR_SUFFIX}"
        return format_html(
            '{}<div class="form-check mt-1"><input class="form-check-input" type="checkbox" name="{}" id="{}">'
            '<label class="form-check-label" for="{}">{}</label></div>',
            html,
            name + CLEAR_SUFFIX,
            box_id,
            box_id,
            self.clear_label,
        )

    def value_from_datadict(self, data, files, name):
        typed = data.get(name) or ""
        if not typed and data.get(name + CLEAR_SUFFIX):
            return CLEAR
        return typed

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + CLEAR_SUFFIX not in data


class SecretFormField(forms.CharField):
    """Empty keeps the saved secret; CLEAR removes it; anything typed replaces it."""

    widget = SecretInput

    def __init__(self, *, clear_label=None, **kwargs):
        kwargs["widget"] = SecretInput(clear_label=clear_label)  # whatever the caller (the admin) asked
        kwargs["required"] = False
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        return CLEAR if isinstance(value, ClearSecret) else super().to_python(value)

    def bound_data(self, data, initial):
        # Re-rendered after an error, the widget still knows whether one is saved.
        return data or initial

    def has_changed(self, initial, data):
        return bool(data) or (isinstance(data, ClearSecret) and bool(initial))


class EncryptedTextField(models.TextField):
    """A secret: Fernet ciphertext in the database, plain text in Python (see the module doc)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return self._decrypt(value)

    def to_python(self, value):
        # A token (from a fixture made by dumpdata) is read back; typed text stays as it is.
        if isinstance(value, str) and value.startswith("gAAAAA"):
            secret = self._decrypt(value)
            return value if is_unreadable(secret) else secret
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if is_unreadable(value):
            return value.token
        return encrypt(value) if value else ""

    def value_to_string(self, obj):
        # dumpdata writes what the database holds, never the plain secret.
        return self.get_prep_value(self.value_from_object(obj))

    def save_form_data(self, instance, data):
        if isinstance(data, ClearSecret):
            setattr(instance, self.attname, "")
        elif data:
            setattr(instance, self.attname, data)
        # Empty: the saved secret stays.

    def formfield(self, **kwargs):
        kwargs.pop("widget", None)  # the admin would give a textarea showing the value
        return super().formfield(**{**kwargs, "form_class": SecretFormField, "max_length": None})

    @staticmethod
    def _decrypt(value):
        if not value:
            return value
        try:
            return decrypt(value)
        except SecretError:
            return UnreadableSecret(value)
