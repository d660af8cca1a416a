#!/usr/bin/env bash
# Redis from Debian, run daemonized on 127.0.0.1:6379 with its own config, pid and log under the
# state folder (no systemd here). Usage: redis.sh <install|start|status|stop|env>
set -euo pipefail
SERVICE=redis
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REDIS_HOST=127.0.0.1
REDIS_PORT="${TRADEOPS_REDIS_PORT:-6379}"
REDIS_URL="redis://$REDIS_HOST:$REDIS_PORT"
DIR="$STATE/redis"
CONF="$DIR/redis.conf"
PIDFILE="$DIR/redis.pid"
LOGFILE="$DIR/redis.log"

answers() { [[ "$(timeout 5 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

install() {
  ensure_state
  apt_ensure redis-server redis-tools
}

# Test data only: no snapshots and no AOF, so a restart always begins empty and nothing is
# written to disk behind the tests' backs. BullMQ wants noeviction.
write_config() {
  mkdir -p "$DIR"
  cat >"$CONF" <<CONF
bind $REDIS_HOST
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $PIDFILE
logfile $LOGFILE
dir $DIR
save ""
appendonly no
maxmemory-policy noeviction
CONF
}

start() {
  install
  take_lock redis
  if answers; then
    if pid_alive "$PIDFILE" redis-server; then
      log "already running on $REDIS_HOST:$REDIS_PORT (pid $(cat "$PIDFILE"))"
    else
      log "a Redis not started by this script already answers on $REDIS_HOST:$REDIS_PORT; using it"
    fi
    return 0
  fi
  write_config
  rm -f "$PIDFILE"
  log "starting redis-server ($CONF)"
  redis-server "$CONF" >&2 9>&- || die "redis-server failed to start; see $LOGFILE"
  if ! wait_until 30 answers; then
    tail -n 30 "$LOGFILE" >&2 || true
    die "no PONG from $REDIS_HOST:$REDIS_PORT after 30s"
  fi
  log "ready: $REDIS_URL"
}

stop() {
  take_lock redis
  if pid_alive "$PIDFILE" redis-server; then
    log "stopping pid $(cat "$PIDFILE")"
    stop_pid "$PIDFILE" redis-server 30
  elif answers; then
    log "a Redis not started by this script answers on $REDIS_HOST:$REDIS_PORT; leaving it alone"
  else
    rm -f "$PIDFILE"
    log "not running"
  fi
}

status() {
  if answers; then
    log "up: $REDIS_URL answers PING"
  else
    log "DOWN: $REDIS_URL does not answer PING"
    return 1
  fi
}

print_env() {
  if answers; then
    printf 'export REDIS_URL=%s\n' "$REDIS_URL"
  else
    log "not running; REDIS_URL left unset"
    return 1
  fi
}

case "${1:-}" in
install | start | stop | status) "$1" ;;
env) print_env ;;
*) die "usage: $0 <install|start|status|stop|env>" ;;
esac
