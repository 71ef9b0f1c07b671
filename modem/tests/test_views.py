from django.urls import reverse

from messaging.models import MessageStatus, OutgoingMessage
from modem.models import Modem, ModemCommand, ModemEvent
from modem.services import ADVANCED_DEFAULTS
from smsmotor.test import BaseTestCase


class ModemTabTestCase(BaseTestCase):
    def setUp(self):
        self.modem = Modem.objects.create(name="Entel 1", port="/dev/ttyUSB0")
        self.login(self.alice)

    def test_it_saves_the_port_and_advanced_settings(self):
        response = self.client.post(
            reverse("modem:edit", args=[self.modem.pk]),
            {
                "name": "Entel 1",
                "port": "/dev/ttyUSB2",
                "enabled": "on",
                "baud_rate": "9600",
                "init_commands": 'AT+CSCS="GSM"',
                "pin": "1234",
                "smsc": "+59170000000",
                "command_timeout": "20",
                "spanish_encoding": "SPANISH_SHIFT",
                "rate_per_minute": "6",
                "rate_per_day": "1000",
            },
        )
        self.assertRedirects(response, reverse("modem:edit", args=[self.modem.pk]))
        self.modem.refresh_from_db()
        self.assertEqual((self.modem.port, self.modem.baud_rate, self.modem.pin), ("/dev/ttyUSB2", 9600, "1234"))

    def test_it_explains_bad_advanced_settings(self):
        response = self.client.post(
            reverse("modem:edit", args=[self.modem.pk]),
            {
                "name": "Entel 1",
                "port": "/dev/ttyUSB0",
                "baud_rate": "115200",
                "pin": "12ab",
                "init_commands": "CSCS",
                "command_timeout": "30",
                "spanish_encoding": "UCS2",
                "rate_per_minute": "12",
                "rate_per_day": "3000",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("pin", response.context["form"].errors)
        self.assertIn("init_commands", response.context["form"].errors)

    def test_load_defaults_restores_the_recommended_values(self):
        Modem.objects.filter(pk=self.modem.pk).update(baud_rate=9600, rate_per_minute=99, init_commands="ATX")
        self.client.post(reverse("modem:load_defaults", args=[self.modem.pk]))
        self.modem.refresh_from_db()
        for field, value in ADVANCED_DEFAULTS.items():
            self.assertEqual(getattr(self.modem, field), value, field)

    def test_detect_ports_and_reconnect_are_queued_for_the_worker(self):
        for view in ("modem:detect_ports", "modem:reconnect"):
            self.client.post(reverse(view, args=[self.modem.pk]))
        self.assertEqual(sorted(ModemCommand.objects.values_list("kind", flat=True)), ["DETECT_PORTS", "RECONNECT"])
        self.assertEqual(self.client.get(reverse("modem:reconnect", args=[self.modem.pk])).status_code, 405)
        self.assertEqual(ModemCommand.objects.count(), 2)

    def test_a_hilink_stick_is_saved_with_its_address_and_a_modem_needs_its_port(self):
        data = {"name": "Stick", "transport": "HILINK", "url": "192.168.8.1/", "username": "admin", "password": "clave"}
        data |= {"enabled": "on", "baud_rate": 115200, "command_timeout": 30, "spanish_encoding": "UCS2"}
        data |= {"rate_per_minute": 10, "rate_per_day": 500}
        response = self.client.post(reverse("modem:new"), data)
        self.assertEqual(response.status_code, 302, response.content[-3000:])
        stick = Modem.objects.get(name="Stick")
        self.assertEqual(
            (stick.transport, stick.url, stick.password, stick.port), ("HILINK", "http://192.168.8.1", "clave", "")
        )
        page = self.client.get(reverse("modem:settings")).content.decode()
        self.assertIn("http://192.168.8.1", page)
        response = self.client.post(reverse("modem:new"), data | {"name": "Sin puerto", "transport": "AT"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("port", response.context["form"].errors)
        self.assertFalse(Modem.objects.filter(name="Sin puerto").exists())

    def test_a_test_sms_is_queued_and_shown_with_its_result(self):
        self.client.post(reverse("modem:test_sms"), {"phone": "700 00288"})
        message = OutgoingMessage.objects.get(is_test=True)
        self.assertEqual((message.phone, message.status), ("+59170000288", MessageStatus.QUEUED))
        response = self.client.get(reverse("modem:settings"))
        self.assertContains(response, "+59170000288")

    def test_a_wrong_test_number_is_explained(self):
        response = self.client.post(reverse("modem:test_sms"), {"phone": "12"}, follow=True)
        self.assertContains(response, "no es un número de teléfono válido")
        self.assertFalse(OutgoingMessage.objects.exists())

    def test_the_processing_tab_lists_the_workers_activity(self):
        ModemEvent.objects.create(modem=self.modem, text="Conectado a huawei E173")
        self.assertContains(self.client.get(reverse("modem:processing")), "Conectado a huawei E173")

    def test_the_test_sms_form_never_redirects_off_site(self):
        response = self.client.post(reverse("modem:test_sms"), {"phone": "70000288", "next": "https://evil.example/"})
        self.assertRedirects(response, reverse("modem:settings"), fetch_redirect_response=False)
        response = self.client.post(reverse("modem:test_sms"), {"phone": "70000288", "next": "abc"})
        self.assertEqual(response.status_code, 302)
