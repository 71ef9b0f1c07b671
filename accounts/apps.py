from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and server")

    def ready(self) -> None:
        from accounts.modules import sync_module_groups

        # After every migrate, so new models' permissions join the server module.
        post_migrate.connect(sync_module_groups, dispatch_uid="accounts.sync_module_groups")
