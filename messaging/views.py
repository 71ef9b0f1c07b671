from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from accounts.audit import audit, form_changes
from accounts.models import AuditAction
from messaging import selectors, services
from messaging.forms import MessagingSettingsForm, OutgoingFilterForm
from messaging.models import MessageStatus, MessagingSettings, OutgoingMessage
from messaging.resources import IncomingMessageResource, OutgoingMessageResource
from smsmotor import live
from smsmotor.exports import export_response
from smsmotor.texts import Text

PAGE_SIZE = 50
# States a message never leaves: the live table stops watching it.
FINAL_STATES = frozenset({MessageStatus.DELIVERED, MessageStatus.FAILED, MessageStatus.CANCELLED})


def settings_view(request):
    current = MessagingSettings.load()
    form = MessagingSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        changes = form_changes(form)
        services.messaging_settings_update(data=form.cleaned_data)
        if changes:
            audit(
                user=request.user,
                action=AuditAction.SETTINGS,
                target=Text(gettext_noop("Messages tab")),
                detail=changes,
            )
        messages.success(request, _("Messages settings saved."))
        return redirect("messaging:settings")
    return render(request, "messaging/settings.html", {"form": form, "settings": current})


@require_POST
def sending_switch(request):
    enabled = request.POST.get("sending") == "on"
    services.messaging_settings_update(data={"sending_enabled": enabled})
    audit(
        user=request.user,
        action=AuditAction.SETTINGS,
        target=Text(gettext_noop("Sending started.") if enabled else gettext_noop("Sending stopped.")),
        detail={"sending_enabled": enabled},
    )
    messages.success(request, _("Sending started.") if enabled else _("Sending stopped."))
    return redirect("messaging:settings")


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
    context = {"form": form, "page": page, "live": _outgoing_live_state(page), "auto_refresh": True}
    return render(request, "messaging/outgoing.html", context)


def _outgoing_live_state(page) -> dict:
    # New rows are only looked for on the first page (the newest); later pages only follow their rows.
    after = "" if page.number > 1 else page[0].pk if len(page) else 0
    return {"after": after, "watch": live.watch_text(page, FINAL_STATES)}


def outgoing_live(request):
    """The Outgoing table's poll: the rows whose state changed, or the whole table when new
    messages arrived on the first page, and the status bar when it changed; 204 when nothing did."""
    form = OutgoingFilterForm(request.GET)
    if not form.is_valid():
        return live.no_change()
    rows = selectors.outgoing_list(user=request.user, filters=form.cleaned_data)
    after = live.after_value(request.GET.get("after", ""))
    if after is not None and rows.filter(pk__gt=after).exists():
        page = Paginator(rows, PAGE_SIZE).get_page(1)
        context = {"new_rows": True, "page": page, "live": _outgoing_live_state(page)}
        return live.answer(request, [render_to_string("messaging/_outgoing_live.html", context, request)], why=True)
    watched = live.parse_watch(request.GET.get("watch", ""))
    changed = [message for message in rows.filter(pk__in=watched) if message.status != watched[message.pk]]
    if not changed:
        return live.answer(request, [], why=True)
    for message in changed:
        watched[message.pk] = message.status
    state = {
        "after": request.GET.get("after", ""),
        "watch": ",".join(f"{pk}:{status}" for pk, status in watched.items() if status not in FINAL_STATES),
    }
    context = {"changed": changed, "live": state}
    return live.answer(request, [render_to_string("messaging/_outgoing_live.html", context, request)], why=True)


def incoming(request):
    if request.GET.get("export"):
        return export_response(
            IncomingMessageResource(),
            selectors.incoming_list(),
            name="mensajes-entrantes",
            file_format=request.GET["export"],
        )
    context = _incoming_context(request)
    return render(request, "messaging/incoming.html", {**context, "auto_refresh": True})


def _incoming_context(request) -> dict:
    page = Paginator(selectors.incoming_list().prefetch_related("notifications"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    calls = list(selectors.calls_list().prefetch_related("notifications")[:20])
    return {"page": page, "calls": calls, "live": {"sig": _incoming_signature(page, calls)}}


def _incoming_signature(page, calls) -> str:
    def states(item):
        return [(n.pk, n.status) for n in item.notifications.all()]

    return live.signature([(m.pk, states(m)) for m in page] + [(c.pk, c.received_at, states(c)) for c in calls])


def incoming_live(request):
    """The Incoming tab's poll: the tables again when a message, a call or an e-mail state changed."""
    context = _incoming_context(request)
    if request.GET.get("sig") == context["live"]["sig"]:
        return live.answer(request, [])
    return live.answer(
        request, [render_to_string("messaging/_incoming_tables.html", {**context, "oob": True}, request)]
    )
