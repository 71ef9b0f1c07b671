"""The shell: what every page wears (toolbar, data tabs, status bar), the home, status, health
and language views, the root URLs and the admin site. It sits on top: it imports the apps it
shows, and no app imports it."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _

from smsmotor import live


class ShellConfig(AppConfig):
    name = "shell"
    verbose_name = _("SMS Motor")

    def ready(self) -> None:
        from shell.status import cached_status_bar

        # The apps' live tables carry the status bar with them; the bar is the shell's.
        live.status_bar_provide(cached_status_bar)


class SmsMotorAdminConfig(admin_apps.AdminConfig):
    default = False  # named in INSTALLED_APPS instead of django.contrib.admin; ShellConfig is the app's
    default_site = "shell.admin.AdminSite"
