#!/usr/bin/env bash
# Install what SMS Motor needs on Debian/Ubuntu: system packages, a virtualenv in .venv and
# the pinned Python packages. Safe to run again; it only installs what is missing.
#
#   scripts/setup.sh          # to run the system
#   scripts/setup.sh --dev    # to run the tests too (Chromium, MariaDB, test tools)
set -euo pipefail
cd "$(dirname "$0")/.."

dev=false
[[ "${1:-}" == "--dev" ]] && dev=true

sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "Run this as root, or install sudo: it installs system packages." >&2; exit 1; }
  sudo_cmd=(sudo)
fi

# mysqlclient is built from source (no Linux wheel): it needs the MariaDB and Python headers.
packages=(libmariadb-dev pkg-config build-essential gettext python3-dev python3-venv)
if $dev; then
  packages+=(chromium chromium-driver)
  packages+=(kannel)  # Kannel's bearerbox and smsbox: a real SMPP client for the simulated SMSC's interop test
  command -v mariadbd >/dev/null 2>&1 || [[ -x /usr/sbin/mariadbd ]] || packages+=(mariadb-server)
  command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)  # django-q's Redis broker test
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "==> Installing system packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "SMS Motor needs Python 3.11 or newer; $python is $("$python" --version 2>&1)." >&2
  exit 1
fi
if [[ ! -x .venv/bin/python ]]; then
  echo "==> Creating the virtualenv in .venv"
  "$python" -m venv .venv || {
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq python3-venv >/dev/null
    "$python" -m venv .venv
  }
fi
requirements=requirements.txt
$dev && requirements=requirements-dev.txt
echo "==> Installing Python packages from $requirements"
.venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements"
