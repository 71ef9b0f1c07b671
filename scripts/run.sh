#!/usr/bin/env bash
# Install everything and start the whole system: web server on http://127.0.0.1:8000,
# django-q cluster and the modem worker (see Procfile). Ctrl+C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
python manage.py migrate --noinput -v 0
python manage.py compilemessages -v 0 --ignore=.venv
python manage.py collectstatic --noinput -v 0
python manage.py create_admin
python manage.py create_demo_erp
echo "==> Starting SMS Motor on http://${WEB_BIND:-127.0.0.1:8000}"
exec honcho start -f Procfile
