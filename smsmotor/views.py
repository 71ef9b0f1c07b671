from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render

from smsmotor.health import health_report
from smsmotor.navigation import first_allowed_tab
from smsmotor.status import cached_status_bar


@login_required
def home(request):
    tab = first_allowed_tab(request.user)
    if tab is None:
        raise PermissionDenied
    return redirect(tab.url)


@login_required
def status(request):
    """The status bar alone, for the page's live refresh; with ?why=1 also the Outgoing tab's
    "why nothing leaves" box."""
    context = {"status": cached_status_bar(), "why_box": request.GET.get("why") == "1"}
    return render(request, "_status_bar_live.html", context)


def health(request):
    """For monitoring, without a login: 200 when everything is alive, 503 otherwise. Only
    yes/no per part; the details (errors, hosts) are for `manage.py healthcheck`."""
    report = health_report()
    body = {
        "ok": report["ok"],
        "database": report["database"]["ok"],
        "cluster": bool(report["cluster"] and report["cluster"]["ok"]),
        "modems": {modem["name"]: modem["ok"] for modem in report["modems"]},
    }
    return JsonResponse(body, status=200 if report["ok"] else 503)
