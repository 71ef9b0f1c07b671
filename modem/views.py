import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from accounts.audit import audited_save
from messaging.models import OutgoingMessage, SentPart
from messaging.phones import normalize_phone
from modem import services
from modem.forms import ModemForm, TestSmsForm
from modem.models import CommandKind, Modem, ModemCommand, ModemEvent
from modem.ports import detect_ports
from smsmotor import live
from smsmotor.texts import Text

PROCESSING_LINES = 200


def _with_sent_today(modems: list[Modem]) -> list[Modem]:
    """Each line's SMS parts sent today (what its per-day limit counts), in one query."""
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))
    counts = dict(
        SentPart.objects.filter(sent_at__gte=midnight).values("modem").annotate(n=Count("id")).values_list("modem", "n")
    )
    for modem in modems:
        modem.sent_today = counts.get(modem.pk, 0)
    return modems


def settings_view(request, pk=None):
    modems = _with_sent_today(list(Modem.objects.all()))
    current = get_object_or_404(Modem, pk=pk) if pk else (modems[0] if modems else None)
    form = ModemForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = audited_save(
            form, user=request.user, target=Text(gettext_noop("Modem %(name)s"), name=form.cleaned_data["name"])
        )
        messages.success(request, _("Modem %(name)s saved.") % {"name": saved.name})
        return redirect("modem:edit", pk=saved.pk)
    context = {
        "modems": modems,
        "current": current,
        "form": form,
        "test_form": TestSmsForm(),
        # This web server's own ports, for when no worker is running yet.
        "local_ports": detect_ports(),
        "auto_refresh": False,
        **_live_parts(),
    }
    return render(request, "modem/settings.html", context)


def _live_parts() -> dict:
    """The parts of the Modem tab that change by themselves: the test messages and the last port detection."""
    tests = list(OutgoingMessage.objects.filter(is_test=True).order_by("-id")[:5])
    detection = ModemCommand.objects.filter(kind=CommandKind.DETECT_PORTS).order_by("-id").first()
    sig = live.signature(
        [(m.pk, m.status, m.result) for m in tests] + [(detection.pk, detection.status) if detection else None]
    )
    return {"tests": tests, "detection": detection, "live": {"sig": sig}}


def live_view(request):
    """The Modem tab's poll: the test messages and port detection again when they changed."""
    current = Modem.objects.filter(pk=request.GET.get("modem") or 0).first()
    parts = _live_parts()
    if request.GET.get("sig") == parts["live"]["sig"]:
        return live.answer(request, [])
    html = render_to_string("modem/_live.html", {**parts, "current": current, "oob": True}, request)
    return live.answer(request, [html])


def new(request):
    form = ModemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = audited_save(
            form, user=request.user, target=Text(gettext_noop("Modem %(name)s"), name=form.cleaned_data["name"])
        )
        messages.success(request, _("Modem %(name)s saved.") % {"name": saved.name})
        return redirect("modem:edit", pk=saved.pk)
    return render(request, "modem/new.html", {"form": form, "local_ports": detect_ports()})


@require_POST
def load_defaults(request, pk):
    modem = get_object_or_404(Modem, pk=pk)
    services.modem_load_defaults(modem=modem, by=request.user)
    messages.success(request, _("Advanced settings set to the recommended values."))
    return redirect("modem:edit", pk=pk)


def _queue_command(request, pk: int, kind: str):
    modem = get_object_or_404(Modem, pk=pk)
    services.modem_command_queue(modem=modem, kind=kind, by=request.user)
    if not modem.is_alive():
        messages.warning(request, _("The modem's worker is not running: the command waits until it starts."))
    else:
        messages.success(request, _("Sent to the modem; the result appears here in a few seconds."))
    return redirect("modem:edit", pk=pk)


@require_POST
def detect_ports_command(request, pk):
    """Ask the line's worker which ports its machine has (the modem may be on another machine)."""
    return _queue_command(request, pk, CommandKind.DETECT_PORTS)


@require_POST
def reconnect(request, pk):
    return _queue_command(request, pk, CommandKind.RECONNECT)


@require_POST
def simulate_sms(request, pk):
    """The demo: the simulated modem receives an SMS from a customer."""
    modem = get_object_or_404(Modem, pk=pk, simulated=True)
    phone = normalise_or_raw(request.POST.get("phone", ""))
    text = request.POST.get("text", "").strip()[:150]
    services.modem_command_queue(
        modem=modem, kind=CommandKind.SIMULATE_SMS, argument=f"{phone}\n{text}", by=request.user
    )
    messages.success(
        request, _("The simulated modem receives an SMS from %(phone)s: see the Incoming tab.") % {"phone": phone}
    )
    return redirect("modem:edit", pk=pk)


@require_POST
def simulate_call(request, pk):
    """The demo: someone calls the simulated modem's number."""
    modem = get_object_or_404(Modem, pk=pk, simulated=True)
    phone = normalise_or_raw(request.POST.get("phone", ""))
    services.modem_command_queue(modem=modem, kind=CommandKind.SIMULATE_CALL, argument=phone, by=request.user)
    messages.success(
        request, _("The simulated modem receives a call from %(phone)s: see the Incoming tab.") % {"phone": phone}
    )
    return redirect("modem:edit", pk=pk)


def normalise_or_raw(phone: str) -> str:
    try:
        return normalize_phone(phone.strip() or "70000288")
    except ValidationError:
        return phone.strip()[:20]


@require_POST
def test_sms(request):
    form = TestSmsForm(request.POST)
    if form.is_valid():
        message = services.test_sms_queue(phone=form.cleaned_data["phone"], by=request.user)
        messages.success(
            request, _("Test message %(id)d queued for %(phone)s.") % {"id": message.pk, "phone": message.phone}
        )
    else:
        messages.error(request, " ".join(form.errors["phone"]))
    target = request.POST.get("next", "")
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(target if safe else reverse("modem:settings"))


def processing(request):
    return render(request, "modem/processing.html", {**_processing_context(), "auto_refresh": True})


def _processing_context() -> dict:
    events = list(ModemEvent.objects.select_related("modem").order_by("-created_at", "-id")[:PROCESSING_LINES])
    return {"events": events, "live": {"sig": events[0].pk if events else 0}}


def processing_live(request):
    """The Processing log's poll: the log again when there is a newer line."""
    newest = ModemEvent.objects.order_by("-created_at", "-id").values_list("pk", flat=True).first() or 0
    if request.GET.get("sig") == str(newest):
        return live.answer(request, [])
    html = render_to_string("modem/_processing_table.html", {**_processing_context(), "oob": True}, request)
    return live.answer(request, [html])
