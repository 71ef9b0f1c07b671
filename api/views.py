"""The Users tab's API keys: list, create (the key shown once), revoke. One small view per form."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import services
from api.forms import ApiKeyForm
from api.models import ApiKey
from api.webhooks import webhook_create


def keys(request, form: ApiKeyForm | None = None):
    rows = ApiKey.objects.select_related("user").prefetch_related("webhooks").order_by("-created_at")
    return render(
        request,
        "api/keys.html",
        {
            "keys": rows,
            "form": form or ApiKeyForm(),
            # Shown once, on the page right after its creation: never stored in clear.
            "new_key": request.session.pop("new_api_key", None),
        },
    )


@require_POST
def key_create(request):
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return keys(request, form=form)
    data = form.cleaned_data
    key, plain = services.api_key_create(user=data["user"], name=data["name"], by=request.user)
    ApiKey.objects.filter(pk=key.pk).update(rate_per_minute=data["rate_per_minute"])
    shown = {"username": data["user"].get_username(), "key": plain}
    if data["webhook_url"]:
        shown["webhook_secret"] = webhook_create(url=data["webhook_url"], key=key).secret
    request.session["new_api_key"] = shown
    return redirect("api_keys:list")


@require_POST
def key_revoke(request, pk: int):
    key = get_object_or_404(ApiKey.objects.select_related("user"), pk=pk)
    if services.api_key_revoke(key=key, by=request.user):
        messages.success(request, _("API key %(prefix)s revoked: it no longer opens the API.") % {"prefix": key.prefix})
    return redirect("api_keys:list")
