#!/usr/bin/env bash
# start.sh PORT — Flask-Security-Too's JSON API (Flask's signed-cookie session) on
# 127.0.0.1:PORT in the foreground until killed. start.sh --install-only installs and exits.
# Installs the pinned requirements into .venv beside this file once (again when
# requirements.txt changes); every start begins with an empty SQLite database in
# .run/PORT.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

source "$here/../lib/install.sh"

install_python requirements.txt
venv="$here/.venv"
[ "${1:-}" = "--install-only" ] && exit 0

port="${1:?usage: start.sh PORT | start.sh --install-only}"
# A folder of its own per port: two instances (two test runs) never share a database.
run="$(run_folder "$port")"
export STACK_DB="$run/db.sqlite3"
# The test-support endpoints of hooks.py (store fault, expired session).
export STACK_CONFORMANCE_HOOKS=1
# The tables, once, before gunicorn forks its workers.
"$venv/bin/flask" --app app create-db
# Keep-alive longer than a client pool keeps a connection idle between requests (the
# default 2-5 s closes connections the client is about to reuse: a reset request).
exec "$venv/bin/gunicorn" app:app --bind "127.0.0.1:$port" --workers 2 --threads 4 --keep-alive 75 \
  --access-logfile - --log-level warning
