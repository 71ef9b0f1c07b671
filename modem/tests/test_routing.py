"""Routing by operator, and a failing modem taken out of rotation."""

import datetime

from django.test import TestCase
from django.utils import timezone

from messaging.models import MessageStatus as S
from messaging.models import MessagingSettings, OutgoingMessage
from messaging.services import messages_claim
from modem.models import Modem, ModemState
from modem.routing import modem_prefixes, operator_of, reserved_for_others
from modem.tests.test_worker import WorkerTestCase, queue

ENTEL, TIGO, VIVA = "+59171000001", "+59176000001", "+59170000001"


def working(name: str, operator: str, **fields) -> Modem:
    return Modem.objects.create(
        name=name, port=f"/dev/{name}", operator=operator, state=ModemState.READY, heartbeat_at=timezone.now(), **fields
    )


class RoutingTestCase(TestCase):
    def test_prefixes_come_from_the_operator_or_the_modem_tab(self):
        self.assertIn("71", modem_prefixes(Modem(operator="ENTEL")))
        self.assertIn("76", modem_prefixes(Modem(operator="Tigo Bolivia")))
        self.assertEqual(modem_prefixes(Modem(operator="ENTEL", route_prefixes="71, 72 ;73")), {"71", "72", "73"})
        self.assertEqual(modem_prefixes(Modem(operator="")), set())

    def test_a_worker_leaves_other_working_operators_numbers_to_them(self):
        entel, tigo = working("entel", "ENTEL"), working("tigo", "TIGO")
        working("viva", "VIVA", enabled=False)
        self.assertEqual(operator_of(TIGO, [entel, tigo]), tigo)
        left = reserved_for_others(entel)
        self.assertIn("+59176", left)
        self.assertNotIn("+59171", left)
        self.assertNotIn("+59170", left)  # Viva's modem is disabled: its numbers are anyone's
        # Tigo's worker stops beating, or is taken out of rotation: its numbers are anyone's.
        Modem.objects.filter(pk=tigo.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=5))
        self.assertEqual(reserved_for_others(entel), [])
        Modem.objects.filter(pk=tigo.pk).update(heartbeat_at=timezone.now(), state=ModemState.ERROR)
        self.assertEqual(reserved_for_others(entel), [])

    def test_claims_skip_the_numbers_left_to_others(self):
        entel = working("entel", "ENTEL")
        for phone in [TIGO, ENTEL, VIVA]:
            message = OutgoingMessage.objects.create(phone=phone, text="Hola", status=S.QUEUED)
        claimed = messages_claim(
            modem=entel, now=timezone.now(), today=timezone.localdate(), limit=10, leave_prefixes=["+59176", "+59170"]
        )
        self.assertEqual([m.phone for m in claimed], [ENTEL])
        self.assertEqual(OutgoingMessage.objects.filter(status=S.QUEUED).count(), 2)
        self.assertTrue(message.pk)


class RoutingWorkerTestCase(WorkerTestCase):
    def test_with_routing_on_the_worker_sends_only_its_operators_numbers_while_the_other_works(self):
        MessagingSettings.objects.filter(pk=1).update(route_by_operator=True)
        self.worker.settings = MessagingSettings.load()  # what housekeeping reads every second
        tigo = working("tigo", "TIGO")
        queue(TIGO, "Para Tigo")
        queue(ENTEL, "Para Entel")
        queue("+59180000001", "Sin operadora conocida")
        self.assertEqual(self.send_all(), 2)  # the simulated modem is on ENTEL
        self.assertEqual(sorted(part.text for part in self.sim.sent), ["Para Entel", "Sin operadora conocida"])
        self.assertEqual(OutgoingMessage.objects.get(phone=TIGO).status, S.QUEUED)
        # The Tigo modem goes silent: its message leaves through this one.
        Modem.objects.filter(pk=tigo.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=5))
        self.assertEqual(self.send_all(), 1)
        self.assertIn("Para Tigo", [part.text for part in self.sim.sent])

    def test_a_modem_that_keeps_failing_is_taken_out_of_rotation(self):
        self.sim.set(cms_error_rate=1.0, error_code=42)  # network congestion, every time
        messages = [queue(f"+5917100001{i}", f"Hola {i}") for i in range(8)]
        self.send_all()
        self.modem.refresh_from_db()
        self.assertEqual(self.modem.state, ModemState.ERROR)
        self.assertIn("En pausa por 10 min después de 5 envíos fallidos seguidos", self.modem.last_error)
        self.assertFalse(self.worker.sending_allowed())
        states = {OutgoingMessage.objects.get(pk=m.pk).status for m in messages}
        self.assertEqual(states, {S.QUEUED})  # nothing lost: waiting for another modem or a retry
        self.assertEqual(OutgoingMessage.objects.filter(attempts=1).count(), 5)
        # Other workers no longer leave this modem's numbers to it.
        other = working("tigo", "TIGO")
        self.assertEqual(reserved_for_others(other), [])
