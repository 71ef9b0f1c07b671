from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEntry, Licence, ServerSettings, User
from accounts.modules import Module

# What makes a user more powerful than the server module: only a superuser sets it. Others
# give modules in the Users tab, which checks that they give only what they hold.
SUPERUSER_ONLY_FIELDS = ["is_superuser", "is_staff", "groups", "user_permissions"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["is_active", "groups", "is_superuser"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else readonly + SUPERUSER_ONLY_FIELDS

    def has_change_permission(self, request, obj=None):
        # A superuser's password or e-mail changed by someone else would hand over the account.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """The module groups' permissions are set by migrate; only a superuser changes groups."""

    list_display = ["shown_name"]

    @admin.display(description=_("name"), ordering="name")
    def shown_name(self, group):
        """A module's group by the module's name in the reader's language ("module:server" is a key)."""
        for module in Module:
            if module.group_name == group.name:
                return module.label
        return group.name

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class SingletonAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not self.model.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServerSettings)
class ServerSettingsAdmin(SingletonAdmin):
    # The password is encrypted and set from the Server tab only.
    exclude = ["smtp_password"]


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


# django-axes' lists drill down by date (date_hierarchy), which makes MariaDB convert time zones
# it has no tables for: the pages failed there. The same lists, without the drill-down.
for _model, _model_admin in admin.site._registry.items():
    if _model._meta.app_label == "axes":
        _model_admin.date_hierarchy = None
