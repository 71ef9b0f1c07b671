from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from modem.models import Modem


@admin.register(Modem)
class ModemAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "port",
        "enabled",
        "state",
        "signal_bars",
        "manufacturer",
        "model",
        "operator",
        "heartbeat_at",
    ]
    list_filter = ["enabled", "state", "manufacturer", "operator"]
    search_fields = ["name", "port", "imei", "operator"]
    readonly_fields = [
        "state",
        "signal_dbm",
        "signal_bars",
        "manufacturer",
        "model",
        "revision",
        "imei",
        "operator",
        "last_error",
        "heartbeat_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "port", "enabled"]}),
        (
            _("Advanced settings"),
            {
                "fields": [
                    "baud_rate",
                    "init_commands",
                    "pin",
                    "smsc",
                    "command_timeout",
                    "spanish_encoding",
                    "rate_per_minute",
                    "rate_per_day",
                ]
            },
        ),
        (_("Live status"), {"fields": readonly_fields}),
    ]
