import re

from django import forms
from django.utils.translation import gettext_lazy as _

from credit.models import CreditSettings, OperatorProfile


class CounterForm(forms.ModelForm):
    class Meta:
        model = CreditSettings
        fields = ["balance", "warning_threshold"]
        help_texts = {"balance": _("Leave empty to only count the SMS sent.")}


class DailyQueryForm(forms.ModelForm):
    class Meta:
        model = CreditSettings
        fields = ["profile", "automatic_query", "automatic_query_time", "notify_email"]
        widgets = {"automatic_query_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("automatic_query") and not cleaned.get("profile"):
            self.add_error("profile", _("Choose the operator to ask every day."))
        return cleaned


class QueryNowForm(forms.Form):
    profile = forms.ModelChoiceField(label=_("Operator"), queryset=OperatorProfile.objects.all())
    notify_email = forms.EmailField(label=_("Send the answer to"), required=False)


class OperatorProfileForm(forms.ModelForm):
    class Meta:
        model = OperatorProfile
        fields = ["name", "method", "ussd_code", "sms_number", "sms_text", "answer_pattern"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") == "USSD" and not cleaned.get("ussd_code"):
            self.add_error("ussd_code", _("Write the USSD code, for example *105#."))
        if cleaned.get("method") == "SMS":
            if not cleaned.get("sms_number"):
                self.add_error("sms_number", _("Write the short number the SMS goes to."))
            if not cleaned.get("sms_text"):
                self.add_error("sms_text", _("Write the text of the SMS, for example SALDO."))
        pattern = cleaned.get("answer_pattern")
        if pattern:
            try:
                re.compile(pattern)
            except re.error as error:
                self.add_error(
                    "answer_pattern", _("This is not a valid regular expression: %(error)s") % {"error": error}
                )
        return cleaned
