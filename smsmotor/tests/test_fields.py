"""The encrypted field when the server's key changes: nothing crashes, nothing is lost."""

from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings

from accounts.mail import MailError, mail_connection
from accounts.models import ServerSettings
from modem.models import Modem
from smsmotor.fields import is_unreadable
from smsmotor.test import BaseTestCase


class EncryptedFieldTestCase(BaseTestCase):
    def stored_pin(self) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pin FROM modem_modem")
            return cursor.fetchone()[0]

    def test_a_secret_saved_with_another_key_reads_empty_and_is_kept(self):
        Modem.objects.create(name="Entel 1", port="/dev/ttyUSB0", pin="4831")
        token = self.stored_pin()
        with override_settings(ENCRYPTION_KEY=Fernet.generate_key().decode()):
            modem = Modem.objects.get()
            self.assertEqual(modem.pin, "")
            self.assertTrue(is_unreadable(modem.pin))
            modem.name = "Entel 2"
            modem.save()  # saving the rest does not wipe it
            self.assertEqual(self.stored_pin(), token)
        self.assertEqual(Modem.objects.get().pin, "4831")  # the right key brings it back

    def test_the_mail_says_to_enter_the_password_again(self):
        ServerSettings.objects.update_or_create(pk=1, defaults={"smtp_host": "mail.empresa.bo", "smtp_password": "x"})
        with override_settings(ENCRYPTION_KEY=Fernet.generate_key().decode()), self.assertRaises(MailError) as caught:
            mail_connection()
        self.assertIn("ENCRYPTION_KEY", str(caught.exception))

    def test_lookups_and_updates_go_through_the_encryption(self):
        Modem.objects.create(name="Entel 1", port="/dev/ttyUSB0")
        Modem.objects.update(pin="1111")
        self.assertNotEqual(self.stored_pin(), "1111")
        self.assertEqual(Modem.objects.values_list("pin", flat=True).get(), "1111")
        self.assertTrue(Modem.objects.exclude(pin="").exists())
