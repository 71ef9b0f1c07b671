"""Settings come from the environment; each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "k" * 20 + "-production-test-key-" + "x" * 30

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({"engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "tz": settings.TIME_ZONE, "lang": settings.LANGUAGE_CODE, "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS, "q": {k: str(v) for k, v in settings.Q_CLUSTER.items()},
    "email": settings.EMAIL_BACKEND}))
"""


def run(code: str, module: str = "smsmotor.settings", **env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "Q_BROKER", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(DJANGO_SETTINGS_MODULE=module, **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=60
    )


def settings_with(**env) -> dict:
    result = run(PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class SettingsTestCase(SimpleTestCase):
    def test_it_defaults_to_sqlite_in_the_project_folder(self):
        values = settings_with()
        self.assertEqual(values["engine"], "django.db.backends.sqlite3")
        self.assertEqual(values["name"], str(BASE_DIR / "db.sqlite3"))

    def test_it_selects_mysql_from_database_url(self):
        values = settings_with(DATABASE_URL="mysql://sms:secret@db.example:3307/smsmotor")
        self.assertEqual(values["engine"], "django.db.backends.mysql")
        self.assertEqual((values["name"], values["host"]), ("smsmotor", "db.example"))

    def test_it_has_safe_local_defaults(self):
        values = settings_with()
        self.assertEqual(values["tz"], "America/La_Paz")
        self.assertEqual(values["lang"], "es")
        self.assertFalse(values["debug"])
        self.assertIn("127.0.0.1", values["hosts"])
        self.assertEqual(values["q"]["orm"], "default")
        self.assertEqual(values["email"], "django.core.mail.backends.console.EmailBackend")

    def test_it_reads_the_rest_from_the_environment(self):
        values = settings_with(
            TIME_ZONE="America/Lima",
            DEBUG="true",
            ALLOWED_HOSTS="sms.example.bo,10.0.0.5",
            Q_BROKER="redis",
            REDIS_URL="redis://127.0.0.1:6379/3",
            EMAIL_URL="smtp+tls://user:pw@mail.example.bo:587",
        )
        self.assertEqual(values["tz"], "America/Lima")
        self.assertTrue(values["debug"])
        self.assertEqual(values["hosts"], ["sms.example.bo", "10.0.0.5"])
        self.assertEqual(values["q"]["redis"], "redis://127.0.0.1:6379/3")
        self.assertEqual(values["email"], "django.core.mail.backends.smtp.EmailBackend")

    def test_it_is_loud_on_bad_values(self):
        for env in [
            {"Q_BROKER": "rabbit"},
            {"LANGUAGE_CODE": "fr"},
            {"DATABASE_URL": "oracle://x@y/z"},
            {"ENCRYPTION_KEY": "not-a-fernet-key"},
        ]:
            with self.subTest(env=env):
                result = run(PRINT_SETTINGS, **env)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("ImproperlyConfigured", result.stderr)

    def test_production_refuses_to_start_without_a_secret_key(self):
        result = run(PRINT_SETTINGS, module="smsmotor.settings_production")
        self.assertIn("SECRET_KEY must be set", result.stderr)

    def test_production_passes_check_deploy(self):
        result = run(
            "import django, sys; from django.core.management import execute_from_command_line; "
            "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'DEBUG'])",
            module="smsmotor.settings_production",
            SECRET_KEY=PRODUCTION_KEY,
            ALLOWED_HOSTS="sms.example.bo",
        )
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        self.assertIn("no issues", result.stdout)


class MigrationsTestCase(TestCase):
    def test_models_and_migrations_agree(self):
        # Raises SystemExit(1) if a model change has no migration.
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)


class DatabaseInUseTestCase(TestCase):
    def test_the_suite_runs_on_the_database_that_database_url_names(self):
        from django.db import connection

        url = os.environ.get("DATABASE_URL", "sqlite://")
        expected = "mysql" if url.startswith("mysql") else "sqlite"
        self.assertEqual(connection.vendor, expected)
