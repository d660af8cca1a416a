#!/usr/bin/env bash
# Local PostgreSQL, Redis and Kafka for the services test suite and the services mode.
#   bash infra/local/services.sh <install|start|status|stop|env> [postgres|redis|kafka|all]
# `env` prints export lines for the services that answer:
#   eval "$(bash infra/local/services.sh env)"
# State (data, logs, jars) lives in ${TRADEOPS_LOCAL_STATE:-$HOME/.cache/tradeops-local}.
set -euo pipefail
SERVICE=services
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { die "usage: $0 <install|start|status|stop|env> [postgres|redis|kafka|all]"; }

command="${1:-}"
target="${2:-all}"
case "$command" in install | start | status | stop | env) ;; *) usage ;; esac

case "$target" in
all)
  # Stopped in reverse: nothing here depends on another, but the order mirrors start.
  if [[ "$command" == stop ]]; then services=(kafka redis postgres); else services=(postgres redis kafka); fi
  ;;
postgres | redis | kafka) services=("$target") ;;
*) usage ;;
esac

# start and install stop at the first failure; status and env visit every service and fail at
# the end, so one call reports (or exports) everything that does work.
failed=()
for service in "${services[@]}"; do
  case "$command" in
  start | install | stop) bash "$LOCAL_DIR/$service.sh" "$command" ;;
  status | env) bash "$LOCAL_DIR/$service.sh" "$command" || failed+=("$service") ;;
  esac
done

if ((${#failed[@]} > 0)); then
  log "not answering: ${failed[*]}"
  exit 1
fi
