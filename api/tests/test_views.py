from django.urls import reverse

from api.models import ApiKey, Webhook
from api.tests.helpers import ApiClientMixin
from smsmotor.test import BaseTestCase


class ApiKeyPageTestCase(ApiClientMixin, BaseTestCase):
    def test_the_users_tab_links_to_the_keys(self):
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("accounts:users")), reverse("api_keys:list"))

    def test_a_key_is_shown_once_and_works(self):
        self.login(self.alice)
        response = self.client.post(
            reverse("api_keys:create"),
            {"user": self.bob.pk, "name": "ERP", "rate_per_minute": 60, "webhook_url": "https://erp.example.org/sms"},
            follow=True,
        )
        plain = response.context["new_key"]["key"]
        self.assertContains(response, plain)
        self.assertContains(response, response.context["new_key"]["webhook_secret"])
        key = ApiKey.objects.get()
        self.assertEqual((key.user, key.name, key.rate_per_minute), (self.bob, "ERP", 60))
        self.assertEqual(Webhook.objects.get().key, key)
        self.assertEqual(self.call("get", "/api/v1/lines", plain).status_code, 200)
        again = self.client.get(reverse("api_keys:list"))
        self.assertNotContains(again, plain)
        self.assertContains(again, key.prefix)

    def test_it_revokes_a_key(self):
        plain = self.key_for(self.bob)
        self.login(self.alice)
        response = self.client.post(reverse("api_keys:revoke", args=[ApiKey.objects.get().pk]), follow=True)
        self.assertContains(response, "revocada")
        self.assertEqual(self.call("get", "/api/v1/lines", plain).status_code, 401)

    def test_only_the_server_module_manages_keys(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("api_keys:list")).status_code, 403)
        self.assertEqual(self.client.post(reverse("api_keys:create"), {"user": self.bob.pk}).status_code, 403)


class AdminTestCase(BaseTestCase):
    def test_a_global_webhook_made_in_the_admin_gets_a_secret(self):
        self.login(self.alice)
        response = self.client.post(
            reverse("admin:api_webhook_add"),
            {"url": "https://hooks.example.org/sms", "events": '["message.delivered"]', "enabled": "on"},
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        hook = Webhook.objects.get()
        self.assertTrue(hook.secret.startswith("whsec_"))
        self.assertIsNone(hook.key)
        self.assertContains(self.client.get(reverse("admin:api_webhook_change", args=[hook.pk])), hook.secret)

    def test_keys_are_listed_and_revoked_in_the_admin(self):
        from api.services import api_key_create

        api_key_create(user=self.bob)
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("admin:api_apikey_changelist")).status_code, 200)
        self.client.post(
            reverse("admin:api_apikey_changelist"),
            {"action": "revoke", "_selected_action": [ApiKey.objects.get().pk]},
        )
        self.assertIsNotNone(ApiKey.objects.get().revoked_at)
