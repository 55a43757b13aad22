#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests, on 127.0.0.1 only.
#   bash scripts/test-postgres.sh start   # starts it (or finds it running), prints the URL
#   bash scripts/test-postgres.sh url     # prints the URL of the running cluster
#   bash scripts/test-postgres.sh stop    # stops it and deletes its files
# Typical use: TEST_DATABASE_URL=$(bash scripts/test-postgres.sh start) npx vitest run
# Everything lives under $BINNENUIT_PG_DIR (default /tmp/binnenuit-pg); the URL is also written
# to $BINNENUIT_PG_DIR/url. Durability is switched off: this data is meant to be lost.
set -euo pipefail

BASE="${BINNENUIT_PG_DIR:-/tmp/binnenuit-pg}"
BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
DATA="$BASE/data"
SOCKET="$BASE/socket"
DB_NAME="binnenuit_test"

# initdb and postgres refuse to run as root: use the postgres system user then.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() {
  [ -f "$DATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

# Ask the kernel for a free port on 127.0.0.1 (tiny race until postgres binds it; fine for tests).
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start() {
  if running && [ -f "$BASE/url" ]; then cat "$BASE/url"; return; fi
  rm -rf "$BASE"   # a stale, stopped cluster: start over, it holds nothing of value
  mkdir -p "$DATA" "$SOCKET"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$BASE"
  chmod 700 "$DATA"
  as_pg "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$BASE/initdb.log" 2>&1 \
    || { cat "$BASE/initdb.log" >&2; exit 1; }
  local port
  port="$(free_port)"
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$BASE/server.log" -w -s \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$SOCKET \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$BASE/server.log" >&2; exit 1; }
  as_pg "$BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB_NAME"
  echo "postgresql://postgres@127.0.0.1:$port/$DB_NAME" >"$BASE/url"
  cat "$BASE/url"
}

stop() {
  if running; then as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -s stop >/dev/null; fi
  rm -rf "$BASE"
}

url() {
  if running && [ -f "$BASE/url" ]; then cat "$BASE/url"; else echo "no test cluster running" >&2; exit 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
