from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEntry, Licence, ServerSettings, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["is_active", "groups", "is_superuser"]


class SingletonAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not self.model.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServerSettings)
class ServerSettingsAdmin(SingletonAdmin):
    # The password is encrypted and set from the Server tab only.
    exclude = ["smtp_password_encrypted"]


@admin.register(Licence)
class LicenceAdmin(SingletonAdmin):
    # The licence is a signed key; its dates are read from it, not typed in.
    readonly_fields = ["company_name", "installed_on", "expires_on", "key"]
    fieldsets = [(_("Licence"), {"fields": readonly_fields})]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by the application, never edited."""

    list_display = ["at", "user", "action", "target"]
    list_filter = ["action", "at"]
    search_fields = ["target", "=user__username"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
