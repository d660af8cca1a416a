#!/usr/bin/env bash
# The decision path in services mode, for real: a workers process (every role) and an API process,
# separate, over PostgreSQL, Redis and Kafka (DATABASE_URL, REDIS_URL, KAFKA_BROKERS from the
# environment). Decisions must flow, POST /api/v1/predict must answer with the spec's fields and
# its decision must be explained at GET /api/v1/forensics/{id}; SIGTERM must stop both cleanly.
# Writes "<passed> <failed>" to <out>/counts.
set -uo pipefail
out=${1:?usage: smoke-services.sh <out-dir>}
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rm -rf "$out" && mkdir -p "$out"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "  ok: $1"; }
bad() { failed=$((failed + 1)); echo "  FAILED: $1"; }
finish() { echo "$passed $failed" >"$out/counts"; }
trap finish EXIT

: "${DATABASE_URL:?}" "${REDIS_URL:?}" "${KAFKA_BROKERS:?}"
run_id="smoke$(date +%s)"
database="${DATABASE_URL%/*}/$run_id"
psql "$DATABASE_URL" -qc "create database $run_id" >/dev/null || { bad "could not create the scratch database"; exit 1; }
export DATABASE_URL="$database" REDIS_NAMESPACE="$run_id" MODEL_STORE_DIR="$out/models" EVENT_SPILL_DIR="$out/spill"
export SIM_BAR_INTERVAL_MS=500 SIM_SYMBOLS=20 LOG_LEVEL=info
api_port=4393
workers_port=4392

WORKERS_HEALTH_PORT=$workers_port node --import tsx apps/workers/src/main.ts >"$out/workers.log" 2>&1 &
workers=$!
API_PORT=$api_port node --import tsx apps/api/src/main.ts >"$out/api.log" 2>&1 &
api=$!

wait_for() { # seconds, url
  local deadline=$(($(date +%s) + $1))
  until curl -sf "$2" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 1
  done
}
if wait_for 120 "http://127.0.0.1:$workers_port/readyz"; then ok "workers ready (Kafka, Redis, PostgreSQL)"; else bad "workers not ready: $(tail -5 "$out/workers.log")"; fi
if wait_for 120 "http://127.0.0.1:$api_port/readyz"; then ok "API ready"; else bad "API not ready: $(tail -5 "$out/api.log")"; fi
if curl -sf "http://127.0.0.1:$api_port/readyz" | grep -q '"adapter":"kafka'; then ok "API runs on Kafka"; else bad "API is not on Kafka"; fi

node "$root/.ci/check-decision-path.mjs" "http://127.0.0.1:$api_port" | tee "$out/decision-path.log"
passed=$((passed + $(grep -c '^  ok:' "$out/decision-path.log")))
failed=$((failed + $(grep -c '^  FAILED:' "$out/decision-path.log")))
# The kill switch across processes: HALTED set through the API (a risk officer's key made with the
# CLI) must reach the workers' gate over Kafka within a second, and the API must refuse at once.
api_url="http://127.0.0.1:$api_port"
key=$(npm run -s api-key -w @tradeops/api -- --email smoke-officer@example.com --role risk_officer 2>"$out/api-key.log")
if [ -n "$key" ]; then ok "API key created with the CLI"; else bad "api-key CLI: $(tail -3 "$out/api-key.log")"; fi
put_state() { # state reason
  curl -s -o "$out/trading-state.json" -w '%{http_code}' -X PUT "$api_url/api/v1/risk/trading-state" \
    -H "authorization: Bearer $key" -H 'content-type: application/json' -d "{\"state\":\"$1\",\"reason\":\"$2\"}"
}
status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$api_url/api/v1/risk/trading-state" \
  -H 'content-type: application/json' -d '{"state":"HALTED","reason":"no key"}')
if [ "$status" = 401 ]; then ok "kill switch refused without a key (401)"; else bad "kill switch without a key answered $status"; fi
halted_at=$(date +%s%N)
status=$(put_state HALTED "services smoke: kill switch")
if [ "$status" = 200 ]; then ok "HALTED set through the API"; else bad "PUT trading-state answered $status: $(cat "$out/trading-state.json")"; fi
check='{"symbol":"AAPL","action":"BUY","quantity":1,"estimated_price":100,"portfolio_state":{"total_value":1000000,"positions":{}}}'
if curl -s -X POST "$api_url/api/v1/risk/check" -H 'content-type: application/json' -d "$check" | grep -q '"TRADING_HALTED"'; then
  ok "the API refuses with TRADING_HALTED"
else
  bad "the API's risk check does not say TRADING_HALTED"
fi
seen=""
while [ $((($(date +%s%N) - halted_at) / 1000000)) -lt 1000 ]; do
  if grep -q '"state":"HALTED".*"msg":"risk controls in force"' "$out/workers.log"; then
    seen=$((($(date +%s%N) - halted_at) / 1000000))
    break
  fi
  sleep 0.05
done
if [ -n "$seen" ]; then ok "the workers applied HALTED within 1 s (${seen} ms)"; else bad "the workers did not apply HALTED within 1 s"; fi
status=$(put_state ACTIVE "services smoke: done")
if [ "$status" = 200 ]; then ok "ACTIVE again"; else bad "PUT trading-state ACTIVE answered $status"; fi

stored=$(psql "$database" -tAc "select count(*) from regime_history")
if [ "${stored:-0}" -gt 0 ]; then ok "regime history stored ($stored rows)"; else bad "no regime history stored"; fi

kill -TERM "$api" "$workers"
for pid in "$api" "$workers"; do
  if wait "$pid"; then ok "process $pid stopped cleanly on SIGTERM"; else bad "process $pid exited with $? on SIGTERM"; fi
done
psql "${DATABASE_URL%/*}/postgres" -qc "drop database if exists $run_id" >/dev/null 2>&1 || true
echo "services smoke: $passed passed, $failed failed (logs in $out)"
