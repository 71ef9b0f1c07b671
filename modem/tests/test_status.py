import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import Licence
from messaging.models import MessagingSettings
from modem.models import Modem, ModemState
from smsmotor.test import BaseTestCase, licence_install


class StatusBarTestCase(BaseTestCase):
    def status(self) -> str:
        self.login(self.bob)
        return self.client.get(reverse("status")).content.decode()

    def test_it_shows_a_live_modem_with_its_signal_and_brand(self):
        Modem.objects.create(name="Entel 1", port="/dev/ttyUSB0")
        Modem.objects.filter(name="Entel 1").update(
            state=ModemState.READY, signal_bars=4, manufacturer="huawei", model="E173", heartbeat_at=timezone.now()
        )
        html = self.status()
        self.assertIn("bi-reception-4", html)
        self.assertIn("huawei E173", html)
        self.assertIn("Listo", html)

    def test_a_silent_worker_shows_its_modem_disconnected(self):
        Modem.objects.create(name="Tigo 1", port="/dev/ttyUSB1")
        old = timezone.now() - datetime.timedelta(minutes=5)
        Modem.objects.filter(name="Tigo 1").update(state=ModemState.READY, signal_bars=3, heartbeat_at=old)
        html = self.status()
        self.assertIn("Desconectado", html)
        self.assertIn("bi-reception-0", html)

    def test_it_says_when_no_modem_is_configured(self):
        self.assertIn("ninguno configurado", self.status())

    def test_it_shows_the_sending_switch(self):
        MessagingSettings.objects.update_or_create(pk=1, defaults={"sending_enabled": False})
        self.assertIn("El envío está detenido", self.status())

    def test_it_shows_the_licence(self):
        self.assertIn("no registrada", self.status())
        licence_install(expires_on=None)
        self.assertIn("PERPETUA", self.status())
        # The dates are the signed key's: editing the column changes nothing.
        Licence.objects.update(expires_on="2026-01-01")
        self.assertIn("PERPETUA", self.status())
