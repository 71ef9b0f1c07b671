from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.phones import normalize_phone
from modem.models import Modem


class ModemForm(forms.ModelForm):
    class Meta:
        model = Modem
        fields = [
            "name",
            "port",
            "enabled",
            "baud_rate",
            "init_commands",
            "pin",
            "smsc",
            "command_timeout",
            "spanish_encoding",
            "rate_per_minute",
            "rate_per_day",
            "route_prefixes",
        ]
        widgets = {
            "init_commands": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, ports: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer the detected ports while still allowing any path to be typed.
        self.fields["port"].widget = forms.TextInput(attrs={"list": "detected-ports"})
        self.ports = ports or []
        # The PIN is never shown again (smsmotor/fields.py): empty keeps it, a box removes it.
        self.fields["pin"].widget.clear_label = _("Remove the saved PIN")
        if self.instance.pin:
            self.fields["pin"].help_text = _("A PIN is saved; leave empty to keep it.")

    def clean_pin(self):
        pin = self.cleaned_data["pin"]
        if not pin:
            return pin  # keep, or CLEAR: remove
        pin = pin.strip()
        if not (pin.isdigit() and 4 <= len(pin) <= 8):
            raise forms.ValidationError(_("A SIM PIN has 4 to 8 digits."))
        return pin

    def clean_init_commands(self):
        lines = [line.strip() for line in self.cleaned_data["init_commands"].splitlines() if line.strip()]
        for line in lines:
            if not line.upper().startswith("AT"):
                raise forms.ValidationError(
                    _("Each initialisation command must start with AT: “%(line)s”.") % {"line": line}
                )
        return "\n".join(lines)


class TestSmsForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=30)

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])
