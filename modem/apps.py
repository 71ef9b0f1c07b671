from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModemConfig(AppConfig):
    name = "modem"
    verbose_name = _("Modem")
