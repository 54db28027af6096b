# shellcheck shell=bash
# Helpers shared by scripts/bench.sh and scripts/bench-hostile.sh: sourced, never run.
# The sourcing script sets BENCH_NAME (its name in error messages) first.

say() { printf '%s\n' "$*" >&2; }
die() { say "${BENCH_NAME:-bench}: $*"; exit 1; }

# Installs, with apt-get (as root or through sudo), the Debian packages of the commands
# that are missing. Args: command:package pairs, e.g. wrk:wrk taskset:util-linux.
install_missing() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  say "installing ${missing[*]} (Debian packages)"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Makes the scratch folder WORK and the list PIDS of processes started; on exit, however
# it happens, every process of PIDS is stopped and WORK removed. Arg: the folder's prefix.
start_work() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  PIDS=()
  trap stop_work EXIT
  trap 'exit 130' INT TERM
}
stop_work() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}

# Waits until FILE has a line matching REGEX and prints the first match; dies, showing
# FILE, if process PID exits first or 15 s pass.
wait_for_line() {
  local file=$1 regex=$2 pid=$3
  for _ in $(seq 300); do
    if grep -Eo -m1 "$regex" "$file" 2>/dev/null; then return; fi
    kill -0 "$pid" 2>/dev/null || { cat "$file" >&2; die "process $pid exited before '$regex'"; }
    sleep 0.05
  done
  cat "$file" >&2
  die "timed out waiting for '$regex' in $file"
}

# The URL a server just started prints in LOG (http://127.0.0.1:PORT). Args: LOG PID.
server_url() { wait_for_line "$1" 'http://127\.0\.0\.1:[0-9]+' "$2"; }
