from django import forms
from django.utils.translation import gettext_lazy as _

from loads.models import IntegrationSource, LoadSettings, Template
from loads.templating import STANDARD_TOKENS, TemplateError, check_tokens
from messaging.phones import normalize_phone

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ExcelUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel or CSV file"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"})
    )
    send_date = forms.DateField(
        label=_("Send date of the file"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For rows without their own “Fecha de envío”."),
    )
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=Template.objects.all(),
        required=False,
        help_text=_("Only for files without a “Mensaje” column: the message is written from the row's columns."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; split it in several files.") % {"mb": MAX_UPLOAD_BYTES // 2**20}
            )
        return upload


class LoadCancelForm(forms.Form):
    load = forms.IntegerField(label=_("Load ID"), min_value=1, max_value=2**63 - 1)


class TemplateForm(forms.ModelForm):
    class Meta:
        model = Template
        fields = ["name", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4, "data-template-text": ""})}

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        try:
            check_tokens(text, STANDARD_TOKENS)
        except TemplateError as error:
            raise forms.ValidationError(str(error)) from None
        return text


class TemplateTestForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=30)

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class IntegrationForm(forms.ModelForm):
    class Meta:
        model = IntegrationSource
        fields = ["engine", "database", "host", "port", "user", "password", "query"]
        widgets = {
            # Never shown back: an empty field keeps the saved password.
            "password": forms.PasswordInput(render_value=False),
            "query": forms.Textarea(attrs={"rows": 5, "class": "font-monospace"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _("Leave empty to keep the saved password.")

    def clean_password(self):
        return self.cleaned_data["password"] or (self.instance.password if self.instance else "")


class ErpLoadForm(forms.Form):
    reference_date = forms.DateField(label=_("Reference date"), widget=forms.DateInput(attrs={"type": "date"}))
    send_date = forms.DateField(label=_("Send on"), widget=forms.DateInput(attrs={"type": "date"}))
    template = forms.ModelChoiceField(label=_("Template"), queryset=Template.objects.all())
    confirm_repeat = forms.BooleanField(label=_("Load again a reference date already loaded"), required=False)


class AutomaticLoadForm(forms.ModelForm):
    class Meta:
        model = LoadSettings
        fields = ["automatic_enabled", "automatic_time", "template", "notify_email"]
        widgets = {"automatic_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def clean(self):
        data = super().clean()
        if data.get("automatic_enabled") and not data.get("template"):
            raise forms.ValidationError(_("Choose the template of the automatic load."))
        return data
