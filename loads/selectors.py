from django.db.models import QuerySet

from accounts.modules import Module
from loads.models import Load


def loads_for_user(user) -> QuerySet[Load]:
    """Every load for the server module; an operator's own loads otherwise."""
    loads = Load.objects.select_related("created_by", "cancelled_by")
    if Module.SERVER.is_allowed(user):
        return loads
    return loads.filter(created_by=user)


def load_history(*, user) -> QuerySet[Load]:
    return loads_for_user(user).order_by("-created_at", "-id")
