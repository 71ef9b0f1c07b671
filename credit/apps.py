from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit")

    def ready(self) -> None:
        from credit.services import default_profiles_ensure

        post_migrate.connect(default_profiles_ensure, sender=self, dispatch_uid="credit.default_profiles")
