"""Credit: balance answers by USSD and by SMS from the simulated modem, the daily schedule, the counter."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler

from accounts.modules import Module
from credit import services
from credit.models import BalanceQuery, CreditSettings, OperatorProfile, QueryStatus
from messaging.models import MessageStatus, OutgoingMessage
from modem import signals as modem_signals
from modem.models import CommandKind, Modem, ModemCommand
from modem.tests.test_worker import WorkerTestCase, queue
from smsmotor.test import BaseTestCase, SmtpServer, make_user


class ParseBalanceTestCase(BaseTestCase):
    def test_it_reads_the_amounts_operators_write(self):
        cases = {
            "Su saldo es Bs 12.50, vigente hasta 31/12/2026": Decimal("12.50"),
            "Tu saldo: Bs. 1.234,50. Paquetes: 0": Decimal("1234.50"),
            "SALDO PRINCIPAL 8,00 Bs vence 01/12": Decimal("8.00"),
            "Servicio no disponible": None,
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(services.parse_balance(text), expected)
        self.assertEqual(services.parse_balance("Credito=45 SMS", r"credito=(\d+)"), Decimal("45"))


class BalanceQueryWorkerTestCase(WorkerTestCase):
    def setUp(self):
        super().setUp()
        self.smtp = SmtpServer().as_default_mail_server(self)
        self.user = make_user("alice", {Module.SERVER})

    def test_a_ussd_answer_is_stored_parsed_and_e_mailed(self):
        entel = OperatorProfile.objects.get(name="Entel")
        query = services.balance_query_start(profile=entel, notify_email="gerencia@empresa.bo", by=self.user)
        self.worker.run_commands()
        query.refresh_from_db()
        self.assertEqual(query.status, QueryStatus.ANSWERED)
        self.assertEqual(query.answer, "Su saldo es Bs 12.50, vigente hasta 31/12/2026")
        self.assertEqual(query.balance, Decimal("12.50"))
        (mail,) = self.smtp.messages()
        self.assertEqual(mail["To"], "gerencia@empresa.bo")
        self.assertIn("Bs 12.50", mail.get_content())

    def test_a_ussd_error_is_a_failed_query_with_the_reason(self):
        profile = OperatorProfile.objects.create(name="Rara", method="USSD", ussd_code="*999#")
        query = services.balance_query_start(profile=profile, by=self.user)
        self.worker.run_commands()
        query.refresh_from_db()
        self.assertEqual(query.status, QueryStatus.FAILED)
        self.assertTrue(query.answer)

    def test_an_sms_answer_from_the_short_number_is_stored(self):
        profile = OperatorProfile.objects.create(name="Viva SMS", method="SMS", sms_number="105", sms_text="SALDO")
        query = services.balance_query_start(profile=profile, notify_email="gerencia@empresa.bo", by=self.user)
        self.assertEqual(self.send_all(), 1)
        (sent,) = self.sim.sent
        self.assertEqual((sent.number, sent.text), ("105", "SALDO"))
        self.sim.inject_sms("105", "Su saldo es Bs 3,20. Gracias por usar Viva")
        self.settle(1.0)
        query.refresh_from_db()
        self.assertEqual(query.status, QueryStatus.ANSWERED)
        self.assertEqual((query.balance, query.answer_phone), (Decimal("3.20"), "105"))
        self.assertTrue(any("Bs 3,20" in mail.get_content() for mail in self.smtp.messages()))

    def test_the_counter_counts_segments_and_takes_them_off_the_balance(self):
        CreditSettings.objects.update_or_create(pk=1, defaults={"balance": 100, "warning_threshold": 99})
        queue("+59170000001", "Hola")
        queue("+59170000002", "Estimado cliente " * 12)  # two segments
        self.send_all()
        self.worker.flush_counter()
        credit = CreditSettings.load()
        self.assertEqual((credit.counter, credit.balance), (3, 97))
        self.assertTrue(credit.below_threshold)


class ModemSignalsTestCase(BaseTestCase):
    """Credit listens to the worker (modem sits below credit and does not import it)."""

    def test_it_counts_the_segments_a_worker_reports(self):
        CreditSettings.objects.update_or_create(pk=1, defaults={"balance": 10})
        modem_signals.segments_sent.send(sender=None, segments=3)
        credit = CreditSettings.load()
        self.assertEqual((credit.counter, credit.balance), (3, 7))

    def test_a_finished_ussd_command_answers_its_query(self):
        Modem.objects.create(name="sim", port="/dev/null")
        query = services.balance_query_start(profile=OperatorProfile.objects.get(name="Entel"), by=self.alice)
        ModemCommand.objects.filter(pk=query.command_id).update(result={"text": "Saldo Bs 4.00", "status": 0})
        self.assertEqual(query.command.kind, CommandKind.USSD)
        modem_signals.command_finished.send(sender=None, command=query.command)
        query.refresh_from_db()
        self.assertEqual((query.status, query.balance), (QueryStatus.ANSWERED, Decimal("4.00")))


class CreditTabTestCase(BaseTestCase):
    def setUp(self):
        self.login(self.alice)

    def test_the_daily_query_is_a_schedule_that_fires(self):
        Modem.objects.create(name="sim", port="/dev/null")
        entel = OperatorProfile.objects.get(name="Entel")
        response = self.client.post(
            reverse("credit:daily"),
            {
                "daily-profile": entel.pk,
                "daily-automatic_query": "on",
                "daily-automatic_query_time": "08:30",
                "daily-notify_email": "gerencia@empresa.bo",
            },
        )
        self.assertEqual(response.status_code, 302)
        schedule = Schedule.objects.get(name=services.BALANCE_SCHEDULE)
        self.assertEqual(timezone.localtime(schedule.next_run).time(), datetime.time(8, 30))
        Schedule.objects.filter(name=services.BALANCE_SCHEDULE).update(next_run=timezone.now() - datetime.timedelta(1))
        scheduler()
        query = BalanceQuery.objects.get()
        self.assertTrue(query.automatic)
        self.assertEqual(query.command.argument, "*105#")
        # Turned off: the schedule goes.
        self.client.post(reverse("credit:daily"), {"daily-automatic_query_time": "08:30"})
        self.assertFalse(Schedule.objects.filter(name=services.BALANCE_SCHEDULE).exists())

    def test_the_tab_shows_answers_the_warning_and_resets_the_counter(self):
        CreditSettings.objects.update_or_create(pk=1, defaults={"counter": 42, "balance": 5, "warning_threshold": 10})
        BalanceQuery.objects.create(
            profile=OperatorProfile.objects.get(name="Tigo"),
            method="USSD",
            status=QueryStatus.ANSWERED,
            answer="Saldo Bs 7.00",
            balance=Decimal("7"),
            answered_at=timezone.now(),
        )
        page = self.client.get(reverse("credit:settings"))
        self.assertContains(page, "Saldo Bs 7.00")
        self.assertContains(page, 'data-testid="credit-warning"')
        self.assertContains(self.client.get(reverse("messaging:outgoing")), "Crédito: quedan 5 SMS")  # every page
        self.client.post(reverse("credit:counter_reset"))
        self.assertEqual(CreditSettings.load().counter, 0)

    def test_asking_without_a_modem_is_explained(self):
        response = self.client.post(
            reverse("credit:query"),
            {"query-profile": OperatorProfile.objects.get(name="Entel").pk},
            follow=True,
        )
        self.assertContains(response, "módem")
        self.assertFalse(BalanceQuery.objects.exists())

    def test_an_operator_gets_403(self):
        self.login(self.bob)
        self.assertEqual(self.client.post(reverse("credit:counter_reset")).status_code, 403)
        self.assertEqual(OutgoingMessage.objects.filter(status=MessageStatus.QUEUED).count(), 0)
