from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from messaging import signals as messaging_signals
from modem import signals as modem_signals


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit")

    def ready(self) -> None:
        from credit import receivers
        from credit.services import default_profiles_ensure

        post_migrate.connect(default_profiles_ensure, sender=self, dispatch_uid="credit.default_profiles")
        messaging_signals.incoming_received.connect(receivers.incoming_received, dispatch_uid="credit.incoming")
        # The worker still calls credit.services directly (modem/worker.py); once it sends these
        # instead, the import of credit from modem goes (see tests/test_layers.py, PENDING).
        modem_signals.segments_sent.connect(receivers.segments_sent, dispatch_uid="credit.segments")
        modem_signals.command_finished.connect(receivers.command_finished, dispatch_uid="credit.command")
