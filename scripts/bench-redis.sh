# shellcheck shell=bash
# The Redis servers of scripts/bench.sh: sourced, never run. They use bench.sh's
# ON_SERVER (pinned, reniced), PIDS (stopped on exit), WORK (the run's folder), free_port,
# say and die.

# Starts a redis-server on the server CPU on a free port, tries another port when it
# cannot bind, and waits until it accepts. Sets NODE_PORT and NODE_PID. Args: LOG, then
# redis-server's own arguments (all but --port and --cluster-port: with
# --cluster-enabled, a free cluster bus port is chosen too).
start_redis() {
  local log=$1 attempt bus=()
  shift
  for attempt in 1 2 3 4 5; do
    NODE_PORT=$(free_port)
    [[ " $* " != *" --cluster-enabled "* ]] || bus=(--cluster-port "$(free_port)")
    "${ON_SERVER[@]}" redis-server --port "$NODE_PORT" "${bus[@]}" --bind 127.0.0.1 --save '' \
      --appendonly no --daemonize no --loglevel warning "$@" >"$log" 2>&1 &
    NODE_PID=$!
    PIDS+=("$NODE_PID")
    for _ in $(seq 200); do
      (exec 3<>"/dev/tcp/127.0.0.1/$NODE_PORT") 2>/dev/null && return 0
      kill -0 "$NODE_PID" 2>/dev/null || break
      sleep 0.05
    done
    say "redis-server did not come up on port $NODE_PORT (attempt $attempt): $(tail -n 2 "$log")"
    kill "$NODE_PID" 2>/dev/null || true
  done
  die "redis-server does not start: $log"
}

# A Redis Cluster: three primaries with a replica each, each node in a folder of its own
# under WORK, ready (every replica linked) when it returns. Sets CLUSTER_PIDS and
# CLUSTER_ADDRS.
start_cluster() {
  local i
  CLUSTER_PIDS=()
  CLUSTER_ADDRS=()
  for i in 1 2 3 4 5 6; do
    mkdir -p "$WORK/node$i"
    start_redis "$WORK/node$i.log" --dir "$WORK/node$i" \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000
    CLUSTER_PIDS+=("$NODE_PID")
    CLUSTER_ADDRS+=("127.0.0.1:$NODE_PORT")
  done
  redis-cli --cluster create "${CLUSTER_ADDRS[@]}" --cluster-replicas 1 --cluster-yes \
    >"$WORK/cluster-create.log" 2>&1 || { cat "$WORK/cluster-create.log" >&2; die "redis-cli --cluster create failed"; }
  cluster_ready() {
    local addr
    for addr in "${CLUSTER_ADDRS[@]}"; do
      redis-cli -h 127.0.0.1 -p "${addr#*:}" cluster info | grep -q 'cluster_state:ok' || return 1
      if redis-cli -h 127.0.0.1 -p "${addr#*:}" info replication | grep -q 'role:slave'; then
        redis-cli -h 127.0.0.1 -p "${addr#*:}" info replication | grep -q 'master_link_status:up' || return 1
      fi
    done
  }
  for _ in $(seq 300); do cluster_ready && break; sleep 0.1; done
  cluster_ready || die "the Redis Cluster did not become ready"
}
