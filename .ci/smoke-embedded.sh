#!/usr/bin/env bash
# The issue's acceptance path for the start command, run for real: `npm start` on embedded
# defaults brings /healthz to 200, /readyz to 200 and the console to HTML within 2 minutes; Ctrl-C
# (SIGINT) stops every process cleanly; a second start reuses the first one's data.
# Writes "<passed> <failed>" to <out>/counts.
set -uo pipefail
out=${1:?usage: smoke-embedded.sh <out-dir>}
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mkdir -p "$out"
export TRADEOPS_DATA_DIR="$out/data" EMBEDDED_PG_PORT=54391 API_PORT=4391 WEB_PORT=3391
rm -rf "$TRADEOPS_DATA_DIR"
api="http://127.0.0.1:$API_PORT"
web="http://127.0.0.1:$WEB_PORT"
pg="postgresql://postgres@127.0.0.1:$EMBEDDED_PG_PORT/postgres"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "  ok: $1"; }
bad() { failed=$((failed + 1)); echo "  FAILED: $1"; }
finish() { echo "$passed $failed" >"$out/counts"; }
trap finish EXIT

own_processes() { pgrep -f -- "$TRADEOPS_DATA_DIR|apps/api/src/main.ts|apps/web/server.ts|embedded-postgres-main.ts" || true; }

wait_for() { # seconds, description, command...
  local seconds=$1 what=$2; shift 2
  local deadline=$(($(date +%s) + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then return 1; fi
    sleep 1
  done
}

# Job control puts each start in its own process group with SIGINT not ignored, so
# `kill -INT -- -<pid>` is exactly what a terminal's Ctrl-C does to the foreground job.
set -m

stop_platform() { # pid, label
  local pid=$1 label=$2
  kill -INT -- "-$pid"
  local deadline=$(($(date +%s) + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then bad "$label: npm start still running 60 s after SIGINT"; kill -KILL "$pid"; return; fi
    sleep 1
  done
  wait "$pid"; local code=$?
  sleep 1
  if [ -n "$(own_processes)" ]; then
    bad "$label: processes left behind after SIGINT: $(own_processes | tr '\n' ' ')"
    own_processes | xargs -r kill -KILL
  else
    ok "$label: stopped on SIGINT (exit $code), no process left behind"
  fi
}

echo "first start"
t0=$(date +%s)
npm start >"$out/start-1.log" 2>&1 &
pid=$!
if wait_for 120 healthz curl -sf "$api/healthz"; then ok "/healthz 200 after $(($(date +%s) - t0)) s"; else bad "/healthz not 200 within 120 s"; fi
if wait_for 30 readyz curl -sf "$api/readyz"; then ok "/readyz 200"; else bad "/readyz not 200: $(curl -s "$api/readyz")"; fi
if wait_for 60 console sh -c "curl -sf '$web/' | grep -q '<html'"; then ok "console serves HTML after $(($(date +%s) - t0)) s"; else bad "console did not serve HTML"; fi
if curl -sf "$web/trpc/system.status" | grep -q '"ready":true'; then ok "console proxies tRPC to the API"; else bad "tRPC through the console failed"; fi
marker="smoke-$(date +%s%N)"
if psql "$pg" -v ON_ERROR_STOP=1 -qc "insert into audit_events (actor, action, entity_type, entity_id, reason) values ('ci', 'smoke.write', 'smoke', '$marker', 'persistence check')" >/dev/null; then
  ok "wrote a row through the Postgres wire protocol"
else
  bad "could not write to the embedded database"
fi
echo "decision path: predict, then forensics"
node "$root/.ci/check-decision-path.mjs" "$api" | tee "$out/decision-path.log"
passed=$((passed + $(grep -c '^  ok:' "$out/decision-path.log")))
failed=$((failed + $(grep -c '^  FAILED:' "$out/decision-path.log")))
echo "browser tests (Playwright, Debian's Chromium) against the running console"
p=0 f=1
rm -f "$root/.ci-out/e2e.json"
if E2E_BASE_URL="$web" npm test -w @tradeops/e2e >"$out/e2e.log" 2>&1; then :; fi
if counts=$(node "$root/.ci/count-playwright.mjs" "$root/.ci-out/e2e.json"); then
  read -r p f <<<"$counts"; passed=$((passed + p)); failed=$((failed + f)); echo "  e2e: $p passed, $f failed"
else
  bad "e2e produced no report (see $out/e2e.log)"
fi
[ "$f" = 0 ] || tail -40 "$out/e2e.log"
stop_platform "$pid" "first run"

echo "second start (same data folder)"
npm start >"$out/start-2.log" 2>&1 &
pid=$!
if wait_for 120 healthz curl -sf "$api/readyz"; then ok "second start ready"; else bad "second start not ready"; fi
if [ "$(psql "$pg" -tAc "select count(*) from audit_events where entity_id = '$marker'")" = "1" ]; then
  ok "second start sees the first run's data"
else
  bad "the first run's row is gone"
fi
stop_platform "$pid" "second run"
echo "smoke: $passed passed, $failed failed (logs in $out)"
