"""Reads for the message tables."""

from django.db.models import QuerySet

from accounts.modules import Module
from messaging.models import IncomingCall, IncomingMessage, OutgoingMessage


def outgoing_for_user(user) -> QuerySet[OutgoingMessage]:
    """Everything for the server module; an operator sees only the messages of their loads."""
    messages = OutgoingMessage.objects.select_related("load")
    if Module.SERVER.is_allowed(user):
        return messages
    return messages.filter(load__created_by=user)


def outgoing_list(*, user, filters: dict) -> QuerySet[OutgoingMessage]:
    messages = outgoing_for_user(user)
    if filters.get("load"):
        messages = messages.filter(load_id=filters["load"])
    if filters.get("status"):
        messages = messages.filter(status=filters["status"])
    if filters.get("date_from"):
        messages = messages.filter(send_date__gte=filters["date_from"])
    if filters.get("date_to"):
        messages = messages.filter(send_date__lte=filters["date_to"])
    if filters.get("phone"):
        messages = messages.filter(phone=filters["phone"])
    return messages.order_by("-id")


def incoming_list() -> QuerySet[IncomingMessage]:
    return IncomingMessage.objects.select_related("modem").order_by("-received_at", "-id")


def calls_list() -> QuerySet[IncomingCall]:
    return IncomingCall.objects.select_related("modem").order_by("-received_at", "-id")
