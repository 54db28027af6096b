#!/usr/bin/env bash
# Make a Docker engine available on this machine, idempotently.
#
# - If `docker info` already answers, do nothing.
# - Otherwise install Debian's `docker.io` (if dockerd is missing), start dockerd in
#   the background (log: /tmp/dockerd.log) and wait, bounded, for
#   /var/run/docker.sock and `docker info` to answer. The daemon is left running.
#
# Needs root for the install/start path. Nothing is pulled from any container registry.
# Env: ENSURE_DOCKER_TIMEOUT (seconds to wait for the daemon, default 60),
#      DOCKERD_LOG (default /tmp/dockerd.log).
set -euo pipefail

TIMEOUT="${ENSURE_DOCKER_TIMEOUT:-60}"
LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
SOCK=/var/run/docker.sock

say() { echo "ensure-docker: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

engine_ok() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

if engine_ok; then
    say "docker engine already answers; nothing to do"
    exit 0
fi

if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != "unix://${SOCK}" ]; then
    die "DOCKER_HOST=${DOCKER_HOST} is set but 'docker info' fails; not starting a local dockerd (unset DOCKER_HOST to use ${SOCK})"
fi

if [ "$(id -u)" -ne 0 ]; then
    die "docker engine not reachable at ${SOCK} and this script needs root to install/start dockerd"
fi

if ! command -v dockerd >/dev/null 2>&1; then
    say "installing Debian's docker.io (apt-get update first)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends docker.io >/dev/null \
        || die "apt-get install docker.io failed"
    command -v dockerd >/dev/null 2>&1 || die "docker.io installed but dockerd is not on PATH"
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
    # A stale socket/pid from a previous, dead daemon would make dockerd refuse to start.
    if [ -S "${SOCK}" ]; then rm -f "${SOCK}"; fi
    rm -f /var/run/docker.pid
    say "starting dockerd in the background (log: ${LOG})"
    nohup dockerd >"${LOG}" 2>&1 </dev/null &
    disown || true
else
    say "dockerd is already running; waiting for it to answer"
fi

deadline=$(( $(date +%s) + TIMEOUT ))
until [ -S "${SOCK}" ] && docker info >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "${deadline}" ]; then
        say "last lines of ${LOG}:"
        tail -n 20 "${LOG}" >&2 2>/dev/null || true
        die "dockerd did not answer on ${SOCK} within ${TIMEOUT}s"
    fi
    sleep 1
done

say "docker engine is up ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
