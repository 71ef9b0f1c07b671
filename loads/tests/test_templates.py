from django.urls import reverse

from accounts.models import Licence
from loads.models import Template
from messaging.models import MessageStatus, OutgoingMessage
from smsmotor.test import BaseTestCase, licence_install

TEXT = "Estimado <nombre>, su cuota <numerocuota> de <moneda> <montocuota> vence el <fechavencimiento>."


class TemplateEditorTestCase(BaseTestCase):
    def setUp(self):
        licence_install("Créditos Ñandú")
        self.login(self.alice)

    def test_it_saves_a_template_with_known_tokens(self):
        response = self.client.post(reverse("loads:templates"), {"name": "Cuota", "text": TEXT})
        template = Template.objects.get()
        self.assertRedirects(response, reverse("loads:template_edit", args=[template.pk]))

    def test_unknown_tokens_are_refused_when_saving(self):
        response = self.client.post(reverse("loads:templates"), {"name": "Mala", "text": "Hola <nombre>, <saldo>"})
        self.assertContains(response, "&lt;saldo&gt;")
        self.assertFalse(Template.objects.exists())

    def test_the_counter_includes_the_signature_and_counts_segments(self):
        response = self.client.post(reverse("loads:template_measure"), {"text": TEXT})
        measure = response.json()
        self.assertTrue(measure["rendered"].endswith(". Créditos Ñandú"))
        self.assertIn("María Fernández Ríos", measure["rendered"])  # accents that cost what real names cost
        self.assertIn("Bs 1.500,50", measure["rendered"])
        self.assertEqual(measure["length"], len(measure["rendered"]))
        self.assertEqual((measure["encoding"], measure["limit"]), ("UCS2", 140))
        self.assertEqual(measure["segments"], 2)  # over 70 UCS-2 characters (ú in Ñandú)
        self.assertIn("67", measure["encoding_text"])  # said in words: 67 characters per part of a long SMS

    def test_the_euro_sign_costs_two_septets(self):
        Licence.objects.update_or_create(pk=1, defaults={"key": ""})  # unregistered: no signature
        # 80 euro signs are 160 septets: one SMS; one more needs two.
        measure = self.client.post(reverse("loads:template_measure"), {"text": "€" * 80}).json()
        self.assertEqual((measure["encoding"], measure["segments"], measure["length"]), ("GSM7", 1, 80))
        measure = self.client.post(reverse("loads:template_measure"), {"text": "€" * 81}).json()
        self.assertEqual(measure["segments"], 2)

    def test_send_test_queues_the_rendered_message(self):
        template = Template.objects.create(name="Cuota", text=TEXT)
        self.client.post(reverse("loads:template_test", args=[template.pk]), {"phone": "70000288"})
        message = OutgoingMessage.objects.get()
        self.assertEqual((message.phone, message.status, message.is_test), ("+59170000288", MessageStatus.QUEUED, True))
        self.assertIn("María Fernández Ríos", message.text)
        self.assertTrue(message.text.endswith("Créditos Ñandú"))

    def test_operators_cannot_edit_templates(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("loads:templates")).status_code, 403)
        self.assertEqual(self.client.post(reverse("loads:template_measure"), {"text": "x"}).status_code, 403)
