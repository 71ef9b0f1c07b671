"""The shell's toolbar and data tabs, as in the original: which page, which module."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.modules import Module

BOTH = (Module.SERVER, Module.OPERATOR)
SERVER = (Module.SERVER,)


@dataclass(frozen=True)
class Tab:
    url_name: str
    label: Promise
    icon: str
    modules: tuple[Module, ...]

    def is_allowed(self, user) -> bool:
        return any(module.is_allowed(user) for module in self.modules)

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class ToolbarGroup:
    label: Promise
    css_class: str
    tabs: tuple[Tab, ...]


TOOLBAR = (
    ToolbarGroup(
        _("Messages"),
        "group-messages",
        (
            Tab("messaging:settings", _("Messages"), "chat-dots", SERVER),
            Tab("loads:settings", _("Data loading"), "cloud-upload", BOTH),
        ),
    ),
    ToolbarGroup(
        _("Configuration"),
        "group-configuration",
        (
            Tab("modem:settings", _("Modem"), "usb-drive", SERVER),
            Tab("accounts:server", _("Server"), "hdd-network", SERVER),
            Tab("credit:settings", _("Credit"), "coin", SERVER),
            Tab("accounts:users", _("Users"), "people", SERVER),
        ),
    ),
)

DATA_TABS = (
    Tab("messaging:outgoing", _("Outgoing"), "send", BOTH),
    Tab("messaging:incoming", _("Incoming"), "inbox", SERVER),
    Tab("loads:history", _("Load history"), "clock-history", BOTH),
    Tab("loads:preview", _("Load preview"), "eye", SERVER),
    Tab("modem:processing", _("Processing"), "activity", SERVER),
)


def all_tabs() -> tuple[Tab, ...]:
    return tuple(tab for group in TOOLBAR for tab in group.tabs) + DATA_TABS


def first_allowed_tab(user) -> Tab | None:
    return next((tab for tab in DATA_TABS + all_tabs() if tab.is_allowed(user)), None)
