from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from messaging.notifications import outbox_schedule_ensure

        post_migrate.connect(outbox_schedule_ensure, sender=self, dispatch_uid="messaging.outbox_schedule")
