# Sourced by a stack's start.sh whose sessions live in Redis.
#
#   private_redis "$run"    # sets and exports STACK_REDIS_URL
#
# private_redis FOLDER — a redis-server of this stack's own on a free loopback port,
# in memory only (no RDB, no AOF), its files in FOLDER; exports
# STACK_REDIS_URL=redis://127.0.0.1:PORT once it answers PING. It is a background job
# of start.sh: stop_jobs (on EXIT) stops it with the stack. With STACK_REDIS_URL already
# set, that Redis is used and none is started.
private_redis() {
  local folder="$1"
  if [ -n "${STACK_REDIS_URL:-}" ]; then
    export STACK_REDIS_URL
    return
  fi
  command -v redis-server >/dev/null || {
    echo "redis-server is not installed (apt-get install redis-server), or set STACK_REDIS_URL" >&2
    return 1
  }
  local port
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$folder" \
    --daemonize no --loglevel warning >"$folder/redis.log" 2>&1 &
  local tries=0
  until redis-cli -p "$port" ping >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
      echo "redis-server did not answer on port $port; its log:" >&2
      cat "$folder/redis.log" >&2
      return 1
    fi
    sleep 0.05
  done
  export STACK_REDIS_URL="redis://127.0.0.1:$port"
}
