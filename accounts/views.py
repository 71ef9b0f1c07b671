from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import services
from accounts.forms import UserAccessFormSet, UserCreateForm
from accounts.models import Licence
from accounts.modules import Module, granted_modules, module_required
from smsmotor.status import licence_status

User = get_user_model()


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
    create_form = UserCreateForm(request.POST if action == "create" else None)

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
        messages.success(request, _("Users saved (%(count)d changed).") % {"count": changed})
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
    return render(
        request,
        "accounts/users.html",
        {"formset": formset, "rows": rows, "create_form": create_form, "modules": list(Module)},
    )


@module_required(Module.SERVER)
def server(request):
    licence = Licence.load()
    licence_text, licence_ok = licence_status(licence)
    return render(
        request,
        "accounts/server.html",
        {
            "database": services.database_status(),
            "licence": licence,
            "licence_text": licence_text,
            "licence_ok": licence_ok,
        },
    )
