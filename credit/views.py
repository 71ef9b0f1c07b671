from django.shortcuts import render

from accounts.modules import Module, module_required
from credit.models import CreditSettings


@module_required(Module.SERVER)
def settings_view(request):
    return render(request, "credit/settings.html", {"credit": CreditSettings.load()})
