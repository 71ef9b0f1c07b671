"""Settings for the test suite: the normal settings, with test-run defaults.

The database still comes from DATABASE_URL, so the same suite runs on SQLite and MariaDB.
"""

import os
import tempfile
from pathlib import Path

ARTIFACTS = Path(
    os.environ.setdefault("TEST_ARTIFACTS", str(Path(__file__).resolve().parent.parent / "tests" / "artifacts"))
)
# The event log of a test run goes with its other artifacts, not into ./logs.
os.environ.setdefault("LOG_DIR", str(ARTIFACTS / "logs"))
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Plain static storage: tests need no collectstatic.
os.environ.setdefault("STATIC_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
# Company databases of the tests (SQLite files) are made in the temporary folder.
os.environ.setdefault("ERP_SQLITE_DIR", tempfile.gettempdir())

from .settings import *  # noqa: E402, F403

# A licence key pair for tests only (its private half is in smsmotor/test.py); never a real one.
LICENCE_PUBLIC_KEY = "QG-3imS2LZAKZaXBpjTMEjVczjR3OusPTkqphYI_q7U"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATUS_CACHE_SECONDS = 0  # tests change settings and look at the next page at once

# whitenoise looks for STATIC_ROOT at start-up; tests serve from the finders instead.
STATIC_ROOT = ARTIFACTS / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Tests that start real worker processes need a database those processes can open too:
# a file for SQLite (the default test database lives in memory).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(ARTIFACTS / "test-db.sqlite3")}  # noqa: F405

# django-q tasks run inline in tests, so a schedule fired by the scheduler runs its task.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
