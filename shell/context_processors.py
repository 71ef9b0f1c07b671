from shell.navigation import DATA_TABS, TOOLBAR
from shell.status import cached_status_bar
from smsmotor import live


def shell(request) -> dict:
    """The toolbar, data tabs and status bar of the base layout, for logged-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    toolbar = [(group, [tab for tab in group.tabs if tab.is_allowed(user)]) for group in TOOLBAR]
    status = cached_status_bar()
    return {
        "toolbar": [(group, tabs) for group, tabs in toolbar if tabs],
        "data_tabs": [tab for tab in DATA_TABS if tab.is_allowed(user)],
        "status": status,
        "refresh_seconds": status.refresh_seconds,
        "live_seconds": live.POLL_SECONDS,
        "status_seconds": live.STATUS_SECONDS,
        "current_url_name": f"{request.resolver_match.namespace}:{request.resolver_match.url_name}"
        if request.resolver_match
        else "",
    }
