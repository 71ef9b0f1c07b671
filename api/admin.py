import secrets

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from api.models import ApiKey, Webhook, WebhookEvent
from api.services import api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created in Users → API keys (the key is shown once there); here they are listed,
    limited and revoked."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at", "rate_per_minute"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "user__username"]
    readonly_fields = ["user", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    fields = ["user", "name", "prefix", "rate_per_minute", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset.select_related("user"):
            api_key_revoke(key=key, by=request.user)


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Global webhooks (no key) and keys' webhooks. The signing secret is made on creation and
    shown here to the server module, who configures the receiver with it."""

    list_display = ["url", "key", "enabled", "created_at"]
    list_filter = ["enabled"]
    raw_id_fields = ["key"]
    readonly_fields = ["signing_secret", "created_at"]
    fields = ["url", "key", "events", "enabled", "signing_secret", "created_at"]

    @admin.display(description=_("signing secret"))
    def signing_secret(self, webhook: Webhook) -> str:
        return webhook.secret or "—"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {"events": list(WebhookEvent.values)}

    def save_model(self, request, obj, form, change):
        if not obj.secret:
            obj.secret = f"whsec_{secrets.token_urlsafe(32)}"
        super().save_model(request, obj, form, change)
