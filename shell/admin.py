from functools import update_wrapper

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from shell.pages import ADMIN, is_allowed


class AdminSite(admin.AdminSite):
    """The Django admin, open to users of the server module only.

    A logged-in user without it gets 403, like on every other server-module page, instead
    of the admin's own login form.
    """

    site_header = _("SMS Motor administration")
    site_title = _("SMS Motor")
    index_title = _("Administration")
    # The sidebar rebuilds the whole app list on every page; the index page has it anyway.
    enable_nav_sidebar = False

    def has_permission(self, request) -> bool:
        return is_allowed(ADMIN, request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            self._refuse_outsiders(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, view)

    def login(self, request, extra_context=None):
        self._refuse_outsiders(request)
        return super().login(request, extra_context)

    def _refuse_outsiders(self, request) -> None:
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
