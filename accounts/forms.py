from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import ServerSettings
from accounts.modules import Module, access_refusal, grantable_modules


class ModulesField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=Module.choices,
            coerce=Module,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Modules"),
            **kwargs,
        )


class UserAccessForm(forms.Form):
    """One row of the Users tab."""

    user_id = forms.IntegerField(widget=forms.HiddenInput)
    enabled = forms.BooleanField(label=_("Enabled"), required=False)
    modules = ModulesField()

    def __init__(self, *args, editor=None, **kwargs):
        self.editor = editor
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        # An administrator cannot lock themself out of the Users tab.
        if self.editor is not None and data.get("user_id") == self.editor.pk:
            if not data.get("enabled"):
                raise ValidationError(_("You cannot disable your own user."))
            if Module.SERVER not in data.get("modules", []):
                raise ValidationError(_("You cannot remove the server module from your own user."))
        if self.editor is not None and self.has_changed() and "user_id" in data:
            user = get_user_model().objects.filter(pk=data["user_id"]).first()
            refusal = user and access_refusal(user=user, modules=set(data.get("modules", [])), by=self.editor)
            if refusal:
                raise ValidationError(refusal)
        return data


UserAccessFormSet = forms.formset_factory(UserAccessForm, extra=0)


class UserCreateForm(UserCreationForm):
    modules = ModulesField(initial=[Module.OPERATOR])

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, editor=None, **kwargs):
        self.editor = editor
        super().__init__(*args, **kwargs)

    def clean_modules(self):
        modules = set(self.cleaned_data["modules"])
        if self.editor is not None and modules - grantable_modules(self.editor):
            raise ValidationError(_("Only a superuser can give modules you do not have."))
        return self.cleaned_data["modules"]


class SmtpAccountForm(forms.ModelForm):
    """The Server tab's e-mail account. The password is write-only: never sent back."""

    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    clear_password = forms.BooleanField(label=_("Remove the saved password"), required=False)

    class Meta:
        model = ServerSettings
        fields = ["smtp_sender", "smtp_host", "smtp_port", "smtp_security", "smtp_user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saved = bool(self.instance.smtp_password)
        self.fields["password"].help_text = (
            _("A password is saved; leave empty to keep it.") if saved else _("No password saved.")
        )
        if not saved:
            del self.fields["clear_password"]

    def save(self, commit: bool = True) -> ServerSettings:
        account = super().save(commit=False)
        if self.cleaned_data.get("password"):
            account.smtp_password = self.cleaned_data["password"]  # encrypted by the field
        elif self.cleaned_data.get("clear_password"):
            account.smtp_password = ""
        if commit:
            account.save()
        return account


class TestEmailForm(forms.Form):
    to = forms.EmailField(label=_("Send a test e-mail to"))


class LicenceForm(forms.Form):
    key = forms.CharField(
        label=_("Licence key"),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "class": "font-monospace"}),
    )


class EventLogForm(forms.Form):
    keep_history = forms.BooleanField(label=_("Keep event history (daily files)"), required=False)
