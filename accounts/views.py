import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_POST

from accounts import services
from accounts.audit import audited_save, detail_lines
from accounts.forms import (
    EventLogForm,
    LicenceForm,
    SmtpAccountForm,
    TestEmailForm,
    UserAccessFormSet,
    UserCreateForm,
)
from accounts.licensing import LicenceError
from accounts.mail import MailError
from accounts.models import AuditAction, AuditEntry, ServerSettings
from accounts.modules import Module, granted_modules
from smsmotor.logs import event_log_enabled, event_log_files, event_log_path
from smsmotor.texts import Text

User = get_user_model()
logger = logging.getLogger("smsmotor.server")
SHOW_BYTES = 512 * 1024  # a day's file can be big: the page shows its end


def _people() -> dict:
    return {user.pk: user for user in User.objects.prefetch_related("groups").order_by("username")}


def _access_initial(people: dict) -> list[dict]:
    return [
        {"user_id": user.pk, "enabled": user.is_active, "modules": sorted(granted_modules(user))}
        for user in people.values()
    ]


def users(request):
    return users_page(request)


def users_page(request, *, people=None, formset=None, create_form=None):
    """The Users tab, with a form that came back with errors if there is one."""
    people = people if people is not None else _people()
    formset = formset or UserAccessFormSet(initial=_access_initial(people), form_kwargs={"editor": request.user})
    # Rows for the users that exist (a tampered or stale form may name others).
    rows = [(people[form.initial["user_id"]], form) for form in formset if form.initial.get("user_id") in people]
    context = {
        "formset": formset,
        "rows": rows,
        "create_form": create_form or UserCreateForm(editor=request.user),
        "modules": list(Module),
        "new_password": request.session.pop("new_password", None),
    }
    return render(request, "accounts/users.html", context)


@require_POST
def users_save(request):
    """The table of users: enabled and modules, for every row at once."""
    people = _people()
    formset = UserAccessFormSet(request.POST, initial=_access_initial(people), form_kwargs={"editor": request.user})
    if not formset.is_valid():
        return users_page(request, people=people, formset=formset)
    changed = sum(
        services.user_set_access(
            user=people[form.cleaned_data["user_id"]],
            enabled=form.cleaned_data["enabled"],
            modules=set(form.cleaned_data["modules"]),
            by=request.user,
        )
        for form in formset
        if form.cleaned_data["user_id"] in people
    )
    messages.success(
        request,
        ngettext("Users saved (%(count)d changed).", "Users saved (%(count)d changed).", changed) % {"count": changed},
    )
    return redirect("accounts:users")


@require_POST
def user_create(request):
    form = UserCreateForm(request.POST, editor=request.user)
    if not form.is_valid():
        return users_page(request, create_form=form)
    data = form.cleaned_data
    user = services.user_create(
        username=data["username"],
        password=data["password1"],
        modules=set(data["modules"]),
        by=request.user,
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
    )
    messages.success(request, _("User %(name)s created.") % {"name": user.username})
    return redirect("accounts:users")


@require_POST
def user_password_reset(request, pk):
    person = get_object_or_404(User, pk=pk)
    try:
        password = services.user_password_reset(user=person, by=request.user)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts:users")
    # Shown once, on the next page only: nowhere stored in clear.
    request.session["new_password"] = {"username": person.username, "password": password}
    return redirect("accounts:users")


@require_POST
def user_enabled(request, pk):
    person = get_object_or_404(User, pk=pk)
    enabled = request.POST.get("enabled") == "on"
    try:
        services.user_set_enabled(user=person, enabled=enabled, by=request.user)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts:users")
    text = _("User %(name)s enabled.") if enabled else _("User %(name)s disabled: it can no longer log in.")
    messages.success(request, text % {"name": person.username})
    return redirect("accounts:users")


def server(request):
    return server_page(request)


def server_page(request, *, smtp_form=None, test_form=None, log_form=None, licence_form=None):
    """The Server tab, with a form that came back with errors if there is one."""
    return render(
        request,
        "accounts/server.html",
        {
            "database": services.database_status(),
            "licence": services.licence_current(),
            "licence_form": licence_form or LicenceForm(prefix="licence"),
            "smtp_form": smtp_form or SmtpAccountForm(instance=ServerSettings.load(), prefix="smtp"),
            "test_form": test_form or TestEmailForm(prefix="test", initial={"to": request.user.email}),
            "log_form": log_form or EventLogForm(initial={"keep_history": event_log_enabled(settings.LOG_DIR)}),
            "log_files": event_log_files(settings.LOG_DIR),
        },
    )


@require_POST
def smtp(request):
    form = SmtpAccountForm(request.POST, instance=ServerSettings.load(), prefix="smtp")
    if not form.is_valid():
        return server_page(request, smtp_form=form)
    audited_save(form, user=request.user, target=Text(gettext_noop("E-mail account")))
    logger.info("E-mail account changed by %s", request.user.get_username())
    messages.success(request, _("E-mail account saved."))
    return redirect("accounts:server")


@require_POST
def test_email(request):
    form = TestEmailForm(request.POST, prefix="test")
    if not form.is_valid():
        return server_page(request, test_form=form)
    to = form.cleaned_data["to"]
    try:
        services.test_email_send(to=to, by=request.user)
    except MailError as error:
        messages.error(request, _("The test e-mail was not sent: %(reason)s") % {"reason": error})
    else:
        messages.success(request, _("Test e-mail sent to %(to)s: check that it arrived.") % {"to": to})
    return redirect("accounts:server")


@require_POST
def licence(request):
    form = LicenceForm(request.POST, prefix="licence")
    if not form.is_valid():
        return server_page(request, licence_form=form)
    try:
        terms = services.licence_register(key=form.cleaned_data["key"], by=request.user)
    except LicenceError as error:
        form.add_error("key", str(error))
        return server_page(request, licence_form=form)
    messages.success(request, _("Licence registered for %(company)s.") % {"company": terms.company})
    return redirect("accounts:server")


@require_POST
def event_log(request):
    form = EventLogForm(request.POST)
    if not form.is_valid():
        return server_page(request, log_form=form)
    services.event_log_switch(on=form.cleaned_data["keep_history"], by=request.user)
    messages.success(request, _("Event history setting saved."))
    return redirect("accounts:server")


def event_log_show(request, name: str):
    path = event_log_path(settings.LOG_DIR, name)
    if path is None:
        raise Http404
    size = path.stat().st_size
    with path.open("rb") as file:
        file.seek(max(0, size - SHOW_BYTES))
        text = file.read().decode("utf-8", "replace")
    return render(
        request,
        "accounts/event_log.html",
        {"name": name, "text": text, "size": size, "truncated": size > SHOW_BYTES, "show_bytes": SHOW_BYTES},
    )


def event_log_download(request, name: str):
    path = event_log_path(settings.LOG_DIR, name)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/plain; charset=utf-8")


def event_log_clear(request):
    files = event_log_files(settings.LOG_DIR)
    if request.method == "POST":
        count = services.event_log_clear(by=request.user)
        messages.success(
            request,
            ngettext("%(count)d event log file deleted.", "%(count)d event log files deleted.", count)
            % {"count": count},
        )
        return redirect("accounts:server")
    return render(request, "accounts/event_log_clear.html", {"files": files})


def audit_trail(request):
    entries = AuditEntry.objects.select_related("user").order_by("-at", "-id")
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        entries = entries.filter(action=action)
    if request.GET.get("user"):
        entries = entries.filter(user__username=request.GET["user"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.detail_lines = detail_lines(entry.detail)
    return render(
        request,
        "accounts/audit.html",
        {"page": page, "actions": AuditAction.choices, "action": action, "username": request.GET.get("user", "")},
    )
