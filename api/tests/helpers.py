"""Shared by the API tests: a key per test user and JSON requests with it."""

import json

from api.services import api_key_create


class ApiClientMixin:
    def key_for(self, user, **fields) -> str:
        key, plain = api_key_create(user=user, name="test")
        if fields:
            type(key).objects.filter(pk=key.pk).update(**fields)
        return plain

    def call(self, method: str, path: str, key: str | None = None, body=None, idempotency: str = "", **headers):
        if key:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        if idempotency:
            headers["HTTP_IDEMPOTENCY_KEY"] = idempotency
        data = body if isinstance(body, str | bytes) else json.dumps(body) if body is not None else None
        return getattr(self.client, method)(path, data=data, content_type="application/json", **headers)

    def codes(self, response) -> list[tuple[str | None, str]]:
        return [(item["field"], item["code"]) for item in response.json()["errors"]]
