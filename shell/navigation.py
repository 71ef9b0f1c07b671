"""The shell's toolbar and data tabs, as in the original; which module opens which page is in
shell.pages (PAGES), the same registry the access check reads."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.modules import Module
from shell.pages import PAGES, is_allowed


@dataclass(frozen=True)
class Tab:
    url_name: str
    label: Promise
    icon: str

    @property
    def modules(self) -> tuple[Module, ...]:
        return PAGES[self.url_name]

    def is_allowed(self, user) -> bool:
        return is_allowed(self.modules, user)

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
            Tab("messaging:settings", _("Messages"), "chat-dots"),
            Tab("loads:settings", _("Data loading"), "cloud-upload"),
        ),
    ),
    ToolbarGroup(
        _("Configuration"),
        "group-configuration",
        (
            Tab("modem:settings", _("Modem"), "usb-drive"),
            Tab("accounts:server", _("Server"), "hdd-network"),
            Tab("credit:settings", _("Credit"), "coin"),
            Tab("accounts:users", _("Users"), "people"),
        ),
    ),
)

DATA_TABS = (
    Tab("messaging:outgoing", _("Outgoing"), "send"),
    Tab("messaging:incoming", _("Incoming"), "inbox"),
    Tab("loads:history", _("Load history"), "clock-history"),
    Tab("loads:preview", _("Load preview"), "eye"),
    Tab("modem:processing", _("Processing"), "activity"),
)


def all_tabs() -> tuple[Tab, ...]:
    return tuple(tab for group in TOOLBAR for tab in group.tabs) + DATA_TABS


def first_allowed_tab(user) -> Tab | None:
    return next((tab for tab in DATA_TABS + all_tabs() if tab.is_allowed(user)), None)
