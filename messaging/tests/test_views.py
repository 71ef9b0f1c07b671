import datetime

import time_machine
from django.urls import reverse

from loads.models import Load, LoadType
from messaging.models import MessageStatus, MessagingSettings, OutgoingMessage
from messaging.services import message_transition
from smsmotor.test import BaseTestCase

TODAY = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(TODAY, tick=False)
class OutgoingTabTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.bobs_load = Load.objects.create(type=LoadType.EXCEL, created_by=cls.bob)
        cls.other_load = Load.objects.create(type=LoadType.MANUAL, created_by=cls.alice)
        cls.bobs = OutgoingMessage.objects.create(
            phone="+59170000288", text="Cuota 3", send_date=datetime.date(2026, 11, 20), load=cls.bobs_load
        )
        cls.others = OutgoingMessage.objects.create(
            phone="+59171111111", text="Cuota 4", send_date=datetime.date(2026, 11, 21), load=cls.other_load
        )
        cls.last_month = OutgoingMessage.objects.create(
            phone="+59170000288", text="Octubre", send_date=datetime.date(2026, 10, 30), load=cls.other_load
        )

    def shown(self, user, **params) -> set[int]:
        self.login(user)
        response = self.client.get(reverse("messaging:outgoing"), params)
        self.assertEqual(response.status_code, 200)
        return {message.pk for message in response.context["page"]}

    def test_it_shows_the_current_month_by_default(self):
        self.assertEqual(self.shown(self.alice), {self.bobs.pk, self.others.pk})

    def test_it_filters_by_load_across_dates(self):
        self.assertEqual(self.shown(self.alice, load=self.other_load.pk), {self.others.pk, self.last_month.pk})

    def test_it_filters_by_phone_in_any_usual_form(self):
        for phone in ["70000288", "591 70000288", "+591-700-00288"]:
            with self.subTest(phone=phone):
                self.assertEqual(self.shown(self.alice, phone=phone), {self.bobs.pk})

    def test_it_filters_by_state(self):
        message_transition(self.others.pk, old=MessageStatus.PENDING, new=MessageStatus.QUEUED)
        self.assertEqual(self.shown(self.alice, status="QUEUED"), {self.others.pk})

    def test_an_operator_sees_only_the_messages_of_their_loads(self):
        self.assertEqual(self.shown(self.bob), {self.bobs.pk})
        self.assertEqual(self.shown(self.bob, load=self.other_load.pk), set())

    def test_a_bad_phone_shows_a_clear_error_and_no_rows(self):
        self.login(self.alice)
        response = self.client.get(reverse("messaging:outgoing"), {"phone": "12ab"})
        self.assertContains(response, "no es un número de teléfono")
        self.assertEqual(len(response.context["page"]), 0)

    def test_the_table_shows_the_seed_columns(self):
        self.login(self.alice)
        response = self.client.get(reverse("messaging:outgoing"))
        for column in ["Estado", "Enviado", "Fecha de envío", "Teléfono", "Mensaje", "Resultado", "Tipo", "ID carga"]:
            self.assertContains(response, column)


class LoadHistoryTestCase(BaseTestCase):
    def test_an_operator_sees_only_their_own_loads(self):
        mine = Load.objects.create(type=LoadType.EXCEL, created_by=self.bob)
        Load.objects.create(type=LoadType.EXCEL, created_by=self.alice)
        self.login(self.bob)
        response = self.client.get(reverse("loads:history"))
        self.assertEqual([load.pk for load in response.context["page"]], [mine.pk])

    def test_the_server_module_sees_every_load(self):
        Load.objects.create(type=LoadType.EXCEL, created_by=self.bob)
        Load.objects.create(type=LoadType.AUTOMATIC)
        self.login(self.alice)
        self.assertEqual(len(self.client.get(reverse("loads:history")).context["page"]), 2)


class MessagesTabTestCase(BaseTestCase):
    def test_it_saves_the_settings(self):
        self.login(self.alice)
        response = self.client.post(
            reverse("messaging:settings"),
            {
                "send_on_startup": "on",
                "window_start": "07:30",
                "window_end": "21:00",
                "refresh_minutes": "5",
                "notify_email": "cobranzas@example.bo",
            },
        )
        self.assertRedirects(response, reverse("messaging:settings"))
        settings = MessagingSettings.load()
        self.assertEqual(settings.window_start, datetime.time(7, 30))
        self.assertEqual(settings.refresh_minutes, 5)
        self.assertFalse(settings.include_last_sent)

    def test_the_same_hour_at_both_ends_means_all_day(self):
        settings = MessagingSettings(window_start=datetime.time(8, 0), window_end=datetime.time(8, 0))
        self.assertTrue(settings.in_window(datetime.time(3, 0)))
        self.assertTrue(settings.in_window(datetime.time(8, 0)))

    def test_it_refuses_a_bad_refresh_interval(self):
        self.login(self.alice)
        response = self.client.post(
            reverse("messaging:settings"), {"window_start": "08:00", "window_end": "20:00", "refresh_minutes": "0"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)

    def test_the_switch_starts_and_stops_sending(self):
        self.login(self.alice)
        self.client.post(reverse("messaging:sending_switch"), {"sending": "off"})
        self.assertFalse(MessagingSettings.load().sending_enabled)
        self.client.post(reverse("messaging:sending_switch"), {"sending": "on"})
        self.assertTrue(MessagingSettings.load().sending_enabled)

    def test_the_refresh_interval_reaches_every_page(self):
        MessagingSettings.objects.update_or_create(pk=1, defaults={"refresh_minutes": 3})
        self.login(self.bob)
        self.assertContains(self.client.get(reverse("loads:history")), 'data-refresh-seconds="180"')

    def test_the_window_works_across_midnight(self):
        settings = MessagingSettings(window_start=datetime.time(22, 0), window_end=datetime.time(6, 0))
        self.assertTrue(settings.in_window(datetime.time(23, 0)))
        self.assertTrue(settings.in_window(datetime.time(5, 59)))
        self.assertFalse(settings.in_window(datetime.time(12, 0)))


class BadFilterInputTestCase(BaseTestCase):
    def test_absurd_filters_are_explained_not_a_server_error(self):
        self.login(self.alice)
        for params in [{"load": "100000000000000000000"}, {"load": "abc"}, {"page": "abc"}, {"date_from": "x"}]:
            with self.subTest(params=params):
                self.assertEqual(self.client.get(reverse("messaging:outgoing"), params).status_code, 200)
