from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit, form_changes
from accounts.models import AuditAction
from accounts.modules import Module, module_required
from messaging import selectors, services
from messaging.forms import MessagingSettingsForm, OutgoingFilterForm
from messaging.models import MessagingSettings, OutgoingMessage
from messaging.resources import IncomingMessageResource, OutgoingMessageResource
from smsmotor.exports import export_response

PAGE_SIZE = 50


@module_required(Module.SERVER)
def settings_view(request):
    current = MessagingSettings.load()
    form = MessagingSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        changes = form_changes(form)
        services.messaging_settings_update(data=form.cleaned_data)
        if changes:
            audit(user=request.user, action=AuditAction.SETTINGS, target=_("Messages tab"), detail=changes)
        messages.success(request, _("Messages settings saved."))
        return redirect("messaging:settings")
    return render(request, "messaging/settings.html", {"form": form, "settings": current})


@require_POST
@module_required(Module.SERVER)
def sending_switch(request):
    enabled = request.POST.get("sending") == "on"
    services.messaging_settings_update(data={"sending_enabled": enabled})
    audit(
        user=request.user,
        action=AuditAction.SETTINGS,
        target=_("Sending started.") if enabled else _("Sending stopped."),
        detail={"sending_enabled": enabled},
    )
    messages.success(request, _("Sending started.") if enabled else _("Sending stopped."))
    return redirect("messaging:settings")


@module_required(Module.SERVER, Module.OPERATOR)
def outgoing(request):
    form = OutgoingFilterForm(request.GET)
    if form.is_valid():
        rows = selectors.outgoing_list(user=request.user, filters=form.cleaned_data)
    else:
        rows = OutgoingMessage.objects.none()  # the form shows what is wrong
    if request.GET.get("export"):
        return export_response(
            OutgoingMessageResource(), rows, name="envio-de-mensajes", file_format=request.GET["export"]
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "messaging/outgoing.html", {"form": form, "page": page, "auto_refresh": True})


@module_required(Module.SERVER)
def incoming(request):
    if request.GET.get("export"):
        return export_response(
            IncomingMessageResource(),
            selectors.incoming_list(),
            name="mensajes-entrantes",
            file_format=request.GET["export"],
        )
    page = Paginator(selectors.incoming_list().prefetch_related("notifications"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    calls = selectors.calls_list().prefetch_related("notifications")[:20]
    return render(request, "messaging/incoming.html", {"page": page, "calls": calls, "auto_refresh": True})
