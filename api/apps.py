from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("HTTP API")

    def ready(self) -> None:
        from api.tasks import schedules_ensure

        post_migrate.connect(schedules_ensure, sender=self, dispatch_uid="api.schedules")
