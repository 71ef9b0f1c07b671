from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from messaging import signals as messaging_signals


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("HTTP API")

    def ready(self) -> None:
        from api import webhooks
        from api.tasks import schedules_ensure

        post_migrate.connect(schedules_ensure, sender=self, dispatch_uid="api.schedules")
        # Incoming SMS and calls become webhook events in the transaction that stores them.
        messaging_signals.incoming_received.connect(webhooks.incoming_received, dispatch_uid="api.incoming")
        messaging_signals.call_received.connect(webhooks.call_received, dispatch_uid="api.call")
