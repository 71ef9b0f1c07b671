import re
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from accounts.modules import Module, granted_modules
from smsmotor.test import PASSWORD, BaseTestCase


class UsersTabTestCase(BaseTestCase):
    def rows(self, **changes) -> dict:
        """The Users tab's POST with every user as it is, then `changes` by username."""
        users = list(get_user_model().objects.order_by("username"))
        data = {"form-TOTAL_FORMS": len(users), "form-INITIAL_FORMS": len(users)}
        for i, user in enumerate(users):
            enabled, modules = changes.get(user.username, (user.is_active, granted_modules(user)))
            data[f"form-{i}-user_id"] = user.pk
            if enabled:
                data[f"form-{i}-enabled"] = "on"
            data[f"form-{i}-modules"] = [m.value for m in modules]
        return data

    def test_it_lists_every_user_with_their_modules(self):
        self.login(self.alice)
        response = self.client.get(reverse("accounts:users"))
        self.assertContains(response, "charlie")
        self.assertContains(response, "Módulo operador")

    def test_ticking_a_module_opens_its_pages(self):
        self.login(self.alice)
        response = self.client.post(reverse("accounts:users_save"), self.rows(charlie=(True, {Module.OPERATOR})))
        self.assertRedirects(response, reverse("accounts:users"))
        self.client.force_login(get_user_model().objects.get(username="charlie"))
        self.assertEqual(self.client.get(reverse("loads:history")).status_code, 200)
        self.assertEqual(self.client.get(reverse("accounts:users")).status_code, 403)

    def test_the_server_module_gives_the_admin_too(self):
        self.login(self.alice)
        self.client.post(reverse("accounts:users_save"), self.rows(bob=(True, {Module.SERVER})))
        bob = get_user_model().objects.get(username="bob")
        self.assertTrue(bob.is_staff)
        self.client.force_login(bob)
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)

    def test_unticking_enabled_locks_the_user_out(self):
        self.login(self.alice)
        self.client.post(reverse("accounts:users_save"), self.rows(bob=(False, {Module.OPERATOR})))
        self.assertFalse(get_user_model().objects.get(username="bob").is_active)
        self.assertFalse(self.log_in_with_password("bob", PASSWORD))

    def test_an_administrator_cannot_lock_themself_out(self):
        self.login(self.alice)
        for enabled, modules in [(False, {Module.SERVER}), (True, {Module.OPERATOR})]:
            response = self.client.post(reverse("accounts:users_save"), self.rows(alice=(enabled, modules)))
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.context["formset"].errors)
        alice = get_user_model().objects.get(username="alice")
        self.assertEqual((alice.is_active, granted_modules(alice)), (True, {Module.SERVER}))

    def test_it_creates_a_user_with_modules(self):
        self.login(self.alice)
        response = self.client.post(
            reverse("accounts:user_create"),
            {
                "username": "erika",
                "first_name": "Erika",
                "last_name": "Rojas",
                "email": "erika@example.bo",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "modules": ["operator"],
            },
        )
        self.assertRedirects(response, reverse("accounts:users"))
        erika = get_user_model().objects.get(username="erika")
        self.assertEqual(granted_modules(erika), {Module.OPERATOR})
        self.assertTrue(self.log_in_with_password("erika", PASSWORD))


class CreateAdminTestCase(BaseTestCase):
    def test_it_prints_a_password_that_logs_in_once(self):
        out = StringIO()
        call_command("create_admin", stdout=out)
        match = re.search(r"^\s*(?:password|contraseña):\s*(\S+)$", out.getvalue(), re.MULTILINE)
        password = match.group(1)
        self.assertTrue(self.log_in_with_password("admin", password))
        self.assertEqual(self.client.get(reverse("accounts:users")).status_code, 200)

        again = StringIO()
        call_command("create_admin", stdout=again)
        self.assertNotIn(password, again.getvalue())
        self.assertEqual(get_user_model().objects.filter(username="admin").count(), 1)


class UserActionsTestCase(BaseTestCase):
    """The Users tab's buttons: a new password shown once, and disabling a user."""

    def setUp(self):
        super().setUp()
        self.client.force_login(self.alice)

    def test_a_reset_password_is_shown_once_and_works(self):
        response = self.client.post(reverse("accounts:user_password_reset", args=[self.charlie.pk]), follow=True)
        shown = response.context["new_password"]
        self.assertEqual(shown["username"], self.charlie.username)
        self.charlie.refresh_from_db()
        self.assertTrue(self.charlie.check_password(shown["password"]))
        self.assertContains(response, shown["password"])
        again = self.client.get(reverse("accounts:users"))
        self.assertNotContains(again, shown["password"])  # not shown a second time

    def test_a_disabled_user_cannot_log_in_and_one_cannot_disable_oneself(self):
        self.client.post(reverse("accounts:user_enabled", args=[self.charlie.pk]))
        self.charlie.refresh_from_db()
        self.assertFalse(self.charlie.is_active)
        self.client.post(reverse("accounts:user_enabled", args=[self.charlie.pk]), {"enabled": "on"})
        self.charlie.refresh_from_db()
        self.assertTrue(self.charlie.is_active)
        response = self.client.post(reverse("accounts:user_enabled", args=[self.alice.pk]), follow=True)
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_active)
        self.assertContains(response, "alert-danger")
