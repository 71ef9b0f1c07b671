"""Modules: what a user may use, as in the original's Users tab.

Each module is a permission (`accounts.<value>_module`) granted through a group of the
same name, so the Users tab ticks a module by adding the user to its group and the admin
shows the same thing. Superusers have every module.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Module(models.TextChoices):
    SERVER = "server", _("Server module")
    OPERATOR = "operator", _("Operator module")

    @property
    def codename(self) -> str:
        return f"{self.value}_module"

    @property
    def permission(self) -> str:
        return f"accounts.{self.codename}"

    @property
    def group_name(self) -> str:
        # Stored in the database, so not translated; the UI shows `label` instead.
        return {"server": "Server module", "operator": "Operator module"}[self.value]

    @property
    def description(self) -> str:
        return str(MODULE_DESCRIPTIONS[self])

    @property
    def includes(self) -> set["Module"]:
        """The modules whose pages this one opens too (the server module opens the operator's)."""
        return {Module.OPERATOR} if self is Module.SERVER else set()

    def is_allowed(self, user) -> bool:
        return bool(user.is_authenticated and user.is_active and user.has_perm(self.permission))


MODULE_DESCRIPTIONS = {
    Module.SERVER: _("Full administration: messages, loads, modem, server, credit and users."),
    Module.OPERATOR: _("Upload Excel files and follow the user's own loads."),
}


def user_modules(user) -> set[Module]:
    return {module for module in Module if module.is_allowed(user)}


def granted_modules(user) -> set[Module]:
    """The modules ticked for a user in the Users tab: their groups (and the server
    module for a superuser, who holds every permission anyway)."""
    names = {group.name for group in user.groups.all()}
    granted = {module for module in Module if module.group_name in names}
    return granted | {Module.SERVER} if user.is_superuser else granted


def grantable_modules(editor) -> set[Module]:
    """What `editor` may give others: a superuser anything; anyone else only what they hold."""
    if editor.is_superuser:
        return set(Module)
    held = user_modules(editor)
    return held.union(*(module.includes for module in held))


def access_refusal(*, user, modules: set[Module], by) -> str | None:
    """Why `by` may not give `user` these modules (None: it may). Only a superuser changes a
    superuser or gives modules beyond its own (the server module opens the admin: is_staff)."""
    if by is None or by.is_superuser:
        return None
    if user.is_superuser:
        return str(_("Only a superuser can change a superuser."))
    beyond = modules - granted_modules(user) - grantable_modules(by)
    if beyond:
        return _("Only a superuser can give modules you do not have: %(modules)s.") % {
            "modules": ", ".join(str(module.label) for module in sorted(beyond))
        }
    return None


def sync_module_groups(**kwargs) -> None:
    """Create the module groups and give them their permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    permissions = {p.codename: p for p in Permission.objects.filter(content_type__app_label="accounts")}
    for module in Module:
        if module.codename not in permissions:
            return  # accounts' own permissions are created later in this migrate run
    server, _created = Group.objects.get_or_create(name=Module.SERVER.group_name)
    # The server module administers everything, including the Django admin, so it holds
    # every model permission of the installation.
    server.permissions.set(Permission.objects.exclude(codename=Module.OPERATOR.codename))
    operator, _created = Group.objects.get_or_create(name=Module.OPERATOR.group_name)
    operator.permissions.set([permissions[Module.OPERATOR.codename]])
