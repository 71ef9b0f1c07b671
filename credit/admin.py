from django.contrib import admin

from accounts.admin import SingletonAdmin
from credit.models import BalanceQuery, CreditSettings, OperatorProfile


@admin.register(CreditSettings)
class CreditSettingsAdmin(SingletonAdmin):
    pass


@admin.register(OperatorProfile)
class OperatorProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "method", "ussd_code", "sms_number", "sms_text"]


@admin.register(BalanceQuery)
class BalanceQueryAdmin(admin.ModelAdmin):
    list_display = ["requested_at", "profile", "method", "status", "answer", "balance", "answered_at", "automatic"]
    list_filter = ["status", "method", "profile", "automatic", "requested_at"]
    list_select_related = ["profile"]
    readonly_fields = ["command", "message"]
