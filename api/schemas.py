"""The API's request and answer shapes (pydantic, through django-ninja): the OpenAPI schema."""

import datetime
from typing import Any

from ninja import Schema
from pydantic import BaseModel, Field


class MessageIn(BaseModel):
    """A plain pydantic model (not a ninja Schema): a batch validates 10 000 of them."""

    to: str | int = Field(description="The phone, e.g. 70000288 or +59170000288.")
    text: str = Field(description="The message; the licence's company name is appended.")
    send_at: datetime.datetime | None = Field(None, description="Not before this time (ISO 8601).")
    send_date: datetime.date | None = Field(None, description="The day to send it (default: today).")
    valid_until: datetime.datetime | None = Field(None, description="Cancelled if not sent by then.")
    client_ref: str = Field("", description="Your reference (up to 100 characters), searchable.")
    category: str = Field("", description="Stored for opt-outs by category (up to 50 characters).")
    priority: int = Field(5, description="0 to 9; stored.")
    line: str = Field("", description="A line (modem) name; empty or “auto”: routing chooses.")
    metadata: dict[str, Any] | None = Field(None, description="Any JSON object (up to 4 KB), given back.")


class MessageOut(Schema):
    id: int
    to: str
    text: str
    state: str = Field(description="pending, queued, sending, sent, delivered, failed, unknown or cancelled.")
    segments: int
    encoding: str
    client_ref: str = ""
    category: str = ""
    priority: int = 5
    line: str = ""
    metadata: dict[str, Any] | None = None
    send_date: datetime.date
    send_at: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    created_at: datetime.datetime
    sent_at: datetime.datetime | None = None
    delivered_at: datetime.datetime | None = None
    result: str = ""
    load_id: int | None = None


class ErrorOut(Schema):
    code: str = Field(description="Stable, machine-readable.")
    field: str | None = None
    message: str = Field(description="In the key's user's language (Spanish by default).")


class ErrorsOut(Schema):
    errors: list[ErrorOut]


class BatchIn(Schema):
    messages: list[dict[str, Any]] = Field(description="Up to 10 000 messages, each as for POST /messages.")


class BatchItemOut(Schema):
    index: int
    id: int | None = None
    state: str | None = None
    segments: int | None = None
    encoding: str | None = None
    client_ref: str | None = None
    errors: list[ErrorOut] | None = None


class BatchOut(Schema):
    load_id: int | None
    accepted: int
    rejected: int
    items: list[BatchItemOut]


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null at the end.")


class IncomingOut(Schema):
    id: int
    from_: str = Field(alias="from")
    text: str
    received_at: datetime.datetime
    line: str | None


class IncomingPage(Schema):
    items: list[IncomingOut]
    next_cursor: str | None


class BalanceOut(Schema):
    balance: str | None
    answer: str
    answered_at: datetime.datetime | None


class LineOut(Schema):
    name: str
    kind: str
    enabled: bool
    state: str
    operator: str
    signal_bars: int | None
    heartbeat_at: datetime.datetime | None
    balance: BalanceOut | None = None


class CreditOut(Schema):
    lines: list[LineOut]
    sms_left: int | None = Field(description="The Credit tab's SMS balance, when counted down.")
