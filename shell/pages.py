"""Which module may see which page: the one registry.

Every named URL outside the admin is here, with the modules that open it. The toolbar and the
data tabs (shell.navigation) show a page to the users it opens for, and PageAccessMiddleware
answers everyone else: the login page for an anonymous visitor, 403 for a logged-in user without
the module. A page missing here is closed to everyone (and shell/tests/test_pages.py says which).
The server module's pages include the Django admin (ADMIN), checked by shell.admin.AdminSite.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts.modules import Module

PUBLIC = None  # no login: the login page, the health check for monitoring, the language switch
LOGGED_IN = ()  # any logged-in user; the view decides (home opens the first page the user may see)
BOTH = (Module.SERVER, Module.OPERATOR)
SERVER = (Module.SERVER,)
ADMIN = SERVER

PAGES: dict[str, tuple[Module, ...] | None] = {
    "login": PUBLIC,
    "logout": PUBLIC,
    "health": PUBLIC,  # says more to a logged-in user with a module
    "language": PUBLIC,
    "home": LOGGED_IN,
    "status": BOTH,
    # Messages
    "messaging:settings": SERVER,
    "messaging:sending_switch": SERVER,
    "messaging:outgoing": BOTH,  # an operator sees the messages of their own loads
    "messaging:outgoing_live": BOTH,
    "messaging:incoming": SERVER,
    "messaging:incoming_live": SERVER,
    # Data loading
    "loads:settings": BOTH,
    "loads:excel_upload": BOTH,
    "loads:excel_confirm": BOTH,
    "loads:excel_cancel": BOTH,
    "loads:excel_example": BOTH,
    "loads:cancel": BOTH,  # an operator cancels only their own loads
    "loads:history": BOTH,
    "loads:erp_load": SERVER,
    "loads:erp_test": SERVER,
    "loads:automatic": SERVER,
    "loads:integration": SERVER,
    "loads:integration_test": SERVER,
    "loads:templates": SERVER,
    "loads:template_edit": SERVER,
    "loads:template_test": SERVER,
    "loads:template_measure": SERVER,
    "loads:preview": SERVER,
    # Modem
    "modem:settings": SERVER,
    "modem:live": SERVER,
    "modem:new": SERVER,
    "modem:edit": SERVER,
    "modem:load_defaults": SERVER,
    "modem:detect_ports": SERVER,
    "modem:reconnect": SERVER,
    "modem:simulate_sms": SERVER,
    "modem:simulate_call": SERVER,
    "modem:test_sms": SERVER,
    "modem:processing": SERVER,
    "modem:processing_live": SERVER,
    # Credit
    "credit:settings": SERVER,
    "credit:counter_reset": SERVER,
    "credit:counter": SERVER,
    "credit:query": SERVER,
    "credit:daily": SERVER,
    "credit:profile": SERVER,
    # Server and users
    "accounts:server": SERVER,
    "accounts:licence": SERVER,
    "accounts:smtp": SERVER,
    "accounts:test_email": SERVER,
    "accounts:event_log": SERVER,
    "accounts:audit": SERVER,
    "accounts:event_log_clear": SERVER,
    "accounts:event_log_show": SERVER,
    "accounts:event_log_download": SERVER,
    "accounts:users": SERVER,
    "accounts:users_save": SERVER,
    "accounts:user_create": SERVER,
    "accounts:user_password_reset": SERVER,
    "accounts:user_enabled": SERVER,
    "api_keys:list": SERVER,
    "api_keys:create": SERVER,
    "api_keys:revoke": SERVER,
    # The HTTP API: no login session; each endpoint checks its Bearer key and the key's user's
    # modules itself (api.auth). Its schema and docs are public.
    "api:api-root": PUBLIC,
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:message_send": PUBLIC,
    "api:message_get": PUBLIC,
    "api:message_list": PUBLIC,
    "api:message_cancel": PUBLIC,
    "api:batch_send": PUBLIC,
    "api:incoming_list": PUBLIC,
    "api:line_list": PUBLIC,
    "api:credit": PUBLIC,
}


def is_allowed(modules: tuple[Module, ...], user) -> bool:
    return any(module.is_allowed(user) for module in modules)


def page_is_allowed(view_name: str, user) -> bool:
    """May `user` open the page named `view_name` ("loads:history")? Unknown pages: no."""
    if view_name not in PAGES:
        return False
    modules = PAGES[view_name]
    if modules is PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    return modules == LOGGED_IN or is_allowed(modules, user)


class PageAccessMiddleware:
    """Opens each page to the modules PAGES gives it; goes after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match.namespaces[:1] == ["admin"]:
            return None  # the admin site checks ADMIN itself (shell.admin.AdminSite)
        if page_is_allowed(match.view_name, request.user):
            return None
        if not request.user.is_authenticated and match.view_name in PAGES:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
