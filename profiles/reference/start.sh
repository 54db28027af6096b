#!/usr/bin/env bash
# start.sh PORT — the reference server, the control: the documented contract, with its
# conformance hooks on (store fault, expired session) and the CORS origin its profile
# names, on 127.0.0.1:PORT in the foreground until killed. start.sh --install-only
# (re)builds it and exits; start.sh PORT builds it only when it is missing. Password
# hashing is cheap: the suite registers about 50 users, and a debug build's Argon2 at the
# production cost takes seconds each.
set -euo pipefail
cd "$(dirname "$0")/../.."
server="${CARGO_TARGET_DIR:-target}/debug/logout-server"
if [ "${1:-}" = "--install-only" ]; then
  cargo build -q -p logout-server
  exit 0
fi
port="${1:?usage: start.sh PORT | start.sh --install-only}"
[ -x "$server" ] || cargo build -q -p logout-server
exec "$server" --port "$port" --enable-conformance-hooks \
  --cors-origin http://localhost:5173 --password-memory-kib 64 --password-iterations 1
