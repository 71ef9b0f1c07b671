import datetime

from django.urls import reverse
from django.utils import timezone

from loads.models import Load, LoadType
from loads.services import load_cancel
from messaging.models import MessageStatus as S
from messaging.models import OutgoingMessage
from messaging.services import message_mark_handed, messages_claim
from modem.models import Modem
from smsmotor.test import BaseTestCase


class LoadCancelTestCase(BaseTestCase):
    def setUp(self):
        self.load = Load.objects.create(type=LoadType.EXCEL, created_by=self.bob)
        self.messages = {}
        for state in (S.PENDING, S.QUEUED, S.SENT, S.FAILED):
            message = OutgoingMessage.objects.create(phone="+59170000288", text=str(state), load=self.load)
            OutgoingMessage.objects.filter(pk=message.pk).update(status=state)
            self.messages[state] = message

    def status(self, state) -> str:
        return OutgoingMessage.objects.get(pk=self.messages[state].pk).status

    def test_it_cancels_what_was_not_sent_and_keeps_the_rest(self):
        self.assertEqual(load_cancel(load=self.load, by=self.alice), 2)
        self.assertEqual(
            [self.status(s) for s in (S.PENDING, S.QUEUED, S.SENT, S.FAILED)],
            [S.CANCELLED, S.CANCELLED, S.SENT, S.FAILED],
        )
        self.load.refresh_from_db()
        self.assertEqual((self.load.cancelled_count, self.load.cancelled_by), (2, self.alice))
        self.assertIn("alice", OutgoingMessage.objects.get(pk=self.messages[S.QUEUED].pk).result)

    def test_a_message_a_worker_claimed_is_cancelled_and_then_never_handed(self):
        modem = Modem.objects.create(name="m", port="/dev/m")
        OutgoingMessage.objects.filter(pk=self.messages[S.PENDING].pk).update(status=S.CANCELLED)
        (claimed,) = messages_claim(modem=modem, now=timezone.now(), today=timezone.localdate() + datetime.timedelta(1))
        self.assertEqual(load_cancel(load=self.load, by=self.alice), 1)
        self.assertFalse(message_mark_handed(claimed, now=timezone.now()))
        self.assertEqual(OutgoingMessage.objects.get(pk=claimed.pk).status, S.CANCELLED)

    def test_a_handed_message_is_not_cancelled(self):
        modem = Modem.objects.create(name="m", port="/dev/m")
        OutgoingMessage.objects.filter(pk=self.messages[S.PENDING].pk).update(status=S.CANCELLED)
        (claimed,) = messages_claim(modem=modem, now=timezone.now(), today=timezone.localdate() + datetime.timedelta(1))
        message_mark_handed(claimed, now=timezone.now())
        self.assertEqual(load_cancel(load=self.load, by=self.alice), 0)
        self.assertEqual(OutgoingMessage.objects.get(pk=claimed.pk).status, S.SENDING)

    def test_an_operator_deletes_their_own_loads_only(self):
        others = Load.objects.create(type=LoadType.EXCEL, created_by=self.alice)
        OutgoingMessage.objects.create(phone="+59170000288", text="x", load=others)
        self.login(self.bob)
        response = self.client.post(reverse("loads:cancel"), {"load": others.pk}, follow=True)
        self.assertContains(response, f"No existe la carga {others.pk}")
        self.assertFalse(OutgoingMessage.objects.filter(load=others, status=S.CANCELLED).exists())
        response = self.client.post(reverse("loads:cancel"), {"load": self.load.pk})
        self.assertRedirects(response, f"{reverse('messaging:outgoing')}?load={self.load.pk}")
        self.assertEqual(self.status(S.QUEUED), S.CANCELLED)

    def test_a_bad_load_id_is_explained(self):
        self.login(self.alice)
        response = self.client.post(reverse("loads:cancel"), {"load": "abc"}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.status(S.QUEUED), S.QUEUED)
