from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LoadsConfig(AppConfig):
    name = "loads"
    verbose_name = _("Data loading")

    def ready(self) -> None:
        from loads.services import upload_cleanup_schedule_ensure

        post_migrate.connect(upload_cleanup_schedule_ensure, sender=self, dispatch_uid="loads.upload_cleanup")
