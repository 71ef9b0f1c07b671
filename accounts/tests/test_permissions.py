"""The permission matrix: every page by every kind of user."""

from django.urls import reverse

from shell.navigation import all_tabs
from shell.pages import BOTH
from smsmotor.test import PASSWORD, BaseTestCase, make_user

SERVER_ONLY_EXTRA = ["admin:index", "admin:messaging_outgoingmessage_changelist", "admin:accounts_user_changelist"]


class PermissionMatrixTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from accounts.modules import Module

        cls.dave = make_user("dave", {Module.SERVER}, enabled=False)

    def urls(self):
        """(url, operator allowed?) for every tab of the shell and a few admin pages."""
        for tab in all_tabs():
            yield tab.url, tab.modules == BOTH
        for name in SERVER_ONLY_EXTRA:
            yield reverse(name), False

    def test_it_sends_anonymous_users_to_the_login_page(self):
        for url, _operator in self.urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("login", response["Location"])

    def test_the_server_module_opens_every_page(self):
        self.login(self.alice)
        for url, _operator in self.urls():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_operator_module_opens_its_pages_and_gets_403_elsewhere(self):
        self.login(self.bob)
        for url, operator in self.urls():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200 if operator else 403)

    def test_a_user_without_modules_gets_403_everywhere(self):
        self.login(self.charlie)
        for url, _operator in self.urls():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.get(reverse("home")).status_code, 403)

    def test_an_operator_cannot_post_to_server_pages(self):
        self.login(self.bob)
        response = self.client.post(reverse("messaging:sending_switch"), {"sending": "off"})
        self.assertEqual(response.status_code, 403)
        response = self.client.post(reverse("accounts:users_save"))
        self.assertEqual(response.status_code, 403)

    def test_an_operator_gets_403_from_the_admin_login_too(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("admin:login")).status_code, 403)

    def test_a_disabled_user_cannot_log_in(self):
        self.assertFalse(self.log_in_with_password("dave", "correct horse battery staple"))

    def test_the_403_page_is_in_spanish(self):
        self.login(self.bob)
        response = self.client.get(reverse("accounts:users"))
        self.assertContains(response, "Acceso denegado", status_code=403)

    def test_home_opens_the_first_page_of_the_module(self):
        self.login(self.bob)
        self.assertRedirects(self.client.get(reverse("home")), reverse("messaging:outgoing"))


class BruteForceTestCase(BaseTestCase):
    def test_repeated_bad_passwords_lock_the_user_out_even_with_the_right_one(self):
        for _attempt in range(5):
            self.assertFalse(self.log_in_with_password("alice", "not-her-password"))
        response = self.client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Demasiados intentos", status_code=429)
        self.assertContains(response, "15 minutos", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        # Another user from the same computer is not locked out.
        self.assertTrue(self.log_in_with_password("bob", PASSWORD))

    def test_a_good_password_resets_the_count(self):
        for _attempt in range(4):
            self.log_in_with_password("alice", "typo")
        self.assertTrue(self.log_in_with_password("alice", PASSWORD))
        for _attempt in range(4):
            self.log_in_with_password("alice", "typo")
        self.assertTrue(self.log_in_with_password("alice", PASSWORD))

    def test_csrf_is_enforced_on_the_login_and_on_settings(self):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        response = strict.post(reverse("login"), {"username": "alice", "password": PASSWORD})
        self.assertEqual(response.status_code, 403)
        strict.force_login(self.alice)
        self.assertEqual(strict.post(reverse("credit:counter_reset")).status_code, 403)


# Every page an operator may open (the operator module); everything else answers 403.
OPERATOR_PAGES = {
    "home",
    "status",
    "health",
    "login",
    "logout",
    "language",
    "messaging:outgoing",
    "messaging:outgoing_live",
    "loads:settings",
    "loads:excel_upload",
    "loads:excel_confirm",
    "loads:excel_cancel",
    "loads:excel_example",
    "loads:cancel",
    "loads:history",
}


def every_url():
    """(name, url) of every named page outside the admin, with sample arguments."""
    from django.urls import get_resolver

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                name = pattern.namespace or namespace
                if name != "admin":
                    yield from walk(pattern, prefix + str(pattern.pattern), name)
            elif pattern.name:
                route = prefix + str(pattern.pattern)
                route = route.replace("<int:pk>", "1").replace("<str:name>", "smsmotor-2026-11-24.log")
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), "/" + route

    yield from walk(get_resolver(), "", None)


class EveryUrlTestCase(BaseTestCase):
    def test_an_operator_gets_403_from_every_server_page_by_get_and_post(self):
        from modem.models import Modem

        Modem.objects.create(pk=1, name="m", port="/dev/null")
        self.login(self.bob)
        checked = 0
        for name, url in every_url():
            if name in OPERATOR_PAGES or name.startswith("api:"):
                continue  # the HTTP API ignores the session: Bearer keys only (api/tests/test_keys.py)
            with self.subTest(url=url):
                self.assertIn(self.client.get(url).status_code, (403, 405))  # 405: a POST-only action
                self.assertEqual(self.client.post(url, {"action": "save"}).status_code, 403)
                checked += 1
        self.assertGreaterEqual(checked, 25)

    def test_every_admin_page_is_closed_to_operators(self):
        from django.contrib import admin

        self.login(self.bob)
        for model in admin.site._registry:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
