#!/usr/bin/env bash
# Copy the Spanish walk's screenshots (tests/test_walk.py) into docs/img/ for docs/guia.md.
# Run the walk first: TEST_ARTIFACTS=tests/artifacts .venv/bin/pytest tests/test_walk.py -k spanish
# (the walk fails when a picture here no longer looks like its page).
set -euo pipefail
cd "$(dirname "$0")/.."
walk="${TEST_ARTIFACTS:-tests/artifacts}/walk-es"
mkdir -p docs/img
copy() {  # copy <step name> <image name>
  local found
  found=$(ls "$walk"/*-"$1".png 2>/dev/null | head -n 1)
  [[ -n "$found" ]] || { echo "no screenshot for step $1 in $walk" >&2; exit 1; }
  cp "$found" "docs/img/$2.png"
}
copy outgoing-test-sms-sent envio-de-mensajes
copy modem-connect modem
copy load-stored historico-de-cargas
copy tab-loads-settings carga-de-datos
copy user-password-reset usuarios
copy tab-accounts-server servidor
copy excel-preview vista-previa-excel
copy tab-modem-processing procesando
echo "docs/img/ updated from $walk"
