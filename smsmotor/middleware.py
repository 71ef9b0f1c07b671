"""The page language: Spanish unless the user chose otherwise, whatever the browser asks.

Django's LocaleMiddleware follows the browser's Accept-Language, so an office PC set up in
English showed English pages to people who read Spanish. Here the language is the one the user
chose (saved on the user when the user model has a `language` field, and in a cookie that
outlives the browser), else the installation's LANGUAGE_CODE.
"""

from django.conf import settings
from django.utils import translation


def chosen_language(request) -> str:
    available = dict(settings.LANGUAGES)
    user = getattr(request, "user", None)
    saved = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    for code in (saved, cookie):
        if code in available:
            return code
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Replaces django.middleware.locale.LocaleMiddleware; goes after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
