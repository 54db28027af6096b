#!/usr/bin/env bash
# start.sh PORT — Express 5 with Auth.js (@auth/express, the Credentials provider, the
# default JWT session strategy) on 127.0.0.1:PORT, in the foreground until killed.
# start.sh --install-only installs and exits. Installs the locked packages (npm ci) into
# node_modules beside this file once, again when package-lock.json changes. Users live
# in the process: every start begins with none.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib/install.sh"

install_npm
[ "${1:-}" = "--install-only" ] && exit 0

port="${1:?usage: start.sh PORT | start.sh --install-only}"
# The test-support endpoints of hooks.js (sign-up, expired session).
export STACK_CONFORMANCE_HOOKS=1
export NODE_ENV=production
cd "$here"
PORT="$port" exec node app.js
