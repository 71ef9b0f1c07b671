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
from accounts.modules import Module, granted_modules, module_required
from smsmotor.logs import event_log_enabled, event_log_files, event_log_path
from smsmotor.texts import Text

User = get_user_model()
logger = logging.getLogger("smsmotor.server")
SHOW_BYTES = 512 * 1024  # a day's file can be big: the page shows its end


@module_required(Module.SERVER)
def users(request):
    people = {user.pk: user for user in User.objects.prefetch_related("groups").order_by("username")}
    initial = [
        {"user_id": user.pk, "enabled": user.is_active, "modules": sorted(granted_modules(user))}
        for user in people.values()
    ]
    action = request.POST.get("action")
    formset = UserAccessFormSet(
        request.POST if action == "save" else None, initial=initial, form_kwargs={"editor": request.user}
    )
    create_form = UserCreateForm(request.POST if action == "create" else None, editor=request.user)

    if action == "save" and formset.is_valid():
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
            ngettext("Users saved (%(count)d changed).", "Users saved (%(count)d changed).", changed)
            % {"count": changed},
        )
        return redirect("accounts:users")
    if action == "create" and create_form.is_valid():
        data = create_form.cleaned_data
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

    # Rows for the users that exist (a tampered or stale form may name others).
    rows = [(people[form.initial["user_id"]], form) for form in formset if form.initial.get("user_id") in people]
    context = {
        "formset": formset,
        "rows": rows,
        "create_form": create_form,
        "modules": list(Module),
        "new_password": request.session.pop("new_password", None),
    }
    return render(request, "accounts/users.html", context)


@require_POST
@module_required(Module.SERVER)
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
@module_required(Module.SERVER)
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


@module_required(Module.SERVER)
def server(request):
    account = ServerSettings.load()
    smtp_form = SmtpAccountForm(instance=account, prefix="smtp")
    test_form = TestEmailForm(prefix="test", initial={"to": request.user.email})
    log_form = EventLogForm(initial={"keep_history": event_log_enabled(settings.LOG_DIR)})
    licence_form = LicenceForm(prefix="licence")
    action = request.POST.get("action")
    if request.method == "POST" and action == "smtp":
        smtp_form = SmtpAccountForm(request.POST, instance=account, prefix="smtp")
        if smtp_form.is_valid():
            audited_save(smtp_form, user=request.user, target=Text(gettext_noop("E-mail account")))
            logger.info("E-mail account changed by %s", request.user.get_username())
            messages.success(request, _("E-mail account saved."))
            return redirect("accounts:server")
    elif request.method == "POST" and action == "test_email":
        test_form = TestEmailForm(request.POST, prefix="test")
        if test_form.is_valid():
            to = test_form.cleaned_data["to"]
            try:
                services.test_email_send(to=to, by=request.user)
            except MailError as error:
                messages.error(request, _("The test e-mail was not sent: %(reason)s") % {"reason": error})
            else:
                messages.success(request, _("Test e-mail sent to %(to)s: check that it arrived.") % {"to": to})
            return redirect("accounts:server")
    elif request.method == "POST" and action == "licence":
        licence_form = LicenceForm(request.POST, prefix="licence")
        if licence_form.is_valid():
            try:
                terms = services.licence_register(key=licence_form.cleaned_data["key"], by=request.user)
            except LicenceError as error:
                licence_form.add_error("key", str(error))
            else:
                messages.success(request, _("Licence registered for %(company)s.") % {"company": terms.company})
                return redirect("accounts:server")
    elif request.method == "POST" and action == "event_log":
        log_form = EventLogForm(request.POST)
        if log_form.is_valid():
            services.event_log_switch(on=log_form.cleaned_data["keep_history"], by=request.user)
            messages.success(request, _("Event history setting saved."))
            return redirect("accounts:server")
    licence = services.licence_current()
    return render(
        request,
        "accounts/server.html",
        {
            "database": services.database_status(),
            "licence": licence,
            "licence_form": licence_form,
            "smtp_form": smtp_form,
            "test_form": test_form,
            "log_form": log_form,
            "log_files": event_log_files(settings.LOG_DIR),
        },
    )


@module_required(Module.SERVER)
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


@module_required(Module.SERVER)
def event_log_download(request, name: str):
    path = event_log_path(settings.LOG_DIR, name)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/plain; charset=utf-8")


@module_required(Module.SERVER)
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


@module_required(Module.SERVER)
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
