#!/usr/bin/env bash
# start.sh PORT — fastapi-users (cookie transport, database strategy) on 127.0.0.1:PORT, in the
# foreground until killed. start.sh --install-only installs and exits.
# Installs the pinned requirements into .venv beside this file once (again when
# requirements.txt changes); every start begins with an empty SQLite database.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

venv="$here/.venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --no-input -r requirements.txt
  echo "$want" >"$stamp"
fi
[ "${1:-}" = "--install-only" ] && exit 0

port="${1:?usage: start.sh PORT | start.sh --install-only}"
rm -rf "$here/.run" && mkdir -p "$here/.run"
# The test-support endpoints of hooks.py (store fault, expired session).
export STACK_CONFORMANCE_HOOKS=1
export STACK_DB="$here/.run/db.sqlite3"
exec "$venv/bin/uvicorn" app:app --host 127.0.0.1 --port "$port" --log-level warning
