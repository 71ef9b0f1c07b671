import datetime
import io

import time_machine
from django.core.management import call_command
from django.test import TransactionTestCase

from api.models import ApiKey
from api.services import api_key_revoke
from api.tests.helpers import ApiClientMixin
from smsmotor.test import BaseTestCase

NOW = datetime.datetime(2026, 12, 2, 10, 0, 30, tzinfo=datetime.UTC)


class ApiKeyTestCase(ApiClientMixin, BaseTestCase):
    def test_it_stores_only_a_hash_and_a_prefix(self):
        plain = self.key_for(self.alice)
        key = ApiKey.objects.get()
        self.assertTrue(plain.startswith("smk_"))
        self.assertTrue(plain.startswith(key.prefix))
        self.assertNotIn(plain, (key.hashed, key.prefix, key.name))

    def test_it_asks_for_a_bearer_key(self):
        response = self.call("get", "/api/v1/lines")
        self.assertEqual((response.status_code, self.codes(response)), (401, [(None, "auth_required")]))
        self.assertEqual(response["WWW-Authenticate"], "Bearer")
        response = self.call("get", "/api/v1/lines", "smk_nope")
        self.assertEqual(self.codes(response), [(None, "auth_invalid")])

    def test_a_login_session_opens_nothing(self):
        self.login(self.alice)
        response = self.call("get", "/api/v1/lines")
        self.assertEqual((response.status_code, self.codes(response)), (401, [(None, "auth_required")]))
        self.assertEqual(self.call("post", "/api/v1/messages", body={"to": "70000288", "text": "x"}).status_code, 401)

    def test_the_docs_are_served_from_our_static_files(self):
        page = self.client.get("/api/docs/")
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn("/static/ninja/swagger-ui-bundle.js", html)
        self.assertNotIn("cdn", html.lower())
        self.assertNotIn("'unsafe-inline'", page.get("Content-Security-Policy", ""))
        schema = self.client.get("/api/openapi.json").json()
        self.assertIn("/api/v1/messages", schema["paths"])

    def test_a_revoked_key_is_refused(self):
        plain = self.key_for(self.alice)
        api_key_revoke(key=ApiKey.objects.get(), by=self.alice)
        response = self.call("get", "/api/v1/lines", plain)
        self.assertEqual((response.status_code, self.codes(response)), (401, [(None, "key_revoked")]))

    def test_a_disabled_user_or_one_without_modules_is_refused(self):
        self.assertEqual(
            self.codes(self.call("get", "/api/v1/lines", self.key_for(self.charlie))), [(None, "scope_denied")]
        )
        plain = self.key_for(self.bob)
        self.bob.is_active = False
        self.bob.save()
        self.assertEqual(self.codes(self.call("get", "/api/v1/lines", plain)), [(None, "user_disabled")])

    @time_machine.travel(NOW, tick=False)
    def test_it_marks_the_key_used(self):
        plain = self.key_for(self.alice)
        self.call("get", "/api/v1/lines", plain)
        self.assertEqual(ApiKey.objects.get().last_used_at, NOW)

    def test_the_command_prints_the_key_last(self):
        out = io.StringIO()
        call_command("create_api_key", "bob", "--name", "ERP", stdout=out)
        plain = out.getvalue().strip().splitlines()[-1]
        self.assertTrue(plain.startswith("smk_"))
        self.assertEqual(ApiKey.objects.get().name, "ERP")
        self.assertEqual(self.call("get", "/api/v1/lines", plain).status_code, 200)


class RateLimitTestCase(ApiClientMixin, BaseTestCase):
    def test_it_answers_429_with_retry_after_past_the_limit(self):
        plain = self.key_for(self.alice, rate_per_minute=3)
        with time_machine.travel(NOW, tick=False):
            statuses = [self.call("get", "/api/v1/lines", plain).status_code for _ in range(4)]
            self.assertEqual(statuses, [200, 200, 200, 429])
            refused = self.call("get", "/api/v1/lines", plain)
            self.assertEqual(refused["Retry-After"], "30")
            self.assertEqual(self.codes(refused), [(None, "rate_limited")])
        with time_machine.travel(NOW + datetime.timedelta(seconds=30), tick=False):
            self.assertEqual(self.call("get", "/api/v1/lines", plain).status_code, 200)

    def test_each_key_has_its_own_limit(self):
        first, second = self.key_for(self.alice, rate_per_minute=1), self.key_for(self.alice, rate_per_minute=1)
        with time_machine.travel(NOW, tick=False):
            self.assertEqual(self.call("get", "/api/v1/lines", first).status_code, 200)
            self.assertEqual(self.call("get", "/api/v1/lines", second).status_code, 200)
            self.assertEqual(self.call("get", "/api/v1/lines", first).status_code, 429)


class ConcurrentRateLimitTestCase(ApiClientMixin, TransactionTestCase):
    """Requests of one key at the same moment, each on its own thread and connection."""

    def test_the_limit_holds_under_concurrent_requests(self):
        import threading

        from django.db import connection
        from django.test import Client

        from accounts.modules import Module
        from smsmotor.test import make_user

        plain = self.key_for(make_user("alice", {Module.SERVER}), rate_per_minute=5)
        barrier, statuses = threading.Barrier(10), []

        def get():
            try:
                barrier.wait()
                statuses.append(Client().get("/api/v1/lines", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code)
            finally:
                connection.close()

        with time_machine.travel(NOW, tick=False):
            threads = [threading.Thread(target=get) for _ in range(10)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
        self.assertEqual(len(statuses), 10)
        # Never more than the limit; refused requests count too, so a burst over the limit may
        # see every request of that minute refused.
        self.assertLessEqual(statuses.count(200), 5)
        self.assertEqual(statuses.count(200) + statuses.count(429), 10)
