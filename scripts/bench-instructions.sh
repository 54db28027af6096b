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
# A third subject, `redis`, is the reference server on a private redis-server (counted
# too, in its own column: both run on one core in scripts/bench.sh), for unknown tokens
# and the mix.
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

install_missing valgrind:valgrind wrk:wrk curl:curl redis-server:redis-server
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

# The instructions counted in NAME's callgrind dump since the last one, and those of the
# sha2 functions among them: prints "instructions sha2-instructions".
dumped() {
  local name=$1 pid file total sha
  pid=$(cat "$WORK/$name.pid")
  rm -f "$WORK/$name.cg".*
  callgrind_control -d "$pid" >/dev/null 2>&1
  callgrind_control -z "$pid" >/dev/null 2>&1
  file=$(ls -t "$WORK/$name.cg".* | head -1)
  total=$(callgrind_annotate --threshold=100 "$file" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
  sha=$(callgrind_annotate --threshold=100 --inclusive=no "$file" |
    awk '/sha2::/ { gsub(",", "", $1); s += $1 } END { print s + 0 }')
  [ -z "${BENCH_KEEP:-}" ] || { mkdir -p "$BENCH_KEEP"; cp "$file" "$BENCH_KEEP/$name-$SCRIPT.cg"; }
  echo "$total $sha"
}

# Counts one wrk run against NAME (and the processes named after it, counted too):
# prints "requests instructions sha2-instructions [other-instructions]".
count() {
  local name=$1 also=${3:-} pid line
  SCRIPT=$2
  for pid in $(cat "$WORK/$name.pid") ${also:+$(cat "$WORK/$also.pid")}; do
    callgrind_control -i on "$pid" >/dev/null 2>&1
  done
  line=$(wrk -t1 -c8 -d"${DURATION}s" --timeout 30s -s "$LUA/$SCRIPT" "$(cat "$WORK/$name.url")" |
    grep '^BENCH ') || die "wrk failed: $name $SCRIPT"
  for pid in $(cat "$WORK/$name.pid") ${also:+$(cat "$WORK/$also.pid")}; do
    callgrind_control -i off "$pid" >/dev/null 2>&1
  done
  echo "$(sed -E 's/.* requests=([0-9]+).*/\1/' <<<"$line") $(dumped "$name") ${also:+$(dumped "$also" | cut -d' ' -f1)}"
}

row() {
  local subject=$1 workload=$2 requests total sha other
  read -r requests total sha other
  awk -v s="$subject" -v w="$workload" -v n="$requests" -v t="$total" -v h="$sha" -v o="${other:-}" \
    'BEGIN { printf "%-9s %-10s %9d %12d %18d %s\n", s, w, n, t / n, (t - h) / n, (o == "" ? "" : sprintf("%16d", o / n)) }'
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

printf '%-9s %-10s %9s %12s %18s %16s\n' subject workload requests 'instr/req' 'instr/req, no SHA' 'redis-server/req'
count baseline logout-unknown.lua | row baseline a-unknown
BENCH_TOKENS=$WORK/base.tokens BENCH_WRAP=1 count baseline mix.lua | row baseline c-mix
count memory logout-unknown.lua | row memory a-unknown
BENCH_TOKENS=$WORK/live.tokens BENCH_WRAP=0 count memory logout-live.lua | row memory b-live
BENCH_TOKENS=$WORK/mix.tokens BENCH_WRAP=0 count memory mix.lua | row memory c-mix

# The same server on a private redis-server, both counted.
redis_port=$((20000 + RANDOM % 40000))
valgrind --tool=callgrind --instr-atstart=no --log-file="$WORK/redis-server.vg" \
  --callgrind-out-file="$WORK/redis-server.cg" redis-server --port "$redis_port" --bind 127.0.0.1 \
  --save '' --appendonly no --loglevel warning >"$WORK/redis-server.log" 2>&1 &
PIDS+=($!)
echo $! >"$WORK/redis-server.pid"
for _ in $(seq 200); do
  (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null && break
  sleep 0.05
done
start redis "$SERVER_BIN" --port 0 --store "redis://127.0.0.1:$redis_port/0" \
  --enable-conformance-hooks --password-memory-kib 8 --password-iterations 1
url=$(cat "$WORK/redis.url")
curl -sf -o /dev/null -X POST -H 'content-type: application/json' \
  -d "{\"name\":\"Bench\",\"email\":\"$USER_EMAIL\",\"password\":\"bench-password\"}" \
  "$url/auth/register" || die "registering the bench user on Redis failed"
mint "$WORK/redis-mix.tokens"
# The first logout and validation load their scripts (NOSCRIPT, then EVAL): not counted.
read -r r a <"$WORK/redis-mix.tokens"
curl -sf -o /dev/null -X POST -H 'Cookie: refreshToken=x' "$url/auth/logout"
curl -s -o /dev/null -H "Cookie: refreshToken=$r; accessToken=$a" "$url/auth/validate-session"
count redis logout-unknown.lua redis-server | row redis a-unknown
BENCH_TOKENS=$WORK/redis-mix.tokens BENCH_WRAP=0 count redis mix.lua redis-server | row redis c-mix
