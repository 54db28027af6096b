#!/usr/bin/env bash
# The reference server against hostile clients (issue #11's benchmarks; results in
# bench/README.md, "Hostile clients"). Release build, default password cost and limits:
#   1. 200 connections logging in without pause for BENCH_DURATION s (each login an
#      Argon2id hash of 19 MiB): the server's peak RSS (VmHWM), the logins answered 200 or
#      503, and the latency of logouts sent meanwhile on one paced connection (p50/p99).
#   2. 2,000 half-open connections held (half a request line each, more than the default
#      cap of 1,024): whether a logout is answered, and how fast.
#   3. SIGTERM with a half-open client connected: the time until the process exits.
#
#   scripts/bench-hostile.sh      # about a minute after the build
#
# Env (optional): BENCH_DURATION (10 s), BENCH_HALF_OPEN (2000), BENCH_SERVER_ARGS (more
# flags for every server started, e.g. "--password-workers 2" to compare).
# Needs wrk, curl, python3 (installs wrk/curl from Debian when missing). All traffic goes
# to 127.0.0.1; every process it starts is stopped when it exits.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10}
HALF_OPEN=${BENCH_HALF_OPEN:-2000}
TARGET_DIR=target/bench
BIN=$TARGET_DIR/release
PASSWORD=bench-password-1

BENCH_NAME=bench-hostile
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

install_missing wrk:wrk curl:curl
[ "$(ulimit -n)" -gt $((HALF_OPEN + 100)) ] || ulimit -n $((HALF_OPEN + 1000)) \
  || die "needs more than $HALF_OPEN file descriptors (ulimit -n)"

say "building the release server into $TARGET_DIR"
cargo build --release --quiet --target-dir "$TARGET_DIR" -p logout-server

start_work logout-hostile

# Starts the server with the real password cost; sets URL and PID.
start_server() {
  # shellcheck disable=SC2086 # BENCH_SERVER_ARGS is a list of flags
  "$BIN/logout-server" --port 0 --enable-conformance-hooks ${BENCH_SERVER_ARGS:-} "$@" \
    2>"$WORK/server.log" &
  PID=$!
  PIDS+=("$PID")
  URL=$(server_url "$WORK/server.log" "$PID")
}

register() {
  curl -sf -o /dev/null -X POST -H 'content-type: application/json' \
    -d "{\"name\":\"Bench\",\"email\":\"$1\",\"password\":\"$PASSWORD\"}" "$URL/auth/register" \
    || die "registering $1 failed"
}

kib() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

# --- 1. logins flood, logouts measured --------------------------------------------------
# Twice: with the default password queue (beyond it logins get 503 at once, and wrk, which
# ignores Retry-After, sends them again at once: a flood of cheap refusals), and with a
# queue of 200 (every login waits for its hash: only the hashing competes with logout).
field() { grep -Eo "$1=[0-9.]+" <<<"$2" | cut -d= -f2; }
logins_flood() {
  local label=$1; shift
  start_server "$@"
  register flood@example.com
  register victim@example.com
  curl -sf -X POST "$URL/__conformance/sessions?user=victim@example.com&count=5000" \
    >"$WORK/tokens" || die "minting sessions failed"
  local rss_before logins logouts peak
  rss_before=$(kib "$PID" VmRSS)
  BENCH_EMAIL=flood@example.com BENCH_PASSWORD=$PASSWORD \
    wrk -t2 -c200 -d"${DURATION}s" --timeout 30s -s bench/wrk/login.lua "$URL" \
    >"$WORK/logins.out" 2>&1 &
  local flood=$!
  sleep 1
  BENCH_TOKENS=$WORK/tokens BENCH_PACE_MS=5 \
    wrk -t1 -c1 -d"$((DURATION - 2))s" -s bench/wrk/logout-live.lua "$URL" >"$WORK/logouts.out" 2>&1
  wait "$flood" || true
  peak=$(kib "$PID" VmHWM)
  logins=$(grep -m1 '^BENCH' "$WORK/logins.out" || true)
  logouts=$(grep -m1 '^BENCH' "$WORK/logouts.out" || true)
  printf '1. 200 concurrent logins for %ss, %s: server RSS %s KiB before, peak %s KiB (%.0f MB)\n' \
    "$DURATION" "$label" "$rss_before" "$peak" "$(awk -v k="$peak" 'BEGIN { print k / 1024 }')"
  printf '   logins: %s answered, %s not 2xx (503: password queue full), %s errors\n' \
    "$(field requests "$logins")" "$(field non2xx "$logins")" "$(field errors "$logins")"
  printf '   logouts meanwhile: %s, p50 %s us, p99 %s us, %s not 2xx\n' \
    "$(field requests "$logouts")" "$(field p50_us "$logouts")" "$(field p99_us "$logouts")" \
    "$(field non2xx "$logouts")"
  kill "$PID"; wait "$PID" 2>/dev/null || true
}
logins_flood "default queue (refused logins retried at once)"
logins_flood "queue of 200 (every login waits its turn)" --password-queue 200

# --- 2. half-open connections held --------------------------------------------------------
start_server
register held@example.com
session=$(curl -sf -X POST "$URL/__conformance/sessions?user=held@example.com&count=1")
port=${URL##*:}
coproc HOLD { python3 bench/half_open.py "$port" "$HALF_OPEN"; }
read -r line <&"${HOLD[0]}"
[ "$line" = "held $HALF_OPEN" ] || die "holding connections failed: $line"
answer=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 60 -X POST \
  -H "Cookie: refreshToken=${session%% *}; accessToken=${session##* }" "$URL/auth/logout")
exec {HOLD[1]}>&-
read -r still <&"${HOLD[0]}"
printf '2. %s half-open connections held (cap 1024): logout answered %s in %s s; %s\n' \
  "$HALF_OPEN" "${answer% *}" "${answer#* }" "$still"
kill "$PID"; wait "$PID" 2>/dev/null || true

# --- 3. SIGTERM with a half-open client ---------------------------------------------------
start_server
port=${URL##*:}
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /auth/lo' >&3
sleep 0.2
start=$(date +%s.%N)
kill -TERM "$PID"
status=0
wait "$PID" || status=$?
end=$(date +%s.%N)
exec 3>&-
printf '3. SIGTERM with a half-open client: exited %s after %.3f s (deadline 10 s)\n' \
  "$status" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
