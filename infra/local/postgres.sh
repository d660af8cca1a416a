#!/usr/bin/env bash
# PostgreSQL 15 from Debian: the packaged cluster 15/main on 127.0.0.1:5432, with role and
# database `tradeops`. Usage: postgres.sh <install|start|status|stop|env>
set -euo pipefail
SERVICE=postgres
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_VERSION=15
PG_CLUSTER=main
PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=tradeops
PG_PASSWORD=tradeops
PG_DB=tradeops
DATABASE_URL="postgresql://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PG_DB"

# As the postgres superuser over the Unix socket (peer auth); from / so that psql does not
# complain about a working directory the postgres user cannot read.
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 3; }

answers() { PGCONNECT_TIMEOUT=5 psql "$DATABASE_URL" -XAtqc 'select 1' 2>/dev/null | grep -qx 1; }

install() {
  ensure_state
  # partman: native time partitioning, the fallback where TimescaleDB cannot be installed.
  apt_ensure "postgresql-$PG_VERSION" "postgresql-client-$PG_VERSION" "postgresql-$PG_VERSION-partman"
  if ! pg_lsclusters -h "$PG_VERSION" "$PG_CLUSTER" 2>/dev/null | grep -q .; then
    log "creating cluster $PG_VERSION/$PG_CLUSTER"
    pg_createcluster --port "$PG_PORT" "$PG_VERSION" "$PG_CLUSTER" >&2
  fi
}

# Role and database are created if absent and the role's password and CREATEDB (tests create
# scratch databases) are re-asserted every time, so a drifted role is repaired too.
provision() {
  as_postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres >&2 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB') \gexec
SQL
}

start() {
  install
  take_lock postgres
  if ready; then
    log "already running on $PG_HOST:$PG_PORT"
  else
    log "starting cluster $PG_VERSION/$PG_CLUSTER"
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" start >&2 9>&- ||
      die "pg_ctlcluster start failed; see /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log"
    if ! wait_until 60 ready; then
      tail -n 30 "/var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log" >&2 || true
      die "not accepting connections on $PG_HOST:$PG_PORT after 60s"
    fi
  fi
  provision
  answers || die "the server runs but '$DATABASE_URL' does not answer 'select 1'"
  log "ready: $DATABASE_URL"
}

stop() {
  take_lock postgres
  if pg_lsclusters -h "$PG_VERSION" "$PG_CLUSTER" 2>/dev/null | grep -q ' online'; then
    log "stopping cluster $PG_VERSION/$PG_CLUSTER"
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" stop -m fast >&2
  else
    log "not running"
  fi
}

status() {
  if ready && answers; then
    log "up: $DATABASE_URL answers 'select 1'"
  else
    log "DOWN: $DATABASE_URL does not answer"
    return 1
  fi
}

print_env() {
  if ready && answers; then
    printf 'export DATABASE_URL=%s\n' "$DATABASE_URL"
  else
    log "not running; DATABASE_URL left unset"
    return 1
  fi
}

case "${1:-}" in
install | start | stop | status) "$1" ;;
env) print_env ;;
*) die "usage: $0 <install|start|status|stop|env>" ;;
esac
