from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.audit import audited_save
from accounts.modules import Module, module_required
from credit import services
from credit.forms import CounterForm, DailyQueryForm, OperatorProfileForm, QueryNowForm
from credit.models import BalanceQuery, CreditSettings, OperatorProfile
from smsmotor.texts import Text


@module_required(Module.SERVER)
def settings_view(request):
    credit = CreditSettings.load()
    counter_form = CounterForm(instance=credit, prefix="counter")
    daily_form = DailyQueryForm(instance=credit, prefix="daily")
    query_form = QueryNowForm(
        prefix="query", initial={"profile": credit.profile_id, "notify_email": request.user.email}
    )
    editing = None
    if request.GET.get("profile"):
        editing = get_object_or_404(OperatorProfile, pk=request.GET["profile"])
    profile_form = OperatorProfileForm(instance=editing, prefix="profile")
    action = request.POST.get("action")
    if request.method == "POST":
        if action == "reset":
            services.counter_reset(by=request.user)
            messages.success(request, _("Message counter reset."))
            return redirect("credit:settings")
        if action == "counter":
            counter_form = CounterForm(request.POST, instance=credit, prefix="counter")
            if counter_form.is_valid():
                audited_save(counter_form, user=request.user, target=Text(gettext_noop("Message counter")))
                messages.success(request, _("Counter settings saved."))
                return redirect("credit:settings")
        elif action == "daily":
            daily_form = DailyQueryForm(request.POST, instance=credit, prefix="daily")
            if daily_form.is_valid():
                audited_save(daily_form, user=request.user, target=Text(gettext_noop("Daily balance query")))
                services.balance_schedule_sync()
                messages.success(request, _("Daily balance query saved."))
                return redirect("credit:settings")
        elif action == "query":
            query_form = QueryNowForm(request.POST, prefix="query")
            if query_form.is_valid():
                try:
                    services.balance_query_start(
                        profile=query_form.cleaned_data["profile"],
                        notify_email=query_form.cleaned_data["notify_email"],
                        by=request.user,
                    )
                except services.CreditError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(request, _("Balance asked: the answer appears below when it arrives."))
                return redirect("credit:settings")
        elif action == "profile":
            profile_form = OperatorProfileForm(request.POST, instance=editing, prefix="profile")
            if profile_form.is_valid():
                audited_save(
                    profile_form,
                    user=request.user,
                    target=Text(gettext_noop("Operator profile %(name)s"), name=profile_form.cleaned_data["name"]),
                )
                messages.success(request, _("Operator profile saved."))
                return redirect("credit:settings")
    return render(
        request,
        "credit/settings.html",
        {
            "credit": credit,
            "counter_form": counter_form,
            "daily_form": daily_form,
            "query_form": query_form,
            "profile_form": profile_form,
            "editing": editing,
            "profiles": OperatorProfile.objects.all(),
            "queries": BalanceQuery.objects.select_related("profile", "requested_by").order_by("-requested_at")[:20],
            "auto_refresh": True,
        },
    )
