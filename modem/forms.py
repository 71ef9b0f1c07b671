from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.phones import normalize_phone
from modem.models import Modem, TransportKind

KEPT_WHEN_ABSENT = ("long_messages", "smpp_alphabet", "window")


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
            "webhook_listen",
            "webhook_url",
            "signing_key",
            "system_type",
            "sender",
            "long_messages",
            "smpp_alphabet",
            "window",
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
        for name in KEPT_WHEN_ABSENT:  # another kind's settings, absent from older pages and scripts
            self.fields[name].required = False
        self.ports = ports or []
        # The PIN is never shown again (smsmotor/fields.py): empty keeps it, a box removes it.
        self.fields["pin"].widget.clear_label = _("Remove the saved PIN")
        if self.instance.pin:
            self.fields["pin"].help_text = _("A PIN is saved; leave empty to keep it.")
        self.fields["password"].widget.clear_label = _("Remove the saved password")
        self.fields["password"].help_text = (
            _("A password is saved; leave empty to keep it.")
            if self.instance.password
            else _("The password of the stick's web page, of the phone's app or of the SMPP account.")
        )
        self.fields["signing_key"].widget.clear_label = _("Remove the saved key")
        if self.instance.signing_key:
            self.fields["signing_key"].help_text = _("A key is saved; leave empty to keep it.")
        else:
            self.fields["signing_key"].help_text = _("The app's webhook signing key (Settings → Webhooks).")

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
        if self.cleaned_data.get("transport") == TransportKind.SMPP:
            return self.smpp_address(url)
        if url and "://" not in url:
            url = f"http://{url}"  # people type the address as the stick's label shows it: 192.168.8.1
        if url:
            forms.URLField(assume_scheme="http").clean(url)  # a readable error for what is not an address
        return url

    def clean(self):
        cleaned = super().clean()
        for name in KEPT_WHEN_ABSENT:
            if cleaned.get(name) in (None, "") and name not in self.errors:
                cleaned[name] = getattr(self.instance, name)
        kind = cleaned.get("transport")
        if kind == TransportKind.AT and not cleaned.get("port"):
            self.add_error("port", _("A modem on a port needs its port, e.g. /dev/ttyUSB0."))
        if kind == TransportKind.HILINK and not cleaned.get("url"):
            self.add_error("url", _("A HiLink stick needs its web address, e.g. http://192.168.8.1."))
        if kind == TransportKind.ANDROID and not cleaned.get("url"):
            self.add_error("url", _("An Android phone needs the address its app shows, e.g. http://192.168.1.20:8080."))
        if kind == TransportKind.SMPP:
            if not cleaned.get("url") and "url" not in self.errors:
                self.add_error("url", _("An SMPP account needs the operator's server, e.g. smpp.operator.bo:2775."))
            if not cleaned.get("username"):
                self.add_error("username", _("An SMPP account needs its user (system_id)."))
        return cleaned

    @staticmethod
    def smpp_address(address: str) -> str:
        """host:port, as operators write it (a smpp:// prefix is dropped)."""
        address = address.split("://", 1)[-1]
        if not address:
            return address
        host, sep, port = address.rpartition(":")
        if not sep:
            host, port = address, "2775"
        if not host or not port.isdigit() or not 0 < int(port) < 65536 or " " in host:
            raise forms.ValidationError(_("Write the server as host:port, e.g. smpp.operator.bo:2775."))
        return f"{host}:{port}"

    def clean_webhook_listen(self):
        listen = self.cleaned_data["webhook_listen"].strip()
        if listen:
            host, sep, port = listen.rpartition(":")
            if not sep or not port.isdigit() or not 0 < int(port) < 65536:
                raise forms.ValidationError(_("Write it as host:port, e.g. 0.0.0.0:8091."))
            listen = f"{host or '0.0.0.0'}:{port}"
        return listen

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"].strip()
        if url:
            forms.URLField(assume_scheme="https").clean(url)
            if not (url.startswith("https://") or url.startswith("http://127.0.0.1")):
                # The app refuses any other address (WebhooksService: https, or the phone itself).
                raise forms.ValidationError(_("The app calls only https:// addresses (or http://127.0.0.1)."))
        return url

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
