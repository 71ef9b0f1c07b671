#!/usr/bin/env bash
# Install what the tests need and run the whole suite: lint, then SQLite, then MariaDB.
# Extra arguments go to pytest (e.g. scripts/test.sh -k permissions).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --dev
export PATH="$PWD/.venv/bin:$PATH"
unset DATABASE_URL DJANGO_SETTINGS_MODULE

echo "==> ruff"
ruff check .
ruff format --check .

# MariaDB first: the SQLite pass also reads from a MariaDB "company database" (ERP tests).
scripts/mariadb.sh
scripts/redis.sh

# One test process per core (pytest-xdist): each has its own test database. Idle processes take
# waiting tests from busy ones (worksteal); the long tests go first (conftest.py).
echo "==> Tests on SQLite"
pytest -n auto --dist worksteal "$@"

echo "==> Tests on MariaDB"
DATABASE_URL="mysql://root@127.0.0.1:3306/smsmotor" pytest -n auto --dist worksteal "$@"
