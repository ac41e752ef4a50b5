#!/usr/bin/env bash
# Run a command with the scale-out services of production on this machine: a throwaway
# redis-server (Debian's) and an S3-compatible server (moto's server mode, from PyPI), each on
# a free loopback port. The command gets TEST_REDIS_URL and TEST_S3_ENDPOINT_URL (the
# two-instance tests in tests/scaleout/ give them to their gunicorns as REDIS_URL and
# S3_ENDPOINT_URL); both servers are stopped and their files removed whatever the outcome.
# If TEST_REDIS_URL is already set, the command runs as it is.
set -euo pipefail

if [ -n "${TEST_REDIS_URL:-}" ]; then
  exec "$@"
fi

root=$(cd "$(dirname "$0")/.." && pwd)
command -v redis-server >/dev/null || { echo "redis-server introuvable : lancez scripts/system_deps.sh" >&2; exit 1; }
[ -x "$root/.venv/bin/moto_server" ] || { echo "moto_server introuvable : pip install -r requirements.txt" >&2; exit 1; }

workdir=$(mktemp -d /tmp/imagin-services.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$workdir"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Wait until `port` accepts connections while process `pid` lives (60 s at most).
wait_port() {
  local pid=$1 port=$2
  for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || return 1
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# A port chosen free may be taken before the server binds it: try again with another one.
start() {
  local name=$1; shift
  for _ in 1 2 3; do
    port=$(free_port)
    "$@" >"$workdir/$name.log" 2>&1 &
    pid=$!
    if wait_port "$pid" "$port"; then
      pids+=("$pid")
      return 0
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  echo "Impossible de démarrer $name :" >&2
  cat "$workdir/$name.log" >&2
  exit 1
}

redis_command() {
  exec redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$workdir" \
    --daemonize no --loglevel warning
}
start redis redis_command
export TEST_REDIS_URL="redis://127.0.0.1:$port/0"

s3_command() {
  exec "$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$port"
}
start s3 s3_command
export TEST_S3_ENDPOINT_URL="http://127.0.0.1:$port"

"$@"
