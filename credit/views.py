"""The Credit tab: one page, one small view per form on it (each re-shows the page when its form
comes back with errors)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from accounts.audit import audited_save
from credit import services
from credit.forms import CounterForm, DailyQueryForm, OperatorProfileForm, QueryNowForm
from credit.models import BalanceQuery, CreditSettings, OperatorProfile
from smsmotor.texts import Text


def settings_view(request):
    return settings_page(request)


def settings_page(request, *, counter_form=None, daily_form=None, query_form=None, profile_form=None):
    credit = CreditSettings.load()
    editing = _profile_editing(request)
    return render(
        request,
        "credit/settings.html",
        {
            "credit": credit,
            "counter_form": counter_form or CounterForm(instance=credit, prefix="counter"),
            "daily_form": daily_form or DailyQueryForm(instance=credit, prefix="daily"),
            "query_form": query_form
            or QueryNowForm(prefix="query", initial={"profile": credit.profile_id, "notify_email": request.user.email}),
            "profile_form": profile_form or OperatorProfileForm(instance=editing, prefix="profile"),
            "editing": editing,
            "profiles": OperatorProfile.objects.all(),
            "queries": BalanceQuery.objects.select_related("profile", "requested_by").order_by("-requested_at")[:20],
            "auto_refresh": True,
        },
    )


def _profile_editing(request) -> OperatorProfile | None:
    """The profile named by ?profile= (its Edit button), else None: a new one."""
    if request.GET.get("profile"):
        return get_object_or_404(OperatorProfile, pk=request.GET["profile"])
    return None


@require_POST
def counter_reset(request):
    services.counter_reset(by=request.user)
    messages.success(request, _("Message counter reset."))
    return redirect("credit:settings")


@require_POST
def counter(request):
    form = CounterForm(request.POST, instance=CreditSettings.load(), prefix="counter")
    if not form.is_valid():
        return settings_page(request, counter_form=form)
    audited_save(form, user=request.user, target=Text(gettext_noop("Message counter")))
    messages.success(request, _("Counter settings saved."))
    return redirect("credit:settings")


@require_POST
def daily(request):
    form = DailyQueryForm(request.POST, instance=CreditSettings.load(), prefix="daily")
    if not form.is_valid():
        return settings_page(request, daily_form=form)
    audited_save(form, user=request.user, target=Text(gettext_noop("Daily balance query")))
    services.balance_schedule_sync()
    messages.success(request, _("Daily balance query saved."))
    return redirect("credit:settings")


@require_POST
def query(request):
    form = QueryNowForm(request.POST, prefix="query")
    if not form.is_valid():
        return settings_page(request, query_form=form)
    try:
        services.balance_query_start(
            profile=form.cleaned_data["profile"], notify_email=form.cleaned_data["notify_email"], by=request.user
        )
    except services.CreditError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Balance asked: the answer appears below when it arrives."))
    return redirect("credit:settings")


@require_POST
def profile(request):
    """Save a new operator profile, or the one named by ?profile=."""
    form = OperatorProfileForm(request.POST, instance=_profile_editing(request), prefix="profile")
    if not form.is_valid():
        return settings_page(request, profile_form=form)
    audited_save(
        form,
        user=request.user,
        target=Text(gettext_noop("Operator profile %(name)s"), name=form.cleaned_data["name"]),
    )
    messages.success(request, _("Operator profile saved."))
    return redirect("credit:settings")
