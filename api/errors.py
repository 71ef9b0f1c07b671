"""The API's errors: a stable machine-readable code, the field it concerns, and a sentence in the
key's user's language (Spanish by default). The codes are part of the API: never rename one."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # Authentication and access
    "auth_required": _("Send the API key in an “Authorization: Bearer …” header."),
    "auth_invalid": _("The API key is not valid."),
    "key_revoked": _("The API key was revoked."),
    "user_disabled": _("The key's user is disabled."),
    "scope_denied": _("The key's user has no module that allows this."),
    "rate_limited": _("Too many requests for this key: wait and try again."),
    # Requests
    "invalid_json": _("The body is not valid JSON."),
    "required": _("This field is required."),
    "invalid_type": _("This value has the wrong type."),
    "not_found": _("Not found."),
    "idempotency_conflict": _("This Idempotency-Key was used with another request body."),
    "idempotency_key_too_long": _("The Idempotency-Key is longer than 255 characters."),
    "licence_expired": _("Sending is stopped: the licence has expired or was removed."),
    "not_cancellable": _("The message was already handed to a modem or finished: it cannot be cancelled."),
    "invalid_cursor": _("The cursor is not valid."),
    # A message's fields
    "phone_invalid": _("The phone number is not valid."),
    "text_empty": _("The message is empty."),
    "text_too_long": _("The message takes too many SMS."),
    "send_date_past": _("The send date has passed."),
    "valid_until_invalid": _("“valid_until” must be later than now and than the send time."),
    "line_unknown": _("There is no line with that name."),
    "priority_invalid": _("The priority must be a whole number from 0 to 9."),
    "too_long": _("This value is too long."),
    "metadata_too_large": _("The metadata take more than 4 KB as JSON."),
    # Batches
    "batch_empty": _("The batch has no messages."),
    "batch_too_large": _("A batch holds at most 10 000 messages."),
    "batch_rejected": _("No message of the batch can be sent: see each item's errors."),
}


class ApiError(Exception):
    """One or more errors answered with `status`; `headers` added to the answer (Retry-After)."""

    def __init__(self, status: int, errors: list[dict], headers: dict | None = None):
        super().__init__(errors)
        self.status, self.errors, self.headers = status, errors, headers or {}

    @classmethod
    def one(cls, status: int, code: str, field: str | None = None, **kwargs) -> "ApiError":
        return cls(status, [error(code, field)], **kwargs)


def error(code: str, field: str | None = None, detail: str = "") -> dict:
    """{"code": ..., "field": ..., "message": ...} in the active language."""
    message = str(MESSAGES[code])
    return {"code": code, "field": field, "message": f"{message} {detail}".strip() if detail else message}


def pydantic_errors(errors: list[dict], skip: int = 0) -> list[dict]:
    """pydantic's errors (ninja's ValidationError) in our format; `skip` drops the location's head
    ("body", "payload")."""
    found = []
    for item in errors:
        location = [str(part) for part in item.get("loc", ())[skip:]]
        code = "required" if item.get("type") == "missing" else "invalid_type"
        if item.get("type") == "json_invalid":
            code = "invalid_json"
        found.append(error(code, ".".join(location) or None))
    return found
