"""Idempotency-Key: the same key with the same body gets the original answer; with another body, 409.

The record is inserted first, in the request's own transaction, under a unique constraint on
(API key, Idempotency-Key). A concurrent identical request blocks on that index (MariaDB) or on
the write lock (SQLite, transactions BEGIN IMMEDIATE) until the first commits, then fails the
insert and replays the committed answer: two identical requests at once create one message.
If the first request fails with an exception, its transaction (record included) rolls back and a
retry runs afresh. Records are kept at least a day (api.tasks.idempotency_cleanup).
"""

import hashlib
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import JsonResponse

from api.errors import ApiError
from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


class _Taken(Exception):
    pass


def json_answer(status: int, body) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def idempotent(request, handler: Callable[[], tuple[int, dict]]) -> JsonResponse:
    """Run `handler` (→ status, body) in one transaction, once per Idempotency-Key."""
    idempotency_key = request.headers.get(HEADER, "").strip()
    if not idempotency_key:
        with transaction.atomic():
            return json_answer(*handler())
    if len(idempotency_key) > 255:
        raise ApiError.one(400, "idempotency_key_too_long", HEADER)
    digest = hashlib.sha256(b"%s %s\n%s" % (request.method.encode(), request.path.encode(), request.body)).hexdigest()
    try:
        with transaction.atomic():
            try:
                # No savepoint of its own: a duplicate leaves through the transaction, rolled back.
                record = IdempotencyRecord.objects.create(
                    key=request.auth, idempotency_key=idempotency_key, request_hash=digest
                )
            except IntegrityError:
                raise _Taken from None
            status, body = handler()
            IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=status, body=body)
    except _Taken:
        record = IdempotencyRecord.objects.get(key=request.auth, idempotency_key=idempotency_key)
        if record.request_hash != digest:
            raise ApiError.one(409, "idempotency_conflict", HEADER) from None
        response = json_answer(record.status_code, record.body)
        response[REPLAYED_HEADER] = "true"
        return response
    return json_answer(status, body)
