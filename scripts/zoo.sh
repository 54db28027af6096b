#!/usr/bin/env bash
# scripts/zoo.sh [OUT] [STACK...] — the whole zoo in one command: installs every stack of
# profiles/ (each folder with a start.sh and a profile.toml, or only those named), runs
# each on its own loopback ports and judges it with its profile, at most ZOO_JOBS (2, one
# per core) at a time, then writes the matrix of all of them:
#   OUT/<stack>.json, .html, .md   each stack's reports (the matrix links the .html)
#   OUT/<stack>.log                its start.sh's output and the kit's console
#   OUT/matrix.html, matrix.json, matrix.md
# and prints the wall time of each phase. OUT defaults to target/zoo.
#
# A stack whose start.sh has the line `# zoo: two-instances` is started as
# `start.sh PORT ALSO_PORT` (two instances behind one store: the stack's start.sh
# arranges that), the second passed as --also for LO-28. A stack that does not install
# or start is reported and left out of the matrix; the script then exits 1 (2 when the
# kit itself cannot be built).
# The runs judge the fixed cases only (--generate 0), as the stacks' verdict tables in
# `cargo test` do (tests/tests/stacks/), so that the matrix and the README's table
# generated from it are the ones the test compares; ZOO_GENERATE=N adds N generated
# cases per generated scenario.
# Environment: ZOO_JOBS (2), ZOO_PORT_BASE (18100), LOGOUT_CONFORMANCE (the kit's binary;
# built with cargo when unset), ZOO_STRICT=1 for --strict, ZOO_GENERATE (0).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/zoo}"
[ $# -gt 0 ] && shift
mkdir -p "$out"
out="$(cd "$out" && pwd)"
jobs="${ZOO_JOBS:-2}"
base="${ZOO_PORT_BASE:-18100}"
started=$(date +%s)

kit="${LOGOUT_CONFORMANCE:-}"
if [ -z "$kit" ]; then
  (cd "$root" && cargo build -q -p logout-conformance) || { echo "zoo: the kit does not build" >&2; exit 2; }
  kit="${CARGO_TARGET_DIR:-$root/target}/debug/logout-conformance"
fi

stacks=("$@")
if [ ${#stacks[@]} -eq 0 ]; then
  for dir in "$root"/profiles/*/; do
    [ -x "$dir/start.sh" ] && [ -f "$dir/profile.toml" ] && stacks+=("$(basename "$dir")")
  done
fi
echo "zoo: ${#stacks[@]} stacks (${stacks[*]}), $jobs at a time, reports in $out"

# Phase 1: installs, side by side (downloads wait on the network more than on the CPU).
install() {
  local name="$1" t0=$(date +%s)
  if "$root/profiles/$name/start.sh" --install-only >"$out/$name.install.log" 2>&1; then
    echo "  installed $name in $(( $(date +%s) - t0 )) s"
  else
    echo "  $name did not install: $out/$name.install.log" >&2
    touch "$out/$name.failed"
  fi
}

# Waits until 127.0.0.1:$1 accepts a connection, for at most 90 s.
wait_port() {
  local port="$1" pid="$2"
  for _ in $(seq 1 180); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

# Phase 2: start, judge, stop — one stack per job, each on ports of its own.
judge() {
  local name="$1" index="$2" dir="$root/profiles/$1"
  [ -e "$out/$name.failed" ] && return 0
  local port=$(( base + 2 * index )) log="$out/$name.log" t0=$(date +%s)
  local pids=() also=()
  local ports=("$port")
  if grep -q '^# zoo: two-instances' "$dir/start.sh"; then
    ports+=("$(( port + 1 ))")
    also=(--also "http://127.0.0.1:$(( port + 1 ))")
  fi
  setsid "$dir/start.sh" "${ports[@]}" >"$log" 2>&1 &
  pids+=($!)
  local ok=1
  for p in "${ports[@]}"; do wait_port "$p" "${pids[0]}" || ok=0; done
  if [ $ok -eq 1 ]; then
    local strict=()
    [ "${ZOO_STRICT:-}" = 1 ] && strict=(--strict)
    "$kit" --color never --target "http://127.0.0.1:$port" "${also[@]}" "${strict[@]}" \
      --generate "${ZOO_GENERATE:-0}" \
      --profile "$dir/profile.toml" --report "$out/$name.json" --html "$out/$name.html" \
      --markdown "$out/$name.md" --badge "$out/$name.badge.json" >>"$log" 2>&1
    local code=$?
    echo "  judged $name in $(( $(date +%s) - t0 )) s: exit $code ($(tail -n 1 "$log" | cut -c1-60))"
    [ $code -eq 2 ] && touch "$out/$name.failed"
  else
    echo "  $name did not start on port $port: $log" >&2
    touch "$out/$name.failed"
  fi
  for pid in "${pids[@]}"; do kill -- -"$pid" 2>/dev/null; done
  wait 2>/dev/null
}

export -f install judge wait_port
export root out base kit

rm -f "$out"/*.failed
t=$(date +%s)
printf '%s\n' "${stacks[@]}" | xargs -P "$jobs" -I{} bash -c 'install "$@"' _ {}
echo "zoo: installs took $(( $(date +%s) - t )) s"
t=$(date +%s)
i=0
for name in "${stacks[@]}"; do echo "$name $i"; i=$((i + 1)); done \
  | xargs -P "$jobs" -L 1 bash -c 'judge "$@"' _
echo "zoo: runs took $(( $(date +%s) - t )) s"

reports=()
failed=()
for name in "${stacks[@]}"; do
  if [ -e "$out/$name.failed" ] || [ ! -s "$out/$name.json" ]; then failed+=("$name"); else reports+=("$out/$name.json"); fi
done
if [ ${#reports[@]} -gt 0 ]; then
  "$kit" matrix "${reports[@]}" --html "$out/matrix.html" --json "$out/matrix.json" \
    --markdown "$out/matrix.md" || exit 2
  cat "$out/matrix.md"
fi
echo "zoo: matrix of ${#reports[@]} stacks in $out/matrix.html; wall time $(( $(date +%s) - started )) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "zoo: left out (did not install, start or reach a verdict): ${failed[*]}" >&2
  exit 1
fi
