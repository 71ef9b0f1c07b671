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

    def log_in_with_password(self, username: str, password: str) -> bool:
        """Through the login page, as a person does (and as django-axes counts)."""
        from django.urls import reverse

        self.client.logout()
        self.client.post(reverse("login"), {"username": username, "password": password})
        return "_auth_user_id" in self.client.session


class SmtpServer:
    """A real SMTP server on loopback (aiosmtpd) for tests: keeps what it receives.

    `user`/`password` make it require AUTH LOGIN/PLAIN (wrong ones get 535); `refuse_sender`
    answers 553 to that MAIL FROM. stop() and start() again on the same port simulate a server
    that is down and comes back.
    """

    def __init__(self, *, user: str = "", password: str = "", refuse_sender: str = ""):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.user, self.password, self.refuse_sender = user, password, refuse_sender
        self.received: list = []
        self.controller = None

    def start(self) -> "SmtpServer":
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        server = self

        class Handler:
            async def handle_MAIL(self, smtp, session, envelope, address, mail_options):
                if server.refuse_sender and address == server.refuse_sender:
                    return "553 5.7.1 Sender address rejected: not owned by user"
                envelope.mail_from = address
                return "250 OK"

            async def handle_DATA(self, smtp, session, envelope):
                server.received.append(envelope)
                return "250 OK"

        def authenticate(smtp, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == self.user and auth_data.password.decode() == self.password
            return AuthResult(success=ok, handled=False)

        options = {}
        if self.user:
            options = {"auth_require_tls": False, "authenticator": authenticate, "auth_required": True}
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def as_default_mail_server(self, test_case) -> "SmtpServer":
        """Start it and make it the environment's mail server for `test_case` (stopped after)."""
        from django.test import override_settings

        self.start()
        test_case.addCleanup(self.stop)
        test_case.enterContext(
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=self.port,
            )
        )
        return self

    def messages(self) -> list:
        """The received e-mails, parsed (email.message.EmailMessage)."""
        import email
        import email.policy

        return [email.message_from_bytes(item.content, policy=email.policy.default) for item in self.received]


# The private half of settings_test's LICENCE_PUBLIC_KEY: signs licences in tests only.
TEST_LICENCE_PRIVATE_KEY = "XmqU52u84VlgWu1KtzlgvAKCxbotwle1L3zS3uME9xQ"


def licence_key(company: str = "Créditos Ñandú", expires_on=None, installed_on=None) -> str:
    import datetime

    from accounts.licensing import key_issue

    return key_issue(
        private_key=TEST_LICENCE_PRIVATE_KEY,
        company=company,
        installed_on=installed_on or datetime.date(2026, 1, 5),
        expires_on=expires_on,
    )


def licence_install(company: str = "Créditos Ñandú", expires_on=None) -> str:
    """Register a licence signed with the test key, as the Server tab would."""
    from accounts.services import licence_register

    key = licence_key(company, expires_on)
    licence_register(key=key, by=None)
    return key
