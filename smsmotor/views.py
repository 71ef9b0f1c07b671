from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from smsmotor.navigation import first_allowed_tab
from smsmotor.status import status_bar


@login_required
def home(request):
    tab = first_allowed_tab(request.user)
    if tab is None:
        raise PermissionDenied
    return redirect(tab.url)


@login_required
def status(request):
    """The status bar alone, for the page's periodic refresh."""
    return render(request, "_status_bar.html", {"status": status_bar()})
