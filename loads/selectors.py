from django.db.models import Count, QuerySet

from accounts.modules import Module
from loads.models import Load
from messaging.models import MessageStatus, OutgoingMessage


def loads_for_user(user) -> QuerySet[Load]:
    """Every load for the server module; an operator's own loads otherwise."""
    loads = Load.objects.select_related("created_by", "cancelled_by")
    if Module.SERVER.is_allowed(user):
        return loads
    return loads.filter(created_by=user)


def load_history(*, user) -> QuerySet[Load]:
    return loads_for_user(user).order_by("-created_at", "-id")


# How the Load history groups a load's messages.
WAITING = (MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.SENDING)


def load_states(loads: list[Load]) -> None:
    """Each load's messages counted by state, set on the loads as `states` (one grouped,
    index-only query for the page: index outgoing_load_status)."""
    counts: dict[int, dict[str, int]] = {load.pk: {} for load in loads}
    rows = (
        OutgoingMessage.objects.filter(load_id__in=counts)
        .values_list("load_id", "status")
        .annotate(count=Count("id"))
        .order_by()
    )
    for load_id, status, count in rows:
        counts[load_id][status] = count
    for load in loads:
        by_status = counts[load.pk]
        load.states = {
            "waiting": sum(by_status.get(status, 0) for status in WAITING),
            "sent": by_status.get(MessageStatus.SENT, 0),
            "delivered": by_status.get(MessageStatus.DELIVERED, 0),
            "failed": by_status.get(MessageStatus.FAILED, 0),
            "unknown": by_status.get(MessageStatus.UNKNOWN, 0),
        }
