import time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from api.tests.helpers import ApiClientMixin
from smsmotor.test import BaseTestCase

class P(ApiClientMixin, BaseTestCase):
    def test_p(self):
        key = self.key_for(self.bob)
        self.call("post", "/api/v1/messages", key, {"to": "70000288", "text": "x"})
        with CaptureQueriesContext(connection) as q:
            self.call("post", "/api/v1/messages", key, {"to": "70000288", "text": "Su código es 4821"}, idempotency="x")
        for x in q.captured_queries: print(x["sql"][:150])
        t = time.perf_counter()
        for n in range(100):
            r = self.call("post", "/api/v1/messages", key, {"to": "70000288", "text": "Su código es 4821"}, idempotency=str(n))
        print("per request ms", (time.perf_counter() - t) / 100 * 1000)
        t = time.perf_counter()
        for n in range(100):
            r = self.client.get("/health/")
        print("health per request ms", (time.perf_counter() - t) / 100 * 1000)
