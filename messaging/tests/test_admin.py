from django.urls import reverse

from messaging.models import MessageStatus as S
from messaging.models import OutgoingMessage
from smsmotor.test import BaseTestCase


class SendAgainActionTestCase(BaseTestCase):
    def test_a_person_queues_failed_and_unknown_messages_again(self):
        states = [S.FAILED, S.UNKNOWN, S.SENT]
        messages = [OutgoingMessage.objects.create(phone="+59170000288", text=str(s)) for s in states]
        for message, state in zip(messages, states, strict=True):
            OutgoingMessage.objects.filter(pk=message.pk).update(status=state, handed_at="2026-01-01T00:00Z")
        self.login(self.alice)
        response = self.client.post(
            reverse("admin:messaging_outgoingmessage_changelist"),
            {"action": "send_again", "_selected_action": [m.pk for m in messages]},
            follow=True,
        )
        self.assertEqual(response.status_code, 200)
        result = dict(OutgoingMessage.objects.values_list("text", "status"))
        self.assertEqual(result, {"FAILED": S.QUEUED, "UNKNOWN": S.QUEUED, "SENT": S.SENT})
        self.assertFalse(OutgoingMessage.objects.filter(text="UNKNOWN", handed_at__isnull=False).exists())


class OutgoingAdminTestCase(BaseTestCase):
    def test_a_message_added_in_the_admin_needs_a_valid_international_number(self):
        self.login(self.alice)
        url = reverse("admin:messaging_outgoingmessage_add")
        response = self.client.post(url, {"phone": "70000288", "text": "Hola", "send_date": "2026-11-24"})
        self.assertContains(response, "+59170000288")  # the form says how to write it
        self.assertFalse(OutgoingMessage.objects.exists())
        self.client.post(url, {"phone": "+59170000288", "text": "Hola", "send_date": "2026-11-24"})
        self.assertTrue(OutgoingMessage.objects.filter(phone="+59170000288").exists())
