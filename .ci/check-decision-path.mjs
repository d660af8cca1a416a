// Against a running platform: POST /api/v1/predict returns every field of the spec's response,
// and its decision_id resolves at GET /api/v1/forensics/{id} within seconds with an explanation
// whose base value plus SHAP values equals the model output within 1e-6.
// Usage: node check-decision-path.mjs <api-url>. Prints one line per check; exit 1 on a failure.
const api = process.argv[2];
let failures = 0;
const check = (ok, label) => {
  console.log(`  ${ok ? "ok" : "FAILED"}: ${label}`);
  if (!ok) failures += 1;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function json(path, init) {
  const response = await fetch(`${api}${path}`, init);
  return { status: response.status, body: await response.json() };
}

let symbol;
for (let i = 0; i < 120 && symbol === undefined; i++) {
  const snapshot = await json("/trpc/live.snapshot").catch(() => undefined);
  symbol = snapshot?.body?.result?.data?.decisions?.[0]?.symbol;
  if (symbol === undefined) await sleep(1_000);
}
check(symbol !== undefined, `decisions flow (first decision on ${symbol})`);
if (symbol === undefined) process.exit(1);

let predicted;
for (let i = 0; i < 30; i++) {
  predicted = await json("/api/v1/predict", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ symbol, risk_check: true }),
  });
  if (predicted.status !== 503) break;
  await sleep(1_000);
}
const body = predicted.status === 403 ? predicted.body.error.details : predicted.body;
check([200, 403].includes(predicted.status), `POST /api/v1/predict answers (status ${predicted.status})`);
const fields = [
  "decision_id",
  "symbol",
  "action",
  "confidence",
  "recommended_quantity",
  "regime_probabilities",
  "strategy_weights",
  "risk_validation",
  "metadata",
];
check(
  fields.every((field) => body && field in body),
  `predict response has ${fields.join(", ")}`,
);
check(
  ["bull", "bear", "sideways", "entropy"].every((k) => typeof body?.regime_probabilities?.[k] === "number") &&
    ["bull_specialist", "bear_specialist", "sideways_specialist"].every(
      (k) => typeof body?.strategy_weights?.[k] === "number",
    ) &&
    ["model_version", "latency_ms", "timestamp"].every((k) => k in (body?.metadata ?? {})) &&
    ["approved", "warnings", "checks"].every((k) => k in (body?.risk_validation ?? {})),
  "predict response's nested fields are complete",
);

const started = Date.now();
let forensics;
for (let i = 0; i < 60; i++) {
  forensics = await json(`/api/v1/forensics/${body?.decision_id}`);
  if (forensics.status === 200) break;
  await sleep(500);
}
check(forensics.status === 200, `forensics resolves the decision in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const explanation = forensics.body?.explanations;
if (explanation) {
  const sum = explanation.base_value + Object.values(explanation.shap_values).reduce((a, b) => a + b, 0);
  check(
    Math.abs(sum - explanation.model_output) <= 1e-6,
    `base + Σ SHAP = output (difference ${Math.abs(sum - explanation.model_output).toExponential(2)})`,
  );
  check(
    typeof explanation.regime_reasoning === "string" && explanation.regime_reasoning.length > 0,
    "regime reasoning present",
  );
}
const invalid = await json("/api/v1/predict", {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: '{"symbol": 5}',
});
check(invalid.status === 400, `an invalid predict request is a 400 (got ${invalid.status})`);
const unknown = await json("/api/v1/forensics/00000000-0000-4000-8000-000000000000");
check(unknown.status === 404, `an unknown decision is a 404 (got ${unknown.status})`);
process.exit(failures === 0 ? 0 : 1);
