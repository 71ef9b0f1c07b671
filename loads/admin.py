from django.contrib import admin

from accounts.admin import SingletonAdmin
from loads.models import Load, LoadSettings, Template


@admin.register(Load)
class LoadAdmin(admin.ModelAdmin):
    # The columns of the Load history tab.
    list_display = [
        "id",
        "type",
        "created_at",
        "created_by",
        "reference_date",
        "send_date",
        "rows_read",
        "messages_created",
        "rows_rejected",
        "segments",
        "cancelled_count",
    ]
    # Dates by filter, not date_hierarchy: on a datetime column the hierarchy makes the
    # database convert time zones, which MariaDB cannot do without its zone tables.
    list_filter = ["type", "created_at", "created_by"]
    search_fields = ["=id", "file_name", "created_by__username"]
    list_select_related = ["created_by"]
    readonly_fields = ["cancelled_count", "cancelled_by", "cancelled_at"]


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "text", "updated_at"]
    search_fields = ["name", "text"]


@admin.register(LoadSettings)
class LoadSettingsAdmin(SingletonAdmin):
    pass
