"""Results the system stores are shown in the reader's language, not in the writer's."""

from django.test import TestCase
from django.utils import translation
from django.utils.translation import gettext_noop

from messaging.models import MessageStatus, OutgoingMessage
from messaging.services import message_transition
from smsmotor.texts import Text, render


class StoredTextTestCase(TestCase):
    def test_it_renders_nested_texts_in_the_active_language(self):
        reason = Text(
            gettext_noop("Message %(id)d failed: %(reason)s"),
            id=7,
            reason=Text(
                "%(reason)s (%(detail)s)",
                reason=Text(gettext_noop("Temporary network failure.")),
                detail="+CMS ERROR: 41",
            ),
        )
        stored = reason.stored()
        with translation.override("en"):
            self.assertEqual(render(stored), "Message 7 failed: Temporary network failure. (+CMS ERROR: 41)")
        with translation.override("es"):
            self.assertIn("mensaje 7", render(stored))
            self.assertIn("+CMS ERROR: 41", render(stored))
            self.assertNotIn("Temporary", render(stored))

    def test_a_count_without_a_plural_form_is_still_a_parameter(self):
        text = Text(gettext_noop("Sending paused for %(minutes)d minutes: %(reason)s"), minutes=10, reason="x")
        paused = Text(
            gettext_noop(
                "Paused for %(minutes)d min after %(count)d failed sends in a row; the other lines send its "
                "messages meanwhile. Last error: %(reason)s"
            ),
            minutes=10,
            count=5,
            reason=text,
        )
        with translation.override("es"):
            self.assertTrue(render(paused.stored()).startswith("En pausa por 10 min después de 5 envíos fallidos"))
            self.assertNotIn("%(", render(paused.stored()))

    def test_a_result_written_by_a_spanish_worker_reads_in_english(self):
        message = OutgoingMessage.objects.create(phone="+59170000288", text="Hola")
        message_transition(message.pk, old=MessageStatus.PENDING, new=MessageStatus.QUEUED)
        reason = Text(gettext_noop("The network is congested."))
        with translation.override("es"):
            OutgoingMessage.objects.filter(pk=message.pk).update(result=str(reason), result_text=reason.stored())
        message.refresh_from_db()
        with translation.override("en"):
            self.assertEqual(message.result_display, "The network is congested.")
        with translation.override("es"):
            self.assertNotEqual(message.result_display, "The network is congested.")

    def test_an_older_plain_result_is_shown_as_it_was_written(self):
        message = OutgoingMessage(result="Texto antiguo")
        self.assertEqual(message.result_display, "Texto antiguo")
        self.assertEqual(render({"text": "%(broken)s"}, "x"), "%(broken)s")


class ReaderLanguageTestCase(TestCase):
    """Load notes and audit entries written in one language read in the other."""

    def test_a_rejected_row_reads_in_the_readers_language(self):
        from loads.services import LoadPlan, _error_text
        from messaging.phones import normalize_phone

        plan = LoadPlan()
        with translation.override("en"):
            try:
                normalize_phone("12")
            except Exception as error:
                plan.reject(5, _error_text(error))
        item = plan.rejected[0]
        self.assertIn("12", item["reason"])
        with translation.override("es"):
            self.assertIn("número", render(item["reason_stored"], item["reason"]))

    def test_an_audit_entry_shows_its_target_and_detail_as_sentences(self):
        from accounts.audit import audit, detail_lines
        from accounts.models import AuditEntry

        with translation.override("es"):
            audit(
                user=None,
                action="SETTINGS",
                target=Text(gettext_noop("Messages tab")),
                detail={"_model": "messaging.messagingsettings", "sending_enabled": {"from": True, "to": False}},
            )
        entry = AuditEntry.objects.get()
        with translation.override("en"):
            self.assertEqual(entry.target_display, "Messages tab")
            self.assertEqual(detail_lines(entry.detail), ["Sending on: yes → no"])
        with translation.override("es"):
            self.assertNotEqual(entry.target_display, "Messages tab")
            self.assertNotIn("True", " ".join(detail_lines(entry.detail)))
