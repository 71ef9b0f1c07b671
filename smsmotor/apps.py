from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """django-axes, named in words for the administration (its own name is just "Axes")."""

    verbose_name = _("Login protection")
