from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SmsMotorAdminConfig(AdminConfig):
    default_site = "smsmotor.admin.AdminSite"


class AxesConfig(AxesAppConfig):
    """django-axes, named in words for the administration (its own name is just "Axes")."""

    verbose_name = _("Login protection")
