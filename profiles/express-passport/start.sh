#!/usr/bin/env bash
# start.sh PORT [ALSO_PORT] — Express 5 with express-session on connect-redis and
# passport-local on 127.0.0.1:PORT, in the foreground until killed; with ALSO_PORT a
# second instance on the same Redis (the profile's `also`, LO-28). The sessions live in
# a private in-memory redis-server on a free loopback port, started here and stopped
# with the stack (or STACK_REDIS_URL's, when set). start.sh --install-only installs and
# exits. Installs the locked packages (npm ci) into node_modules beside this file once,
# again when package-lock.json changes.
# zoo: two-instances (scripts/zoo.sh starts it as `start.sh PORT ALSO_PORT`: LO-28)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib/install.sh"
source "$here/../lib/redis.sh"

install_npm
[ "${1:-}" = "--install-only" ] && exit 0

port="${1:?usage: start.sh PORT [ALSO_PORT] | start.sh --install-only}"
run="$(run_folder "$port")"
trap stop_jobs EXIT
private_redis "$run"
# The test-support endpoints of hooks.js (store fault, expired session).
export STACK_CONFORMANCE_HOOKS=1
# Express's error page without the stack trace, as deployed.
export NODE_ENV=production
cd "$here"
if [ -n "${2:-}" ]; then
  PORT="$2" node app.js &
fi
# Not exec: this shell stays to stop Redis and the other instance when one ends (the
# kit stops the whole process group).
PORT="$port" node app.js &
wait -n
