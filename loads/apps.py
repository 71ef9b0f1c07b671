from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoadsConfig(AppConfig):
    name = "loads"
    verbose_name = _("Data loading")
