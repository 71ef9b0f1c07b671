from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.modules import Module


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
        return data


UserAccessFormSet = forms.formset_factory(UserAccessForm, extra=0)


class UserCreateForm(UserCreationForm):
    modules = ModulesField(initial=[Module.OPERATOR])

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email"]
