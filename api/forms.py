from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class ApiKeyForm(forms.Form):
    """The Users tab's "New API key"."""

    user = forms.ModelChoiceField(
        label=_("User"), queryset=get_user_model().objects.filter(is_active=True).order_by("username")
    )
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, help_text=_("What the key is for, e.g. the ERP.")
    )
    rate_per_minute = forms.IntegerField(
        label=_("Requests per minute"), min_value=0, initial=600, help_text=_("0: no limit.")
    )
    webhook_url = forms.URLField(
        label=_("Webhook address"),
        required=False,
        assume_scheme="https",
        help_text=_("Optional: receives the state of this key's messages (signed JSON)."),
    )
