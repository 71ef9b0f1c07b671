"""SMS Motor settings, read from the environment.

Every value has a safe default for a local installation: SQLite in the project folder,
Spanish, America/La_Paz, mail printed to the console, django-q on the database broker.
Production overrides them through environment variables (see `.env.example`) and the
hardened `smsmotor.settings_production` module.
"""

import base64
import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A `.env` file beside manage.py is optional; real environment variables win over it.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env", overwrite=False)

# A development key is fine on a laptop; settings_production refuses to start without a real one.
SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-key-change-me-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "shell.apps.SmsMotorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "django_q",
    "smsmotor.apps.AxesConfig",  # django-axes
    "csp",
    "ninja",  # django-ninja: its Swagger UI from our static files (no CDN), for /api/docs/
    "accounts",
    "messaging",
    "loads",
    "modem",
    "credit",
    "api",  # the HTTP API (/api/v1/)
    "simulators",  # the simulated devices and their commands (the demo, tests, benchmarks)
    "shell",  # on top: the toolbar, status bar, health and root URLs import the apps above
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The user's language, else Spanish; never the browser's (see smsmotor/middleware.py).
    "smsmotor.middleware.LanguageMiddleware",
    # Which module opens which page (shell/pages.py): the login page or 403 for the others.
    "shell.pages.PageAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

# Brute-force protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user
# from one address, that pair is locked out for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address comes from django-ipware (django-axes' own way). Behind a reverse proxy
# every request comes from the proxy, so the address is the one the proxy writes in
# X-Forwarded-For: AXES_IP_HEADERS=HTTP_X_FORWARDED_FOR,REMOTE_ADDR (the production default;
# the proxy must replace the header, see README, Production). Without a proxy, REMOTE_ADDR.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IP_HEADERS", default=["REMOTE_ADDR"])

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from our own static
# files only; no inline script, style attribute, eval, frame or form to another site. Vendored
# libraries (Bootstrap, htmx) are served from static/ and pass as 'self'; htmx needs its
# inline indicator style turned off (htmx-config includeIndicatorStyles: false).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ROOT_URLCONF = "shell.urls"
WSGI_APPLICATION = "smsmotor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shell.context_processors.shell",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL names another one, e.g.
# mysql://smsmotor:secret@127.0.0.1:3306/smsmotor (MariaDB/MySQL through mysqlclient).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
_engine = DATABASES["default"]["ENGINE"]
if _engine == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "charset": "utf8mb4",
            # READ COMMITTED keeps row locks narrow, so workers claiming messages with
            # SELECT ... FOR UPDATE SKIP LOCKED do not block one another on gap locks.
            "isolation_level": "read committed",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
            # A worker waiting for a database that is down must still notice SIGTERM.
            "connect_timeout": 5,
        }
    )
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
elif _engine == "django.db.backends.sqlite3":
    # Several processes (web, cluster, modem workers) share the file: wait for locks
    # instead of failing at once, and let readers run beside the writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif _engine not in {"django.db.backends.postgresql"}:
    raise ImproperlyConfigured(f"DATABASE_URL names an unsupported database engine: {_engine}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Spanish first: the product's users are in Bolivia.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="es")
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# dd/mm/yyyy on the pages, ISO in date inputs (smsmotor/formats/).
FORMAT_MODULE_PATH = "smsmotor.formats"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365 * 2  # the choice outlives the browser
TIME_ZONE = env.str("TIME_ZONE", default="America/La_Paz")
USE_I18N = True
USE_TZ = True
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of {', '.join(dict(LANGUAGES))}")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files served by whitenoise (after collectstatic); tests use the
    # plain storage so that they need no collectstatic.
    "staticfiles": {
        "BACKEND": env.str("STATIC_STORAGE", default="whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed to the console unless EMAIL_URL says e.g. smtp+tls://user:pass@host:587.
# The SMTP account configured in the Server tab takes over for notifications.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="smsmotor@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Key for secrets kept in the database (the SMTP password): a Fernet key; when empty, one is
# derived from SECRET_KEY (smsmotor/crypto.py).
ENCRYPTION_KEY = env.str("ENCRYPTION_KEY", default="")
if ENCRYPTION_KEY:
    try:
        if len(base64.urlsafe_b64decode(ENCRYPTION_KEY)) != 32:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            "ENCRYPTION_KEY must be a Fernet key (32 bytes, base64url): make one with"
            " python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from None
# Licence keys are checked with the vendor's Ed25519 public key (base64url), shipped here: the
# matching private key never leaves the vendor. Another key (`manage.py issue_licence
# --generate-keypair`) is for development (DEBUG) and tests only; settings_production refuses one.
LICENCE_VENDOR_PUBLIC_KEY = "hKavP1q6g1ls5nSK4d4YRXyVD7_nS5Gt_Vxi9my5ztQ"
LICENCE_PUBLIC_KEY = env.str("LICENCE_PUBLIC_KEY", default="") or LICENCE_VENDOR_PUBLIC_KEY
if LICENCE_PUBLIC_KEY != LICENCE_VENDOR_PUBLIC_KEY and not DEBUG:
    raise ImproperlyConfigured(
        "LICENCE_PUBLIC_KEY replaces the vendor's licence key: allowed only for development (DEBUG=true)."
    )
# Company databases in SQLite (the integration) are read only from files in this folder.
# Empty: SQLite files cannot be used.
ERP_SQLITE_DIR = env.str("ERP_SQLITE_DIR", default=str(BASE_DIR / "erp"))
# The most SMS parts one loaded message may take: more is a mistake in the file, not a reminder.
LOADS_MAX_SMS_PARTS = env.int("LOADS_MAX_SMS_PARTS", default=10)
if not 1 <= LOADS_MAX_SMS_PARTS <= 255:
    raise ImproperlyConfigured(
        "LOADS_MAX_SMS_PARTS must be between 1 and 255 (a concatenated SMS has 255 parts at most)"
    )
# Seconds a web process reuses the status bar it computed (0: every page computes it).
STATUS_CACHE_SECONDS = env.int("STATUS_CACHE_SECONDS", default=5)

# django-q2: the database is the broker unless Q_BROKER=redis (then REDIS_URL is used).
Q_BROKER = env.str("Q_BROKER", default="orm")
Q_CLUSTER = {
    "name": "smsmotor",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "catch_up": False,
    "label": _("Tasks"),
    "sync": env.bool("Q_SYNC", default=False),
}
if Q_BROKER == "orm":
    Q_CLUSTER["orm"] = "default"
elif Q_BROKER == "redis":
    Q_CLUSTER["redis"] = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
else:
    raise ImproperlyConfigured("Q_BROKER must be 'orm' or 'redis'")

# django-q2's own models use conditional indexes that MariaDB ignores; nothing of ours does.
SILENCED_SYSTEM_CHECKS = ["models.W037"]

# Event log: one text file per day in LOG_DIR, plus the console.
LOG_DIR = env.path("LOG_DIR", default=BASE_DIR / "logs")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "event": {"format": "%(asctime)s %(levelname)s [%(process)d %(name)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "event"},
        "daily_file": {
            "class": "smsmotor.logs.DailyFileHandler",
            "directory": str(LOG_DIR),
            "formatter": "event",
        },
    },
    "filters": {"no_client_error_traceback": {"()": "smsmotor.logs.NoClientErrorTraceback"}},
    "root": {"handlers": ["console", "daily_file"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"level": "INFO", "propagate": True},
        # A 403 or 404 is one line; only server errors carry their traceback.
        "django.request": {"level": "WARNING", "propagate": True, "filters": ["no_client_error_traceback"]},
        "django-q": {"level": "INFO", "propagate": True},
        # Its start-up banner would open the output of every management command.
        "axes": {"level": "WARNING", "propagate": True},
    },
}
