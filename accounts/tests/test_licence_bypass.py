"""Attacks on the licence: clearing an expired key in the database, and signing a key with
one's own key pair."""

import datetime

import time_machine
from django.conf import settings
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils.translation import gettext

from accounts.licensing import LicenceError, key_issue, key_verify, keypair_generate
from accounts.models import Licence
from accounts.services import licence_current, licence_register
from accounts.tests.test_lockout import settings_in_process
from smsmotor.test import BaseTestCase, licence_install, licence_key

TODAY = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


@time_machine.travel(TODAY, tick=False)
class ClearedKeyTestCase(BaseTestCase):
    def setUp(self):
        licence_install(expires_on=datetime.date(2026, 11, 1))
        self.assertFalse(licence_current().ok)

    def test_clearing_an_expired_key_does_not_make_it_valid(self):
        Licence.objects.update(key="", expires_on=None, company_name="")
        state = licence_current()
        self.assertFalse(state.ok)
        self.assertTrue(state.registered)
        self.assertEqual(state.text, gettext("the licence key was removed"))

    def test_deleting_the_licence_row_does_not_either(self):
        Licence.objects.all().delete()
        self.assertFalse(licence_current().ok)

    def test_the_pages_keep_saying_that_loads_and_sends_are_stopped(self):
        Licence.objects.update(key="")
        self.login(self.alice)
        response = self.client.get(reverse("accounts:server"))
        self.assertContains(response, 'data-testid="licence-banner"')
        self.assertContains(response, gettext("the licence key was removed"))

    def test_a_new_valid_key_makes_it_valid_again(self):
        Licence.objects.update(key="")
        licence_register(key=licence_key(expires_on=datetime.date(2027, 12, 31)), by=self.alice)
        self.assertTrue(licence_current().ok)

    def test_an_installation_never_registered_still_runs_unregistered(self):
        from accounts.models import AuditEntry

        AuditEntry.objects.all().delete()  # as on a fresh installation
        Licence.objects.update(key="")
        state = licence_current()
        self.assertEqual((state.ok, state.registered), (True, False))


class ForeignKeyPairTestCase(SimpleTestCase):
    """The customer makes a key pair, signs a PERPETUAL key and points the installation at
    their own public key."""

    def setUp(self):
        self.private, self.public = keypair_generate()
        self.key = key_issue(
            private_key=self.private, company="Pirata", installed_on=datetime.date(2026, 1, 1), expires_on=None
        )

    def test_the_vendors_key_is_in_the_code(self):
        self.assertEqual(settings_in_process("LICENCE_PUBLIC_KEY"), settings.LICENCE_VENDOR_PUBLIC_KEY)
        self.assertTrue(settings.LICENCE_VENDOR_PUBLIC_KEY)

    def test_a_key_from_a_foreign_pair_is_refused_by_the_vendors_key(self):
        vendor = override_settings(LICENCE_PUBLIC_KEY=settings.LICENCE_VENDOR_PUBLIC_KEY)
        with vendor, self.assertRaises(LicenceError):
            key_verify(self.key)

    def test_production_refuses_a_public_key_from_the_environment(self):
        with self.assertRaises(RuntimeError) as caught:
            settings_in_process("LICENCE_PUBLIC_KEY", LICENCE_PUBLIC_KEY=self.public)
        self.assertIn("LICENCE_PUBLIC_KEY", str(caught.exception))
        # Not even by turning DEBUG on: production settings force it off.
        with self.assertRaises(RuntimeError):
            settings_in_process("LICENCE_PUBLIC_KEY", LICENCE_PUBLIC_KEY=self.public, DEBUG="true")

    def test_the_plain_settings_take_one_only_for_development(self):
        environment = {"DJANGO_SETTINGS_MODULE": "smsmotor.settings", "LICENCE_PUBLIC_KEY": self.public}
        with self.assertRaises(RuntimeError):
            settings_in_process("LICENCE_PUBLIC_KEY", **environment, DEBUG="false")
        self.assertEqual(settings_in_process("LICENCE_PUBLIC_KEY", **environment, DEBUG="true"), self.public)
