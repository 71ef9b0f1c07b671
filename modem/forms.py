from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.phones import normalize_phone
from modem.models import Modem, TransportKind


class ModemForm(forms.ModelForm):
    class Meta:
        model = Modem
        fields = [
            "name",
            "transport",
            "port",
            "url",
            "username",
            "password",
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
        self.fields["transport"].widget.attrs["data-kind-select"] = ""
        self.fields["transport"].required = False  # not asked (older pages, scripts): the line keeps its kind
        self.ports = ports or []
        # The PIN is never shown again (smsmotor/fields.py): empty keeps it, a box removes it.
        self.fields["pin"].widget.clear_label = _("Remove the saved PIN")
        if self.instance.pin:
            self.fields["pin"].help_text = _("A PIN is saved; leave empty to keep it.")
        self.fields["password"].widget.clear_label = _("Remove the saved password")
        self.fields["password"].help_text = (
            _("A password is saved; leave empty to keep it.")
            if self.instance.password
            else _("The password of the stick's web page; empty if it asks for none.")
        )

    def clean_pin(self):
        pin = self.cleaned_data["pin"]
        if not pin:
            return pin  # keep, or CLEAR: remove
        pin = pin.strip()
        if not (pin.isdigit() and 4 <= len(pin) <= 8):
            raise forms.ValidationError(_("A SIM PIN has 4 to 8 digits."))
        return pin

    def clean_transport(self):
        return self.cleaned_data["transport"] or self.instance.transport or TransportKind.AT

    def clean_url(self):
        url = self.cleaned_data["url"].strip().rstrip("/")
        if url and "://" not in url:
            url = f"http://{url}"  # people type the address as the stick's label shows it: 192.168.8.1
        if url:
            forms.URLField(assume_scheme="http").clean(url)  # a readable error for what is not an address
        return url

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("transport")
        if kind == TransportKind.AT and not cleaned.get("port"):
            self.add_error("port", _("A modem on a port needs its port, e.g. /dev/ttyUSB0."))
        if kind == TransportKind.HILINK and not cleaned.get("url"):
            self.add_error("url", _("A HiLink stick needs its web address, e.g. http://192.168.8.1."))
        return cleaned

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
