import random

import phonenumbers
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from messaging.phones import normalize_phone


class NormalizePhoneTestCase(SimpleTestCase):
    def test_every_usual_bolivian_form_gives_e164(self):
        for raw in ["70000288", "591 70000288", "+591-700-00288", "+591 (700) 00288", "59170000288", " 700.002.88 "]:
            with self.subTest(raw=raw):
                self.assertEqual(normalize_phone(raw), "+59170000288")

    def test_the_fast_path_agrees_with_the_library(self):
        numbers = [str(random.Random(seed).randint(60000000, 79999999)) for seed in range(2000)]
        for number in numbers:
            expected = phonenumbers.format_number(phonenumbers.parse(number, "BO"), phonenumbers.PhoneNumberFormat.E164)
            self.assertEqual(normalize_phone(number), expected)

    def test_other_numbers_go_through_the_library(self):
        self.assertEqual(normalize_phone("+54 9 11 2345-6789"), "+5491123456789")
        self.assertEqual(normalize_phone("33319991"), "+59133319991")  # a Santa Cruz landline
        for bad in ["12345", "80000000", "", "abc"]:
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                normalize_phone(bad)
