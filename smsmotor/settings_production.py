"""Production settings: the local defaults hardened for an office server.

    DJANGO_SETTINGS_MODULE=smsmotor.settings_production SECRET_KEY=... \
        ALLOWED_HOSTS=sms.example.bo python manage.py check --deploy

reports nothing. The site is expected behind HTTPS (a reverse proxy or a load balancer
that sets X-Forwarded-Proto); SECURE_SSL_REDIRECT=false turns the redirect off when the
proxy already does it.
"""

import os

from django.core.exceptions import ImproperlyConfigured

# Behind the proxy (nginx replaces X-Forwarded-For with the client's address): the login
# lockout counts per real client, not per proxy.
os.environ.setdefault("AXES_IP_HEADERS", "HTTP_X_FORWARDED_FOR,REMOTE_ADDR")

from .settings import *  # noqa: F403
from .settings import LICENCE_VENDOR_PUBLIC_KEY, env

DEBUG = False
# Only the vendor's key checks licences here, whatever the environment says.
if env.str("LICENCE_PUBLIC_KEY", default="") not in ("", LICENCE_VENDOR_PUBLIC_KEY):
    raise ImproperlyConfigured("LICENCE_PUBLIC_KEY cannot replace the vendor's licence key in production.")
LICENCE_PUBLIC_KEY = LICENCE_VENDOR_PUBLIC_KEY
SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-insecure"):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production; "
        "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
