from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loads import erp
from loads.models import ErpEngine, IntegrationSource, LoadSettings, Template
from loads.spreadsheet import MAX_UPLOAD_BYTES
from loads.templating import STANDARD_TOKENS, TemplateError, check_tokens
from messaging.phones import normalize_phone

SPREADSHEET_TYPES = ".xlsx,.xlsm,.xlsb,.xls,.ods,.csv,.txt"


class ExcelUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel or CSV file"), widget=forms.ClearableFileInput(attrs={"accept": SPREADSHEET_TYPES})
    )
    send_date = forms.DateField(
        label=_("Send date of the file"),
        required=False,
        initial=timezone.localdate,  # today, unless the person chooses another day
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For rows without their own “Fecha de envío”."),
    )
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=Template.objects.all(),
        required=False,
        help_text=_("Only for files without a “Mensaje” column: the message is written from the row's columns."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Excel (.xlsx, .xls, .xlsb), LibreOffice (.ods) or CSV, up to %(mb)d MB.") % {
            "mb": MAX_UPLOAD_BYTES // 2**20
        }

    def clean_file(self):
        """Refused by its size alone: a file over the limit is never read."""
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
        widgets = {"query": forms.Textarea(attrs={"rows": 5, "class": "font-monospace"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The password is never shown back (smsmotor/fields.py): empty keeps it, a box removes it.
        self.fields["password"].widget.clear_label = _("Remove the saved password")
        if self.instance.password:
            self.fields["password"].help_text = _("A password is saved; leave empty to keep it.")
        folder = erp.sqlite_folder()
        self.fields["database"].help_text = (
            _("MySQL and PostgreSQL: the database name. SQLite: a file in %(folder)s.") % {"folder": folder}
            if folder
            else _("The database name (SQLite files are not enabled on this server).")
        )

    def clean_query(self):
        try:
            return erp.query_check(self.cleaned_data["query"]) if self.cleaned_data["query"] else ""
        except erp.ErpError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        if data.get("engine") == ErpEngine.SQLITE and data.get("database"):
            try:
                erp.sqlite_path(data["database"])
            except erp.ErpError as error:
                self.add_error("database", str(error))
        return data


class ErpLoadForm(forms.Form):
    reference_date = forms.DateField(label=_("Reference date"), widget=forms.DateInput(attrs={"type": "date"}))
    send_date = forms.DateField(label=_("Send on"), widget=forms.DateInput(attrs={"type": "date"}))
    template = forms.ModelChoiceField(label=_("Template"), queryset=Template.objects.all())
    confirm_repeat = forms.BooleanField(label=_("Load again a reference date already loaded"), required=False)

    def __init__(self, *args, **kwargs):
        # Its fields share names with the Excel form's on the same page; their ids must differ.
        kwargs.setdefault("auto_id", "id_erp_%s")
        super().__init__(*args, **kwargs)


class AutomaticLoadForm(forms.ModelForm):
    class Meta:
        model = LoadSettings
        fields = ["automatic_enabled", "automatic_time", "template", "notify_email"]
        widgets = {"automatic_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_automatic_%s")  # unique ids beside the other forms of the page
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("automatic_enabled") and not data.get("template"):
            raise forms.ValidationError(_("Choose the template of the automatic load."))
        return data
