"""The HTTP API's endpoints, version 1 (django-ninja): /api/v1/..., its schema and docs at /api/docs/.

Each endpoint reads top to bottom: the key (api.auth.bearer, run by ninja before the view) →
scope → service or selector → JSON. Errors are ApiError: {"errors": [{code, field, message}]}.
"""

import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

from accounts.modules import Module
from api.auth import bearer, require
from api.errors import ApiError, error, pydantic_errors
from api.idempotency import idempotent, json_answer
from api.schemas import (
    BatchIn,
    BatchOut,
    CreditOut,
    ErrorsOut,
    IncomingPage,
    LineOut,
    MessageIn,
    MessageOut,
    MessagePage,
)
from api.selectors import (
    incoming_json,
    lines_json,
    message_json,
    messages_visible,
    page,
    sms_left,
)
from api.services import (
    BATCH_MAX,
    Context,
    Planned,
    api_batch_create,
    api_message_cancel,
    api_message_create,
    message_plan,
)
from messaging.models import IncomingMessage, MessageStatus

api = NinjaAPI(
    title="SMS Motor API",
    version="1",
    description="Send SMS, follow their state, read replies. See README, “HTTP API”.",
    urls_namespace="api",
    docs_url="/docs/",
    openapi_url="/openapi.json",
    auth=bearer,
)
v1 = Router()
ERRORS = {400: ErrorsOut, 401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 409: ErrorsOut, 422: ErrorsOut}


@api.exception_handler(ApiError)
def api_error(request: HttpRequest, exc: ApiError):
    response = json_answer(exc.status, {"errors": exc.errors})
    for name, value in exc.headers.items():
        response[name] = value
    return response


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError):
    # ("body", "payload", "to") → "to"; ("query", "limit") → "limit"
    errors = []
    for item in exc.errors:
        location = list(item.get("loc", ()))
        skip = 2 if location[:1] == ["body"] and len(location) > 2 else 1
        errors += pydantic_errors([item], skip=skip)
    return json_answer(422, {"errors": errors})


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError):
    return api_error(request, ApiError.one(401, "auth_required"))


# --- Messages ----------------------------------------------------------------------------------


@v1.post("/messages", response={201: MessageOut, 429: ErrorsOut, **ERRORS}, summary="Send one message")
def message_send(request: HttpRequest, payload: MessageIn):
    require(request.auth, Module.OPERATOR)

    def handler():
        context = Context.load()
        planned = message_plan(payload, context)
        if not isinstance(planned, Planned):
            return 422, {"errors": planned}
        message = api_message_create(key=request.auth, planned=planned, context=context)
        return 201, message_json(message)

    return idempotent(request, handler)


@v1.get("/messages/{message_id}", response={200: MessageOut, **ERRORS}, summary="One message")
def message_get(request: HttpRequest, message_id: int):
    message = get_object_or_404(messages_visible(request.auth), pk=message_id)
    return json_answer(200, message_json(message))


@v1.get("/messages", response={200: MessagePage, **ERRORS}, summary="Messages, oldest first, by cursor")
def message_list(  # state: e.g. delivered; since: created at or after (ISO 8601)
    request: HttpRequest,
    client_ref: str | None = None,
    state: str | None = None,
    since: datetime.datetime | None = None,
    cursor: str | None = None,
    limit: int = 100,
):
    messages = messages_visible(request.auth)
    if client_ref:
        messages = messages.filter(api__client_ref=client_ref)
    if state:
        if state.upper() not in MessageStatus.values:
            raise ApiError.one(422, "invalid_type", "state")
        messages = messages.filter(status=state.upper())
    if since:
        messages = messages.filter(loaded_at__gte=_aware(since))
    rows, next_cursor = page(messages, cursor=cursor, limit=limit)
    return json_answer(200, {"items": [message_json(m) for m in rows], "next_cursor": next_cursor})


@v1.delete("/messages/{message_id}", response={200: MessageOut, **ERRORS}, summary="Cancel a message not yet sent")
def message_cancel(request: HttpRequest, message_id: int):
    require(request.auth, Module.OPERATOR)
    message = get_object_or_404(messages_visible(request.auth), pk=message_id)
    if not api_message_cancel(message=message):
        raise ApiError.one(409, "not_cancellable")
    message.refresh_from_db()
    return json_answer(200, message_json(message))


# --- Batches -------------------------------------------------------------------------------------


@v1.post("/batches", response={201: BatchOut, 429: ErrorsOut, **ERRORS}, summary="Up to 10 000 messages, one load")
def batch_send(request: HttpRequest, payload: BatchIn):
    """Per-item results: every valid message is created (one load of type API in the load
    history), every invalid one is answered with its index and errors. 201 if at least one was
    created; 422 (nothing stored) if none could be."""
    require(request.auth, Module.OPERATOR)
    if not payload.messages:
        raise ApiError.one(422, "batch_empty", "messages")
    if len(payload.messages) > BATCH_MAX:
        raise ApiError.one(422, "batch_too_large", "messages")

    def handler():
        context = Context.load()
        planned, indexes, items = [], [], []
        for index, data in enumerate(payload.messages):
            result = _batch_item(data, context)
            if isinstance(result, Planned):
                planned.append(result)
                indexes.append(index)
            else:
                items.append({"index": index, "errors": result})
        rejected = [{"row": item["index"], "reason": item["errors"][0]["message"]} for item in items]
        if not planned:
            return 422, {"errors": [error("batch_rejected", "messages")], "items": items}
        load, messages = api_batch_create(
            key=request.auth, planned=planned, rejected=rejected, rows=len(payload.messages), context=context
        )
        state = {MessageStatus.QUEUED: "queued", MessageStatus.PENDING: "pending"}
        for index, message, item in zip(indexes, messages, planned, strict=True):
            items.append(
                {
                    "index": index,
                    "id": message.pk,
                    "state": state[message.status],
                    "segments": item.segments,
                    "encoding": item.encoding,
                    "client_ref": item.fields["client_ref"],
                }
            )
        items.sort(key=lambda item: item["index"])
        return 201, {"load_id": load.pk, "accepted": len(planned), "rejected": len(rejected), "items": items}

    return idempotent(request, handler)


_message_in = TypeAdapter(MessageIn)


def _batch_item(data: dict, context: Context) -> Planned | list[dict]:
    try:
        message = _message_in.validate_python(data)
    except PydanticError as exc:
        return pydantic_errors(exc.errors())
    return message_plan(message, context)


# --- Incoming, lines, balance --------------------------------------------------------------------


@v1.get("/incoming", response={200: IncomingPage, **ERRORS}, summary="Received SMS, oldest first, by cursor")
def incoming_list(
    request: HttpRequest, since: datetime.datetime | None = None, cursor: str | None = None, limit: int = 100
):
    require(request.auth, Module.SERVER)
    received = IncomingMessage.objects.select_related("modem")
    if since:
        received = received.filter(received_at__gte=_aware(since))
    rows, next_cursor = page(received, cursor=cursor, limit=limit)
    return json_answer(200, {"items": [incoming_json(m) for m in rows], "next_cursor": next_cursor})


@v1.get("/lines", response={200: list[LineOut], **ERRORS}, summary="Lines (modems) and their state")
def line_list(request: HttpRequest):
    require(request.auth, Module.OPERATOR)
    return json_answer(200, lines_json(with_balance=False))


@v1.get("/credit", response={200: CreditOut, **ERRORS}, summary="Each SIM's last balance answer")
def credit(request: HttpRequest):
    require(request.auth, Module.SERVER)
    return json_answer(200, {"lines": lines_json(with_balance=True), "sms_left": sms_left()})


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


api.add_router("/v1/", v1)
