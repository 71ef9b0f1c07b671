from django.test import TestCase

from messaging.models import MessageStatus as S
from messaging.models import OutgoingMessage
from messaging.services import ALLOWED, IllegalTransition, message_transition, messages_transition


def make_message(status: str = S.PENDING, **fields) -> OutgoingMessage:
    message = OutgoingMessage.objects.create(phone="+59170000288", text="Hola", **fields)
    # Tests place a message in any state directly; the code under test moves it.
    OutgoingMessage.objects.filter(pk=message.pk).update(status=status)
    message.refresh_from_db()
    return message


class MessageTransitionTestCase(TestCase):
    def test_it_allows_the_normal_life_of_a_message(self):
        message = make_message()
        for old, new in [(S.PENDING, S.QUEUED), (S.QUEUED, S.SENDING), (S.SENDING, S.SENT), (S.SENT, S.DELIVERED)]:
            self.assertTrue(message_transition(message.pk, old=old, new=new))
            message.refresh_from_db()
            self.assertEqual(message.status, new)

    def test_it_refuses_every_move_not_in_the_table(self):
        for old in S:
            for new in S:
                if new in ALLOWED[old]:
                    continue
                message = make_message(old)
                with self.subTest(old=old, new=new), self.assertRaises(IllegalTransition):
                    message_transition(message.pk, old=old, new=new)
                message.refresh_from_db()
                self.assertEqual(message.status, old)

    def test_it_accepts_every_move_in_the_table(self):
        for old, targets in ALLOWED.items():
            for new in targets:
                message = make_message(old)
                with self.subTest(old=old, new=new):
                    self.assertTrue(message_transition(message.pk, old=old, new=new))
                    message.refresh_from_db()
                    self.assertEqual(message.status, new)

    def test_it_never_resends_a_delivered_or_cancelled_message(self):
        self.assertEqual(ALLOWED[S.DELIVERED], frozenset())
        self.assertEqual(ALLOWED[S.CANCELLED], frozenset())
        self.assertNotIn(S.SENDING, ALLOWED[S.UNKNOWN])

    def test_it_loses_when_another_worker_moved_the_message_first(self):
        message = make_message(S.QUEUED)
        self.assertTrue(message_transition(message.pk, old=S.QUEUED, new=S.SENDING))
        self.assertFalse(message_transition(message.pk, old=S.QUEUED, new=S.SENDING))

    def test_it_writes_the_other_fields_in_the_same_update(self):
        message = make_message(S.SENDING)
        message_transition(message.pk, old=S.SENDING, new=S.FAILED, result="Sin crédito")
        message.refresh_from_db()
        self.assertEqual((message.status, message.result), (S.FAILED, "Sin crédito"))

    def test_it_moves_many_and_skips_those_in_other_states(self):
        waiting = [make_message(S.PENDING), make_message(S.QUEUED)]
        sent = make_message(S.SENT)
        count = messages_transition(OutgoingMessage.objects.all(), old=[S.PENDING, S.QUEUED], new=S.CANCELLED)
        self.assertEqual(count, 2)
        self.assertEqual(
            {m.status for m in OutgoingMessage.objects.filter(pk__in=[m.pk for m in waiting])}, {S.CANCELLED}
        )
        sent.refresh_from_db()
        self.assertEqual(sent.status, S.SENT)

    def test_it_refuses_an_illegal_bulk_move_before_writing(self):
        message = make_message(S.SENT)
        with self.assertRaises(IllegalTransition):
            messages_transition(OutgoingMessage.objects.all(), old=[S.QUEUED, S.SENT], new=S.CANCELLED)
        message.refresh_from_db()
        self.assertEqual(message.status, S.SENT)

    def test_the_model_form_cannot_edit_the_state(self):
        field = OutgoingMessage._meta.get_field("status")
        self.assertFalse(field.editable)


class ClaimTestCase(TestCase):
    def setUp(self):
        from modem.models import Modem

        self.mine = Modem.objects.create(name="a", port="/dev/a")
        self.other = Modem.objects.create(name="b", port="/dev/b")

    def claim(self, modem):
        import datetime

        from django.utils import timezone

        from messaging.services import messages_claim

        return messages_claim(modem=modem, now=timezone.now(), today=datetime.date.today() + datetime.timedelta(1))

    def test_a_taken_over_claim_can_no_longer_be_handed_or_sent(self):
        from django.utils import timezone

        from messaging.services import message_mark_handed, message_mark_sent, messages_recover_abandoned

        make_message(S.QUEUED)
        (mine,) = self.claim(self.mine)
        messages_recover_abandoned(modems=[self.mine])  # another worker thought we were dead
        (theirs,) = self.claim(self.other)
        self.assertFalse(message_mark_handed(mine, now=timezone.now()))
        self.assertFalse(message_mark_sent(mine, references=[1], now=timezone.now()))
        self.assertTrue(message_mark_handed(theirs, now=timezone.now()))

    def test_a_late_confirmation_settles_a_message_recovered_as_unknown(self):
        from django.utils import timezone

        from messaging.services import message_mark_handed, message_mark_sent, messages_recover_abandoned

        make_message(S.QUEUED)
        (mine,) = self.claim(self.mine)
        message_mark_handed(mine, now=timezone.now())
        messages_recover_abandoned(modems=[self.mine])
        self.assertEqual(OutgoingMessage.objects.get(pk=mine.pk).status, S.UNKNOWN)
        self.assertTrue(message_mark_sent(mine, references=[7], now=timezone.now()))
        self.assertEqual(OutgoingMessage.objects.get(pk=mine.pk).status, S.SENT)

    def test_claims_of_a_worker_whose_heartbeat_stopped_return_within_a_minute(self):
        import datetime

        from django.utils import timezone

        from messaging.services import CLAIM_EXPIRES, messages_recover_abandoned
        from modem.models import Modem

        self.assertLessEqual(CLAIM_EXPIRES, datetime.timedelta(minutes=1))
        now = timezone.now()
        Modem.objects.filter(pk=self.mine.pk).update(heartbeat_at=now)
        make_message(S.QUEUED)
        (mine,) = self.claim(self.mine)
        self.assertEqual(messages_recover_abandoned(now=now), (0, 0))
        # Still beating a minute later (a slow send): its claim holds, however old.
        later = now + CLAIM_EXPIRES + datetime.timedelta(seconds=15)
        Modem.objects.filter(pk=self.mine.pk).update(heartbeat_at=later - datetime.timedelta(seconds=5))
        self.assertEqual(messages_recover_abandoned(now=later), (0, 0))
        # Silent since then: the claim goes back to the queue.
        much_later = later + CLAIM_EXPIRES
        self.assertEqual(messages_recover_abandoned(now=much_later), (1, 0))
        self.assertEqual(OutgoingMessage.objects.get(pk=mine.pk).status, S.QUEUED)

    def test_a_handed_message_of_a_silent_worker_becomes_unknown(self):
        import datetime

        from django.utils import timezone

        from messaging.services import CLAIM_EXPIRES, message_mark_handed, messages_recover_abandoned

        make_message(S.QUEUED)
        (mine,) = self.claim(self.mine)
        message_mark_handed(mine, now=timezone.now(), segments=2)
        later = timezone.now() + CLAIM_EXPIRES + datetime.timedelta(seconds=1)
        self.assertEqual(messages_recover_abandoned(now=later), (0, 1))
        message = OutgoingMessage.objects.get(pk=mine.pk)
        self.assertEqual((message.status, message.segments), (S.UNKNOWN, 2))


class DeliveryReportTestCase(TestCase):
    def test_a_report_goes_to_the_newest_part_with_its_reference_and_number(self):
        import datetime

        from django.utils import timezone

        from messaging.models import SentPart
        from messaging.reports import Report, delivery_reports_record
        from modem.models import Modem

        modem = Modem.objects.create(name="a", port="/dev/a")
        now = timezone.now()
        older = make_message(S.SENT)
        newer = make_message(S.SENT)
        other = OutgoingMessage.objects.create(phone="+59171111111", text="x")
        OutgoingMessage.objects.filter(pk=other.pk).update(status=S.SENT)
        for message, minutes in [(older, 60), (newer, 5), (other, 1)]:
            SentPart.objects.create(
                message=message,
                sequence=1,
                modem=modem,
                reference=42,
                sent_at=now - datetime.timedelta(minutes=minutes),
            )
        # The number as modems often report it: national form.
        settled = delivery_reports_record(modem=modem, reports=[Report(42, 0, True, True, "70000288")], now=now)
        self.assertEqual(settled, {newer.pk})
        self.assertEqual(OutgoingMessage.objects.get(pk=newer.pk).status, S.DELIVERED)
        self.assertEqual(OutgoingMessage.objects.get(pk=older.pk).status, S.SENT)
        self.assertEqual(OutgoingMessage.objects.get(pk=other.pk).status, S.SENT)
