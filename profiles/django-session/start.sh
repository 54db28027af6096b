#!/usr/bin/env bash
# start.sh PORT — Django's own LoginView and LogoutView on database sessions, on
# 127.0.0.1:PORT in the foreground until killed. start.sh --install-only installs and exits.
# Installs the pinned requirements into .venv beside this file once (again when
# requirements.txt changes); every start begins with an empty SQLite database in
# .run/PORT (serve_django, profiles/lib/django.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

source "$here/../lib/install.sh"
source "$here/../lib/django.sh"

install_python requirements.txt
[ "${1:-}" = "--install-only" ] && exit 0

serve_django "${1:?usage: start.sh PORT | start.sh --install-only}"
