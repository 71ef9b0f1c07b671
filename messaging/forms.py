import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from messaging.models import MessageStatus, MessagingSettings
from messaging.phones import normalize_phone


class MessagingSettingsForm(forms.ModelForm):
    class Meta:
        model = MessagingSettings
        fields = [
            "send_on_startup",
            "window_start",
            "window_end",
            "refresh_minutes",
            "notify_email",
            "include_last_sent",
            "route_by_operator",
        ]
        widgets = {
            "window_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "window_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


def month_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = today.replace(day=1)
    next_month = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, next_month - datetime.timedelta(days=1)


class OutgoingFilterForm(forms.Form):
    """The Outgoing tab's filters; the date range defaults to the current month."""

    load = forms.IntegerField(label=_("Load ID"), required=False, min_value=1, max_value=2**63 - 1)
    status = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *MessageStatus.choices])
    date_from = forms.DateField(
        label=_("Send date from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)

    def __init__(self, data=None, **kwargs):
        first, last = month_bounds(timezone.localdate())
        data = data.copy() if data is not None else {}
        # A filter by load ID looks at the whole load, whatever its dates.
        if not data.get("load"):
            data.setdefault("date_from", first.isoformat())
            data.setdefault("date_to", last.isoformat())
        super().__init__(data, **kwargs)
        # Rendered by hand, not by crispy: the tab is reloaded all day long.
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return normalize_phone(phone) if phone else ""

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("The start date is after the end date."))
        return data
