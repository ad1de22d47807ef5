#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL and Redis for the tests, on 127.0.0.1 and ports
# that are not the defaults. PostgreSQL refuses to run as root, so when we are root the
# cluster is created and run as the "postgres" user, with its data under /tmp.
#
#   scripts/services.sh start   # prints the DATABASE_URL and REDIS_URL lines to export
#   scripts/services.sh stop
#
# State (data dirs, pids) lives in $SERVICES_DIR, default /tmp/intro-sodertorn-services-$PG_PORT.
set -euo pipefail
PG_PORT=${PG_PORT:-54329}
REDIS_PORT=${REDIS_PORT:-63799}
SERVICES_DIR=${SERVICES_DIR:-/tmp/intro-sodertorn-services-$PG_PORT}
PG_DATA="$SERVICES_DIR/pg"
PG_USER=intro
PG_DB=intro

pg_bin() {
  local name=$1
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/$name" ] && { echo "$dir/$name"; return; }
  done
  command -v "$name" || { echo "PostgreSQL's $name was not found. Run scripts/system-deps.sh." >&2; exit 1; }
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  mkdir -p "$SERVICES_DIR"
  chmod 755 "$SERVICES_DIR"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    mkdir -p "$PG_DATA"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA"
    as_pg "$(pg_bin initdb)" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$(pg_bin pg_ctl)" -D "$PG_DATA" status >/dev/null 2>&1; then
    # fsync off: a throwaway cluster for tests, speed over durability.
    as_pg "$(pg_bin pg_ctl)" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start \
      -o "-h 127.0.0.1 -p $PG_PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
  fi
  local psql; psql=$(pg_bin psql)
  if ! "$psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_roles where rolname='$PG_USER'" | grep -q 1; then
    "$psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "create role $PG_USER login createdb password '$PG_USER'"
    "$psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "create database $PG_DB owner $PG_USER"
  fi
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
      --dir "$SERVICES_DIR" --pidfile "$SERVICES_DIR/redis.pid" --logfile "$SERVICES_DIR/redis.log" >/dev/null
    for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "DATABASE_URL=postgres://$PG_USER:$PG_USER@127.0.0.1:$PG_PORT/$PG_DB"
  echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

stop() {
  if [ -s "$PG_DATA/PG_VERSION" ]; then
    as_pg "$(pg_bin pg_ctl)" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$SERVICES_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
