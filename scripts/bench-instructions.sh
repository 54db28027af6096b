#!/usr/bin/env bash
# Instructions per request of POST /auth/logout (and the 90/10 mix), counted by callgrind:
# the figure a shared machine measures reliably where req/s does not. For each subject
# (the bare warp baseline, the reference server in memory) and workload of
# scripts/bench.sh, the subject runs under `valgrind --tool=callgrind` with counting off
# while it starts and sessions are minted, on for one `wrk -t1 -c8` run only; the count
# is divided by the requests wrk saw answered. Valgrind hides the CPU's SHA extensions,
# so SHA-256 runs in software under it (natively it is a few hundred cycles a token): the
# table gives the count without the `sha2` functions too.
#
#   scripts/bench-instructions.sh            # builds into target/bench, ~3 minutes
#
# Environment (all optional): BENCH_DURATION (seconds of load per run, 10),
# BENCH_SERVER_BIN (a logout-server binary to count instead of this checkout's),
# BENCH_KEEP (a folder to keep the callgrind files in, for callgrind_annotate).
# Needs valgrind, wrk and curl (installed with apt-get when missing, as bench.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10}
BIN=target/bench/release
LUA=bench/wrk
USER_EMAIL=bench@example.test
unset RUST_LOG

BENCH_NAME=bench-instructions
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

install_missing valgrind:valgrind wrk:wrk curl:curl
# With BENCH_SERVER_BIN, only the baseline is built (and only if missing).
if [ -z "${BENCH_SERVER_BIN:-}" ]; then
  cargo build --release --quiet --target-dir target/bench -p logout-server -p bare-logout
elif [ ! -x "$BIN/bare-logout" ]; then
  cargo build --release --quiet --target-dir target/bench -p bare-logout
fi
SERVER_BIN=${BENCH_SERVER_BIN:-$BIN/logout-server}
start_work logout-instructions

# Starts SUBJECT's binary (args follow) under callgrind, counting off; prints its URL.
start() {
  local name=$1; shift
  valgrind --tool=callgrind --instr-atstart=no --log-file="$WORK/$name.vg" \
    --callgrind-out-file="$WORK/$name.cg" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  echo $! >"$WORK/$name.pid"
  server_url "$WORK/$name.log" "$!" >"$WORK/$name.url"
}

# Counts one wrk run against NAME: prints "requests instructions sha2-instructions".
count() {
  local name=$1 script=$2 pid
  pid=$(cat "$WORK/$name.pid")
  callgrind_control -i on "$pid" >/dev/null 2>&1
  line=$(wrk -t1 -c8 -d"${DURATION}s" --timeout 30s -s "$LUA/$script" "$(cat "$WORK/$name.url")" |
    grep '^BENCH ') || die "wrk failed: $name $script"
  callgrind_control -i off "$pid" >/dev/null 2>&1
  rm -f "$WORK/$name.cg"*
  callgrind_control -d "$pid" >/dev/null 2>&1
  callgrind_control -z "$pid" >/dev/null 2>&1
  local file requests total sha
  file=$(ls -t "$WORK/$name.cg"* | head -1)
  requests=$(sed -E 's/.* requests=([0-9]+).*/\1/' <<<"$line")
  total=$(callgrind_annotate --threshold=100 "$file" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
  sha=$(callgrind_annotate --threshold=100 --inclusive=no "$file" |
    awk '/sha2::/ { gsub(",", "", $1); s += $1 } END { print s + 0 }')
  [ -z "${BENCH_KEEP:-}" ] || { mkdir -p "$BENCH_KEEP"; cp "$file" "$BENCH_KEEP/$name-$script.cg"; }
  echo "$requests $total $sha"
}

row() {
  local subject=$1 workload=$2 requests total sha
  read -r requests total sha
  awk -v s="$subject" -v w="$workload" -v n="$requests" -v t="$total" -v h="$sha" \
    'BEGIN { printf "%-9s %-10s %9d %12d %18d\n", s, w, n, t / n, (t - h) / n }'
}

start baseline "$BIN/bare-logout" 0
start memory "$SERVER_BIN" --port 0 --enable-conformance-hooks \
  --password-memory-kib 8 --password-iterations 1
url=$(cat "$WORK/memory.url")
curl -sf -o /dev/null -X POST -H 'content-type: application/json' \
  -d "{\"name\":\"Bench\",\"email\":\"$USER_EMAIL\",\"password\":\"bench-password\"}" \
  "$url/auth/register" || die "registering the bench user failed"
# Sessions for the live and mixed runs: more than callgrind's pace can use in DURATION.
mint() {
  : >"$1"
  for _ in $(seq 4); do
    curl -sf -X POST "$url/__conformance/sessions?user=$USER_EMAIL&count=25000" >>"$1" ||
      die "minting sessions failed"
  done
}
mint "$WORK/live.tokens"
mint "$WORK/mix.tokens"
mint "$WORK/base.tokens"

printf '%-9s %-10s %9s %12s %18s\n' subject workload requests 'instr/req' 'instr/req, no SHA'
count baseline logout-unknown.lua | row baseline a-unknown
BENCH_TOKENS=$WORK/base.tokens BENCH_WRAP=1 count baseline mix.lua | row baseline c-mix
count memory logout-unknown.lua | row memory a-unknown
BENCH_TOKENS=$WORK/live.tokens BENCH_WRAP=0 count memory logout-live.lua | row memory b-live
BENCH_TOKENS=$WORK/mix.tokens BENCH_WRAP=0 count memory mix.lua | row memory c-mix
