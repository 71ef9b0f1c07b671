from django.contrib import admin

from accounts.admin import SingletonAdmin
from credit.models import CreditSettings


@admin.register(CreditSettings)
class CreditSettingsAdmin(SingletonAdmin):
    pass
