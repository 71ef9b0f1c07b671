"""The one registry of which module opens which page (shell.pages.PAGES)."""

from django.test import override_settings
from django.urls import path, reverse

from accounts.tests.test_permissions import every_url
from shell import navigation
from shell.pages import BOTH, PAGES, PUBLIC, page_is_allowed
from shell.urls import urlpatterns
from smsmotor.test import BaseTestCase


def unregistered(request):
    raise AssertionError("never reached: a page missing from PAGES is closed")


urlpatterns = [*urlpatterns, path("unregistered/", unregistered, name="unregistered")]


class PagesTestCase(BaseTestCase):
    def test_it_names_every_page_and_only_pages_that_exist(self):
        names = {name for name, _url in every_url()}
        self.assertEqual(sorted(names - set(PAGES)), [])
        self.assertEqual(sorted(set(PAGES) - names), [])

    def test_the_tabs_take_their_modules_from_it(self):
        for tab in navigation.all_tabs():
            with self.subTest(tab=tab.url_name):
                self.assertIs(tab.modules, PAGES[tab.url_name])
                self.assertIsNot(tab.modules, PUBLIC)
        self.assertTrue(navigation.DATA_TABS[0].is_allowed(self.bob))
        self.assertEqual(PAGES["messaging:outgoing"], BOTH)

    def test_it_answers_for_a_user_and_a_page(self):
        self.assertTrue(page_is_allowed("loads:history", self.bob))
        self.assertFalse(page_is_allowed("credit:settings", self.bob))
        self.assertTrue(page_is_allowed("credit:settings", self.alice))
        self.assertFalse(page_is_allowed("home", self.charlie) and page_is_allowed("status", self.charlie))

    @override_settings(ROOT_URLCONF=__name__)
    def test_a_page_missing_from_it_is_closed_even_to_the_server_module(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("unregistered")).status_code, 403)
        self.assertEqual(self.client.get(reverse("credit:settings")).status_code, 200)
