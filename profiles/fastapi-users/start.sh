#!/usr/bin/env bash
# start.sh PORT — fastapi-users (cookie transport, database strategy) on 127.0.0.1:PORT, in the
# foreground until killed. start.sh --install-only installs and exits.
# Installs the pinned requirements into .venv beside this file once (again when
# requirements.txt changes); every start begins with an empty SQLite database in
# .run/PORT.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

venv="$here/.venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
# One installer at a time (two test runs may start together).
(
  flock 9
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --no-input -r requirements.txt
    echo "$want" >"$stamp"
  fi
) 9>"$here/.venv.lock"
[ "${1:-}" = "--install-only" ] && exit 0

port="${1:?usage: start.sh PORT | start.sh --install-only}"
# A folder of its own per port: two instances (two test runs) never share a database.
run="$here/.run/$port"
# Databases of earlier runs older than a day go.
find "$here/.run" -mindepth 1 -maxdepth 1 -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
rm -rf "$run" && mkdir -p "$run"
export STACK_DB="$run/db.sqlite3"
# The test-support endpoints of hooks.py (store fault, expired session).
export STACK_CONFORMANCE_HOOKS=1
# Keep-alive longer than a client pool keeps a connection idle between requests (the
# default 2-5 s closes connections the client is about to reuse: a reset request).
exec "$venv/bin/uvicorn" app:app --host 127.0.0.1 --port "$port" --log-level warning --timeout-keep-alive 75
