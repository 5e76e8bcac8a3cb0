#!/usr/bin/env bash
# Project-managed PostGIS: a PostgreSQL 15 cluster owned by this checkout, in an ignored folder,
# on a loopback port. Idempotent: a second `up` is a no-op.
#   scripts/postgis.sh up|down|status|url|psql [args…]
# Settings (environment): KLIMAPAKT_PG_DIR (default <repo>/.postgis), KLIMAPAKT_PG_PORT (default 55432),
#                         KLIMAPAKT_PG_DB (default klimapakt).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${KLIMAPAKT_PG_DIR:-$ROOT/.postgis}"
PORT="${KLIMAPAKT_PG_PORT:-55432}"
DB="${KLIMAPAKT_PG_DB:-klimapakt}"
PGBIN=/usr/lib/postgresql/15/bin
PACKAGES=(postgresql-15-postgis-3 postgresql-15-pgrouting postgresql-client-15 gdal-bin)

url() { echo "Host=127.0.0.1;Port=$PORT;Database=$DB;Username=postgres;Maximum Pool Size=40"; }

as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then echo "postgis.sh: missing Debian packages ${missing[*]} (run as root to install)" >&2; exit 1; fi
  echo "postgis.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >&2
}

running() { [ -f "$DIR/data/postmaster.pid" ] && as_owner "$PGBIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; }

psql_() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }

up() {
  install_packages
  mkdir -p "$DIR"
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$DIR"
    # initdb and the server run as 'postgres': every parent of the data folder must be traversable.
    local d="$DIR"; while [ "$d" != / ]; do d="$(dirname "$d")"; chmod o+x "$d" 2>/dev/null || true; done
  fi
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    as_owner "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
    cat >>"$DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 100
shared_buffers = 512MB
work_mem = 64MB
maintenance_work_mem = 256MB
fsync = on
postgis.gdal_enabled_drivers = 'ENABLE_ALL'
CONF
  fi
  if ! running; then
    as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start >/dev/null
  fi
  if ! psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    psql_ -d postgres -c "CREATE DATABASE $DB"
  fi
  psql_ -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS postgis_raster; CREATE EXTENSION IF NOT EXISTS pgrouting;"
  url
}

case "${1:-}" in
  up) up ;;
  down) if running; then as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -w stop -m fast >/dev/null; fi; echo "stopped" ;;
  status) if running; then echo "running on 127.0.0.1:$PORT ($DIR)"; else echo "not running ($DIR)"; exit 3; fi ;;
  url) url ;;
  psql) shift; psql_ -d "$DB" "$@" ;;
  destroy) if running; then as_owner "$PGBIN/pg_ctl" -D "$DIR/data" -w stop -m fast >/dev/null; fi; rm -rf "$DIR"; echo "removed $DIR" ;;
  *) echo "usage: scripts/postgis.sh up|down|status|url|psql [args]|destroy" >&2; exit 2 ;;
esac
