"""The base test case: alice administers (server module), bob operates, charlie has no module."""

from django.contrib.auth import get_user_model
from django.test import TestCase

from accounts import services
from accounts.modules import Module

PASSWORD = "correct horse battery staple"


def make_user(username: str, modules: set[Module], enabled: bool = True):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.org")
    services.user_set_access(user=user, enabled=enabled, modules=modules, by=None)
    return get_user_model().objects.get(pk=user.pk)


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alice = make_user("alice", {Module.SERVER})
        cls.bob = make_user("bob", {Module.OPERATOR})
        cls.charlie = make_user("charlie", set())

    def login(self, user) -> None:
        self.client.force_login(user)
