"""A server-module user (not a superuser) trying to become more than that: superuser, staff,
modules or permissions they do not hold, or another superuser's account."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext

from accounts import services
from accounts.forms import UserCreateForm
from accounts.modules import Module, granted_modules
from smsmotor.test import PASSWORD, BaseTestCase

User = get_user_model()


class PrivilegeTestCase(BaseTestCase):
    def setUp(self):
        self.root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
        self.login(self.alice)

    def admin_change(self, user, **fields) -> dict:
        """The admin's change form of `user`, filled as it is, plus `fields`."""
        data = {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": "on",
            "date_joined_0": "2026-11-24",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-11-24",
            "initial-date_joined_1": "10:00:00",
        }
        return {**data, **fields}

    def test_it_cannot_make_itself_superuser_in_the_admin(self):
        url = reverse("admin:accounts_user_change", args=[self.alice.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="is_superuser"')
        self.assertNotContains(page, 'name="user_permissions"')
        every_permission = list(Permission.objects.values_list("pk", flat=True))
        response = self.client.post(
            url,
            self.admin_change(
                self.alice,
                first_name="Alicia",
                is_superuser="on",
                is_staff="on",
                groups=list(Group.objects.values_list("pk", flat=True)),
                user_permissions=every_permission,
            ),
        )
        self.assertEqual(response.status_code, 302)  # saved: the name, nothing else
        alice = User.objects.get(pk=self.alice.pk)
        self.assertEqual(alice.first_name, "Alicia")
        self.assertFalse(alice.is_superuser)
        self.assertFalse(alice.user_permissions.exists())
        self.assertEqual(granted_modules(alice), {Module.SERVER})
        self.assertFalse(alice.has_perm(Module.OPERATOR.permission))

    def test_it_cannot_make_another_user_superuser_either(self):
        url = reverse("admin:accounts_user_change", args=[self.bob.pk])
        self.client.post(url, self.admin_change(self.bob, is_superuser="on", is_staff="on"))
        bob = User.objects.get(pk=self.bob.pk)
        self.assertEqual((bob.is_superuser, bob.is_staff), (False, False))

    def test_it_cannot_take_over_a_superuser(self):
        change = reverse("admin:accounts_user_change", args=[self.root.pk])
        self.assertNotContains(self.client.get(change), 'name="_save"')  # shown, read-only
        self.assertEqual(self.client.post(change, self.admin_change(self.root, email="x@x.bo")).status_code, 403)
        password = reverse("admin:auth_user_password_change", args=[self.root.pk])
        response = self.client.post(password, {"password1": "Tomado-12345", "password2": "Tomado-12345"})
        self.assertEqual(response.status_code, 403)
        delete = reverse("admin:accounts_user_delete", args=[self.root.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        root = User.objects.get(pk=self.root.pk)
        self.assertTrue(root.check_password(PASSWORD))
        self.assertEqual(root.email, "root@example.org")

    def test_it_cannot_give_groups_more_permissions(self):
        operator = Group.objects.get(name=Module.OPERATOR.group_name)
        url = reverse("admin:auth_group_change", args=[operator.pk])
        response = self.client.post(
            url, {"name": operator.name, "permissions": list(Permission.objects.values_list("pk", flat=True))}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(operator.permissions.count(), 1)
        self.assertEqual(self.client.post(reverse("admin:auth_group_add"), {"name": "Todo"}).status_code, 403)

    def test_the_users_tab_does_not_let_it_change_a_superuser(self):
        users = list(User.objects.order_by("username"))
        data = {"form-TOTAL_FORMS": len(users), "form-INITIAL_FORMS": len(users)}
        for i, user in enumerate(users):
            data[f"form-{i}-user_id"] = user.pk
            if user.is_active and user != self.root:  # root: disabled
                data[f"form-{i}-enabled"] = "on"
            data[f"form-{i}-modules"] = [m.value for m in granted_modules(user)]
        response = self.client.post(reverse("accounts:users_save"), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, gettext("Only a superuser can change a superuser."))
        self.assertTrue(User.objects.get(pk=self.root.pk).is_active)

    def test_the_service_gives_only_what_the_editor_holds(self):
        with self.assertRaises(PermissionDenied):
            services.user_set_access(user=self.charlie, enabled=True, modules={Module.SERVER}, by=self.bob)
        with self.assertRaises(PermissionDenied):
            services.user_set_access(user=self.root, enabled=False, modules=set(), by=self.alice)
        self.assertFalse(self.charlie.is_staff)
        # What it holds, it may give: the server module includes the operator's pages.
        services.user_set_access(user=self.charlie, enabled=True, modules={Module.OPERATOR}, by=self.alice)
        self.assertEqual(granted_modules(User.objects.get(pk=self.charlie.pk)), {Module.OPERATOR})

    def test_creating_a_user_gives_only_what_the_editor_holds(self):
        data = {"username": "nuevo", "password1": "Clave-Larga-987", "password2": "Clave-Larga-987"}
        form = UserCreateForm({**data, "modules": ["server"]}, editor=self.bob)
        self.assertIn("modules", form.errors)
        self.assertTrue(UserCreateForm({**data, "modules": ["server"]}, editor=self.alice).is_valid())

    def test_a_superuser_still_can(self):
        self.login(self.root)
        url = reverse("admin:accounts_user_change", args=[self.alice.pk])
        self.assertContains(self.client.get(url), 'name="is_superuser"')
        self.client.post(url, self.admin_change(self.alice, is_superuser="on", is_staff="on"))
        self.assertTrue(User.objects.get(pk=self.alice.pk).is_superuser)
