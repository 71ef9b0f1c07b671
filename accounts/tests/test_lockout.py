"""The login lockout behind the proxy: counted per user and real client address.

Every request reaches the application from nginx on 127.0.0.1; the client's address is in
X-Forwarded-For, which nginx writes. The headers used are the production settings' own, read
from a process started with them, so the test breaks if production stops reading the header
(or if django-ipware, which django-axes needs for it, is missing)."""

import json
import os
import subprocess
import sys

from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from smsmotor.test import PASSWORD, BaseTestCase

PROXY = "127.0.0.1"
ATTACKER = "203.0.113.5"
ALICE_AT_HOME = "198.51.100.7"


def settings_in_process(name: str, **environment) -> object:
    """A setting as a process started with `environment` computes it (by default with
    smsmotor.settings_production); RuntimeError with the last line of its error if it refuses."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AXES_", "DJANGO_", "LICENCE_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "smsmotor.settings_production", "SECRET_KEY": "x" * 60, **environment}
    code = f"import json; from django.conf import settings; print(json.dumps(settings.{name}))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    if result.returncode:
        raise RuntimeError(result.stderr.strip().splitlines()[-1])
    return json.loads(result.stdout)


class ForwardedLockoutTestCase(BaseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.headers = settings_in_process("AXES_IPWARE_META_PRECEDENCE_ORDER")
        cls.enterClassContext(override_settings(AXES_IPWARE_META_PRECEDENCE_ORDER=cls.headers))

    def log_in(self, username: str, password: str, client_ip: str):
        self.client.logout()
        return self.client.post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=client_ip,
        )

    def test_production_reads_the_address_the_proxy_forwards(self):
        self.assertEqual(self.headers[0], "HTTP_X_FORWARDED_FOR")

    def test_five_bad_passwords_lock_out_that_address_only(self):
        for _attempt in range(5):
            self.log_in("alice", "not-her-password", ATTACKER)
        self.assertEqual(self.log_in("alice", PASSWORD, ATTACKER).status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)
        # Alice herself, from another address through the same proxy, still gets in.
        response = self.log_in("alice", PASSWORD, ALICE_AT_HOME)
        self.assertEqual(response.status_code, 302)
        self.assertIn("_auth_user_id", self.client.session)
        # The attempts were counted against the real client, never the proxy.
        self.assertEqual(set(AccessAttempt.objects.values_list("ip_address", flat=True)), {ATTACKER})

    def test_the_attacker_is_still_locked_out_after_alice_logs_in(self):
        for _attempt in range(5):
            self.log_in("alice", "wrong", ATTACKER)
        self.log_in("alice", PASSWORD, ALICE_AT_HOME)
        self.assertEqual(self.log_in("alice", PASSWORD, ATTACKER).status_code, 429)

    def test_the_lockout_is_per_user_and_address(self):
        for _attempt in range(5):
            self.log_in("alice", "wrong", ATTACKER)
        # The same address may still log in as someone else (an office behind one NAT).
        self.assertEqual(self.log_in("bob", PASSWORD, ATTACKER).status_code, 302)
