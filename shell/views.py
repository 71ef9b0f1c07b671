from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.modules import user_modules
from shell.health import health_report
from shell.navigation import first_allowed_tab
from smsmotor import live


def home(request):
    tab = first_allowed_tab(request.user)
    if tab is None:
        raise PermissionDenied
    return redirect(tab.url)


def status(request):
    """The status bar's poll on pages without a live table: the bar when it changed, else 204."""
    return live.answer(request, [])


def health(request):
    """For monitoring, without a login: 200 when everything is alive, 503 otherwise, and
    nothing more (an outsider learns no modem names). Logged in with a module: yes/no per part;
    the errors are for `manage.py healthcheck`."""
    report = health_report()
    body = {"ok": report["ok"]}
    if user_modules(request.user):
        body |= {
            "database": report["database"]["ok"],
            "cluster": bool(report["cluster"] and report["cluster"]["ok"]),
            "modems": {modem["name"]: modem["ok"] for modem in report["modems"]},
        }
    return JsonResponse(body, status=200 if report["ok"] else 503)


@require_POST
def language(request):
    """The language chosen in the top bar: saved on the user (it follows them to any browser)
    and in a cookie that outlives the browser, then back to the page."""
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        code = settings.LANGUAGE_CODE
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response
