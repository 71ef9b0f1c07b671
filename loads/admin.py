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
    list_filter = ["type", "created_at", "created_by"]
    search_fields = ["=id", "file_name", "created_by__username"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"
    readonly_fields = ["cancelled_count", "cancelled_by", "cancelled_at"]


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "text", "updated_at"]
    search_fields = ["name", "text"]


@admin.register(LoadSettings)
class LoadSettingsAdmin(SingletonAdmin):
    pass
