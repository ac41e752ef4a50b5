#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at a PostgreSQL server.
# If DATABASE_URL is already set, use it. Otherwise start a throwaway cluster on a free
# loopback port (initdb refuses root, so the cluster runs as the `postgres` OS user),
# and stop and remove it when the command ends, whatever its outcome.
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ]; then
  exec "$@"
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "PostgreSQL introuvable : lancez scripts/system_deps.sh" >&2; exit 1; }

run_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

datadir=$(mktemp -d /tmp/imagin-pg.XXXXXX)
chmod 755 "$datadir"
[ "$(id -u)" -eq 0 ] && chown postgres: "$datadir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

cleanup() {
  run_as_pg "$bindir/pg_ctl" -D "$datadir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$datadir"
}
trap cleanup EXIT

run_as_pg "$bindir/initdb" -D "$datadir/data" -U imagin --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_as_pg "$bindir/pg_ctl" -D "$datadir/data" -l "$datadir/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k $datadir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null

export DATABASE_URL="postgres://imagin@127.0.0.1:$port/imagin"
run_as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U imagin imagin
"$@"
