"""Spanish unless the person chose otherwise, whatever the browser asks; the choice is kept."""

from django.urls import reverse

from smsmotor.test import BaseTestCase


class LanguageTestCase(BaseTestCase):
    def test_an_english_browser_gets_spanish_pages(self):
        self.client.force_login(self.alice)
        response = self.client.get(reverse("messaging:outgoing"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, 'lang="es"')

    def test_the_choice_is_saved_on_the_user_and_follows_them_to_another_browser(self):
        self.client.force_login(self.alice)
        response = self.client.post(reverse("language"), {"language": "en", "next": "/messages/outgoing/"})
        self.assertRedirects(response, "/messages/outgoing/", fetch_redirect_response=False)
        self.assertGreater(response.cookies["django_language"]["max-age"], 30 * 24 * 3600)  # outlives the browser
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.language, "en")
        self.client.cookies.clear()  # another browser, or the same one restarted
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(reverse("messaging:outgoing")), 'lang="en"')

    def test_a_date_input_shows_an_iso_value_in_spanish(self):
        self.client.force_login(self.alice)
        response = self.client.get(reverse("loads:settings"))
        self.assertRegex(response.content.decode(), r'type="date" name="reference_date" value="\d{4}-\d{2}-\d{2}"')
        self.assertNotRegex(response.content.decode(), r'type="date"[^>]*value="\d{2}/\d{2}/\d{4}"')
