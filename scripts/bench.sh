#!/usr/bin/env bash
# The benchmark of bench/README.md: throughput and latency of POST /auth/logout on the
# reference server (in memory, on one Redis, and on a Redis Cluster of three primaries with
# a replica each) against a bare warp baseline, the memory of
# 1,000,000 live sessions, and the conformance suite's wall time. Prints a results table
# and keeps it, with the raw figures, in target/bench/results/.
#
#   scripts/bench.sh            # the whole benchmark, about 16 minutes after the build
#
# Environment (all optional): BENCH_DURATION (seconds per load run, 10), BENCH_REPS (3),
# BENCH_CONNECTIONS (32), BENCH_SERVER_CPU (0), BENCH_LOAD_CPU (1), BENCH_SUITE_RUNS (10;
# 0 skips the suite and its build), BENCH_SERVER_BIN (a logout-server binary to measure
# instead of this checkout's, e.g. an older commit's build, for a before/after table),
# BENCH_USERS (100: the sessions of each run are spread over this many users),
# BENCH_NICE (-10: as root, the servers and wrk run at this niceness so that other work on
# a shared machine disturbs them less; 0 to leave it), BENCH_CLUSTER_REPLICAS (1: the
# cluster subject's ?replicas=N, how many replicas acknowledge each login and logout).
# Needs root or sudo only to install wrk and redis-server when they are missing. All
# traffic goes to 127.0.0.1; every process it starts is stopped when it exits.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10}
REPS=${BENCH_REPS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
LOAD_CPU=${BENCH_LOAD_CPU:-1}
SUITE_RUNS=${BENCH_SUITE_RUNS:-10}
NICE=${BENCH_NICE:--10}
TARGET_DIR=target/bench
BIN=$TARGET_DIR/release
LUA=bench/wrk
RESULTS_DIR=$TARGET_DIR/results
USER_EMAIL=bench@example.test
USERS=${BENCH_USERS:-100}
CLUSTER_REPLICAS=${BENCH_CLUSTER_REPLICAS:-1}
# The request log stays at its default level (info): it is part of what is measured.
unset RUST_LOG

BENCH_NAME=bench
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

# --- the table ------------------------------------------------------------------------
# print_table FILE renders a raw results file (also: scripts/bench.sh --table FILE).
# shellcheck source=scripts/bench-table.sh
. scripts/bench-table.sh
# start_redis and start_cluster: the Redis subjects' servers.
# shellcheck source=scripts/bench-redis.sh
. scripts/bench-redis.sh

if [ "${1:-}" = --table ]; then
  print_table "${2:?usage: scripts/bench.sh --table target/bench/results/STAMP.tsv}"
  exit 0
fi

# --- what the benchmark needs -------------------------------------------------------
install_missing wrk:wrk redis-server:redis-server redis-cli:redis-tools curl:curl taskset:util-linux
[ "$(nproc --all)" -ge 2 ] || die "needs two processors: one for the servers, one for wrk"
# Every process measured runs through $ON_SERVER or $ON_LOAD: pinned, and reniced if allowed.
PRIO=()
if [ "$NICE" != 0 ] && nice -n "$NICE" true 2>/dev/null && [ "$(nice -n "$NICE" nice)" = "$NICE" ]; then
  PRIO=(nice -n "$NICE")
fi
ON_SERVER=("${PRIO[@]}" taskset -c "$SERVER_CPU")
ON_LOAD=("${PRIO[@]}" taskset -c "$LOAD_CPU")

say "building release binaries into $TARGET_DIR (the debug build is not touched)"
packages=(-p logout-server -p bare-logout)
[ "$SUITE_RUNS" = 0 ] || packages+=(-p logout-conformance)
cargo build --release --quiet --target-dir "$TARGET_DIR" "${packages[@]}"
SERVER_BIN=${BENCH_SERVER_BIN:-$BIN/logout-server}
[ -x "$SERVER_BIN" ] || die "BENCH_SERVER_BIN: $SERVER_BIN is not an executable"
[ -z "${BENCH_SERVER_BIN:-}" ] || say "measuring $SERVER_BIN instead of this checkout's server"

start_work logout-bench
mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$RESULTS_DIR/$STAMP.tsv
TABLE=$RESULTS_DIR/$STAMP.txt

# --- helpers ------------------------------------------------------------------------

# A loopback port nobody listens on now, below the kernel's ephemeral range (32768 up on
# Linux), where a client's outgoing connection could take it before our server binds it.
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "no free loopback port found"
}

# Starts the reference server on the server CPU; prints its URL. Extra args follow.
start_server() {
  local name=$1; shift
  "${ON_SERVER[@]}" "$SERVER_BIN" --port 0 --enable-conformance-hooks \
    --password-memory-kib 8 --password-iterations 1 "$@" 2>"$WORK/$name.log" &
  local pid=$!
  PIDS+=("$pid")
  echo "$pid" >"$WORK/$name.pid"
  server_url "$WORK/$name.log" "$pid" >"$WORK/$name.url"
  local i
  for ((i = 1; i <= USERS; i++)); do
    curl -sf -o /dev/null -X POST -H 'content-type: application/json' \
      -d "{\"name\":\"Bench\",\"email\":\"$(user_email "$i")\",\"password\":\"bench-password\"}" \
      "$(cat "$WORK/$name.url")/auth/register" || die "$name: registering bench user $i failed"
  done
}

# The email of bench user I: bench@example.test, bench2@example.test, ...
user_email() {
  if [ "$1" = 1 ]; then echo "$USER_EMAIL"; else echo "bench$1@example.test"; fi
}

# CPU seconds (user + system, in clock ticks) used so far by the processes of PIDS.
cpu_ticks() {
  local total=0 pid fields
  for pid in "$@"; do
    read -r -a fields <"/proc/$pid/stat"
    # Fields 14 and 15 (utime, stime); the command name has no spaces here.
    total=$((total + fields[13] + fields[14]))
  done
  echo "$total"
}

# Opens COUNT live sessions on URL into FILE, spread evenly over the bench users (users
# with a million sessions each would be a different benchmark: a Redis store keeps an
# index of each user's sessions), bench@example.test's first.
mint() {
  local url=$1 count=$2 file=$3 n user=1
  local per=$(( (count + USERS - 1) / USERS ))
  : >"$file"
  while [ "$count" -gt 0 ]; do
    n=$((count > per ? per : count))
    n=$((n > 200000 ? 200000 : n))
    curl -sf -X POST "$url/__conformance/sessions?user=$(user_email "$user")&count=$n" >>"$file" ||
      die "minting $n sessions on $url failed"
    count=$((count - n))
    user=$((user % USERS + 1))
  done
}

# Runs wrk against URL with a workload script; appends a result row to $RAW.
# Args: rep subject workload url script cpu-pids...   (env BENCH_TOKENS etc. passed through)
run_wrk() {
  local rep=$1 subject=$2 workload=$3 url=$4 script=$5; shift 5
  local before after line
  before=$(cpu_ticks "$@")
  line=$("${ON_LOAD[@]}" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s \
    -s "$LUA/$script" "$url" | grep '^BENCH ') || die "wrk failed: $subject $workload"
  after=$(cpu_ticks "$@")
  # The subject's own CPU use over the run, in percent of one CPU (one decimal).
  local cpu
  cpu=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v d="$DURATION" \
    'BEGIN { printf "%.1f", t * 100 / hz / d }')
  # shellcheck disable=SC2086
  printf '%s\t%s\t%s\t%s\tcpu=%s conns=%s\n' "$rep" "$subject" "$workload" "${line#BENCH }" \
    "$cpu" "$CONNECTIONS" >>"$RAW"
  echo "${line#BENCH }"
}

field() { sed -E "s/.*(^| )$1=([^ ]*).*/\2/" <<<"$2"; }

# Probes about 200 of the first USED sessions of FILE (those wrk's requests revoked) with
# GET /auth/validate-session: every one must be 401. The session after them (if any) must
# still be live (200), or the probe proves nothing.
check_revoked() {
  local url=$1 file=$2 used=$3 subject=$4
  local settled=$((used - CONNECTIONS)) step i config=$WORK/probe.curl
  [ "$settled" -gt 0 ] || die "$subject: only $used sessions were used"
  step=$(( settled / 200 > 0 ? settled / 200 : 1 ))
  : >"$config"
  # Line 1 is never sent: wrk calls request() once to check it before the run.
  for ((i = 2; i <= settled; i += step)); do
    read -r r a < <(sed -n "${i}p" "$file")
    [ "$i" = 2 ] || echo next >>"$config"
    printf 'url = "%s/auth/validate-session"\nheader = "Cookie: refreshToken=%s; accessToken=%s"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\n' \
      "$url" "$r" "$a" >>"$config"
  done
  curl -s -K "$config" >"$WORK/probe.codes"
  local codes
  codes=$(sort "$WORK/probe.codes" | uniq -c | awk '{ printf "%s x %s ", $1, $2 }')
  if grep -qv '^401$' "$WORK/probe.codes"; then
    die "$subject: revoked sessions still answer: $codes"
  fi
  local total
  total=$(wc -l <"$file")
  if [ "$used" -lt "$total" ]; then
    read -r r a < <(sed -n "$((used + 1))p" "$file")
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: refreshToken=$r; accessToken=$a" \
      "$url/auth/validate-session")" = 200 ] || die "$subject: an unused session is not live"
  fi
  echo "$codes"
}

# --- the machine ----------------------------------------------------------------------
read -r load1 _ </proc/loadavg
say "machine: $(nproc --all) CPUs, load average $load1; servers on CPU $SERVER_CPU, wrk on CPU $LOAD_CPU"
if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
  say "warning: the machine is busy (load $load1): figures will be noisy"
fi

# --- the three subjects -------------------------------------------------------------
"${ON_SERVER[@]}" "$BIN/bare-logout" 0 >"$WORK/baseline.log" 2>&1 &
PIDS+=($!)
echo $! >"$WORK/baseline.pid"
server_url "$WORK/baseline.log" "$!" >"$WORK/baseline.url"

start_server memory

start_redis "$WORK/redis-server.log"
REDIS_PORT=$NODE_PORT
REDIS_PID=$NODE_PID
start_server redis --store "redis://127.0.0.1:$REDIS_PORT/0"

# A Redis Cluster: three primaries with a replica each, each node in a folder of its own.
# A server binary from before Redis Cluster support (BENCH_SERVER_BIN) skips this subject.
SUBJECTS=(baseline memory redis cluster)
if ! "$SERVER_BIN" --help | grep -q 'redis+cluster'; then
  say "$SERVER_BIN has no Redis Cluster store: the cluster subject is skipped"
  SUBJECTS=(baseline memory redis)
else
  start_cluster
  start_server cluster --store "redis+cluster://${CLUSTER_ADDRS[0]},${CLUSTER_ADDRS[1]}?replicas=$CLUSTER_REPLICAS"
fi

url() { cat "$WORK/$1.url"; }
pids_of() {
  case $1 in
    redis) echo "$(cat "$WORK/redis.pid") $REDIS_PID" ;;
    cluster) echo "$(cat "$WORK/cluster.pid") ${CLUSTER_PIDS[*]}" ;;
    *) cat "$WORK/$1.pid" ;;
  esac
}

# The baseline must give the reference server's answers: same status, headers and body.
answer() {
  curl -s -i "$@" | tr -d '\r' | grep -iv '^date:' | sort
}
mint "$(url memory)" 1 "$WORK/one"
read -r r a <"$WORK/one"
same_answer() {
  local path=$1; shift
  if ! diff <(answer "$@" "$(url baseline)$path") <(answer "$@" "$(url memory)$path") >"$WORK/diff"; then
    cat "$WORK/diff" >&2
    die "bare-logout's answer to $path differs from the reference server's"
  fi
}
same_answer /auth/logout -X POST -H "Cookie: refreshToken=x; accessToken=y"
same_answer /auth/validate-session -H "Cookie: refreshToken=$r; accessToken=$a"
say "bare-logout answers logout and validate-session as the reference server does"

# A token file for the baseline, which looks at no token (its runs wrap around it).
mint "$(url memory)" 20000 "$WORK/baseline.tokens"

# --- throughput: subjects x workloads x repetitions ----------------------------------
{
  echo "# logout benchmark, $STAMP: $(nproc --all) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load average at start $load1"
  echo "# servers pinned to CPU $SERVER_CPU, wrk -t1 -c$CONNECTIONS pinned to CPU $LOAD_CPU, $DURATION s per run, $REPS runs each, niceness ${PRIO[2]:-0}"
  printf 'rep\tsubject\tworkload\tfigures\tcpu\n'
} >"$RAW"
# The runs a ratio compares follow each other: within a rep, one workload at a time, every
# subject in turn (in reverse order on even reps), live sessions minted for all of them
# before the workload starts. This VM's speed drifts by a fifth over minutes (other guests
# on the host); a ratio of two runs a minute apart measured the drift as much as the
# subjects.
declare -A UNKNOWN_RPS
# Runs workload W (a-unknown, b-live, c-mix) of rep REP on SUBJECT; prints wrk's figures.
run_workload() {
  local rep=$1 subject=$2 workload=$3 u script tokens wrap=0
  u=$(url "$subject")
  case $workload in
    a-unknown) script=logout-unknown.lua ;;
    b-live) script=logout-live.lua ;;
    c-mix) script=mix.lua ;;
  esac
  tokens=$WORK/$subject.tokens
  if [ "$subject" = baseline ]; then
    tokens=$WORK/baseline.tokens
    wrap=1
  fi
  say "rep $rep/$REPS, $subject: ($workload)"
  # shellcheck disable=SC2046
  BENCH_TOKENS=$tokens BENCH_WRAP=$wrap run_wrk "$rep" "$subject" "$workload" "$u" "$script" \
    $(pids_of "$subject")
}
for rep in $(seq "$REPS"); do
  order=("${SUBJECTS[@]}")
  if [ $((rep % 2)) = 0 ]; then
    order=()
    for ((i = ${#SUBJECTS[@]} - 1; i >= 0; i--)); do order+=("${SUBJECTS[i]}"); done
  fi
  for subject in "${order[@]}"; do
    UNKNOWN_RPS[$subject]=$(field rps "$(run_workload "$rep" "$subject" a-unknown)")
  done
  # Enough live sessions for each subject's run at its unknown-token rate and a quarter more.
  for subject in "${order[@]}"; do
    [ "$subject" = baseline ] ||
      mint "$(url "$subject")" $((UNKNOWN_RPS[$subject] * DURATION * 5 / 4)) "$WORK/$subject.tokens"
  done
  declare -A LIVE_USED=()
  for subject in "${order[@]}"; do
    b=$(run_workload "$rep" "$subject" b-live)
    [ "$subject" = baseline ] || [ "$(field exhausted "$b")" = 0 ] ||
      say "warning: $subject ran out of live sessions"
    LIVE_USED[$subject]=$(field used "$b")
  done
  for subject in "${order[@]}"; do
    [ "$subject" != baseline ] || continue
    u=$(url "$subject")
    codes=$(check_revoked "$u" "$WORK/$subject.tokens" "${LIVE_USED[$subject]}" "$subject")
    say "  $subject: probed revoked sessions: ${codes}(all 401)"
    mint "$u" $((UNKNOWN_RPS[$subject] * DURATION / 4 + 100)) "$WORK/$subject.tokens"
  done
  for subject in "${order[@]}"; do
    c=$(run_workload "$rep" "$subject" c-mix)
    [ "$subject" = baseline ] || [ "$(field exhausted "$c")" = 0 ] ||
      say "warning: $subject ran out of sessions in the mix"
  done
done

# --- latency at half of the peak rate (in-memory server) -------------------------------
# wrk has no fixed-rate mode: each connection waits BENCH_PACE_MS=1 after every answer
# (about 1.6 ms a cycle with wrk's timer), and the number of connections sets the rate.
median_of() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
peak() {
  awk -F'\t' -v s="$1" -v w="$2" '$2 == s && $3 == w' "$RAW" |
    sed -E 's/.* rps=([0-9]+).*/\1/' | median_of
}
u=$(url memory)
# shellcheck disable=SC2046
set -- $(pids_of memory)
export BENCH_WRAP=0 BENCH_PACE_MS=1
calibration=$(CONNECTIONS=32 DURATION=2 run_wrk cal memory calibrate "$u" logout-unknown.lua "$@")
per_connection=$(( $(field rps "$calibration") / 32 ))
for w in a-unknown:logout-unknown.lua b-live:logout-live.lua c-mix:mix.lua; do
  workload=${w%%:*}
  script=${w#*:}
  half=$(( $(peak memory "$workload") / 2 ))
  conns=$(( (half + per_connection / 2) / per_connection ))
  # A paced connection is slower when there are many: up to two more tries, scaled, while
  # the rate lands outside 47.5-52.5 % of the peak (the table shows the rate reached).
  # Latency climbs steeply past half load: 55 % of the peak gave twice the p99 of 50 %.
  for attempt in 1 2 3; do
    conns=$(( conns < 1 ? 1 : conns > 2000 ? 2000 : conns ))
    mint "$u" $((half * DURATION * 3 / 2 + 200)) "$WORK/half.tokens"
    say "half load, memory, $workload: target $half req/s with $conns paced connections"
    got=$(BENCH_TOKENS=$WORK/half.tokens CONNECTIONS=$conns \
      run_wrk half memory "$workload" "$u" "$script" "$@")
    got=$(field rps "$got")
    if [ "$attempt" = 3 ] || { [ $((got * 100)) -ge $((half * 95)) ] && [ $((got * 100)) -le $((half * 105)) ]; }; then
      break
    fi
    conns=$(( conns * half / (got > 0 ? got : 1) ))
  done
done
unset BENCH_PACE_MS

# --- memory of 1,000,000 live sessions ---------------------------------------------------
start_server rss
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
rss_pid=$(cat "$WORK/rss.pid")
rss_before=$(rss_kib "$rss_pid")
for _ in $(seq 10); do
  curl -sf -o /dev/null -X POST "$(url rss)/__conformance/sessions?user=$USER_EMAIL&count=100000"
done
rss_after=$(rss_kib "$rss_pid")
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$rss_pid/status")
kill "$rss_pid"
printf 'rss\tmemory\t1M-sessions\tbefore_kib=%s after_kib=%s peak_kib=%s\t-\n' \
  "$rss_before" "$rss_after" "$hwm" >>"$RAW"

# --- the conformance suite against its embedded server ---------------------------------
suite_times=()
for _ in $(seq "$SUITE_RUNS"); do
  start=$EPOCHREALTIME
  "${PRIO[@]}" "$BIN/logout-conformance" >/dev/null 2>&1 || die "the conformance suite failed"
  end=$EPOCHREALTIME
  suite_times+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')")
done
[ "$SUITE_RUNS" = 0 ] ||
  printf 'suite\tembedded\twall\tseconds=%s\t-\n' "$(IFS=,; echo "${suite_times[*]}")" >>"$RAW"

print_table "$RAW" | tee "$TABLE"
say "raw figures: $RAW; table: $TABLE"
