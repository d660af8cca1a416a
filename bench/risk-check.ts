import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  checkPreTrade,
  defaultUniverse,
  initialTradingState,
  LiveRiskGate,
  ManualClock,
  MarketRiskModel,
  MarketSimulator,
  Portfolio,
  type PreTradeProposal,
  ReturnsWindow,
  riskLimitSetSchema,
  sectorMap,
} from "@tradeops/core";
import { runOpenLoop } from "./lib/open-loop";
import { startApi, startPlatform, waitForCachedFeatures } from "./lib/platform";
import { report, summarise } from "./lib/stats";

/**
 * Targets: the pre-trade check under 20 µs in process; P99 < 1 ms at 2,000 req/s over HTTP.
 *
 * In process: the live portfolio's gate (every control, a parametric VaR over the covariance of a
 * week of simulated one-minute returns, reservations) on a portfolio of 20 holdings in the default
 * universe's sectors; each call timed alone. Over HTTP: POST /api/v1/risk/check on the embedded
 * platform, at fixed arrival rates, against the live portfolio (the approvals reserve) and with a
 * `portfolio_state` override (nothing reserved).
 *   node --import tsx bench/risk-check.ts            # both
 *   BENCH_HTTP=0 node --import tsx bench/risk-check.ts   # in process only
 */
const calls = Number(process.env.BENCH_CALLS ?? 200_000);
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const rates = (process.env.BENCH_RATES ?? "500,1000,2000").split(",").map(Number);
const settleMs = Number(process.env.BENCH_SETTLE_MS ?? 30_000);

function inProcess() {
  const universe = defaultUniverse(20);
  const symbols = universe.map((s) => s.symbol);
  const simulator = new MarketSimulator({ seed: 7, symbols: 20, startTime: Date.UTC(2026, 0, 5, 14, 30) });
  const returns = new ReturnsWindow({ intervalMs: 60_000, capacity: 5 * 390 });
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 14, 30));
  const portfolio = new Portfolio({ startingCash: 10_000_000, sectors: sectorMap(universe) });
  const gate = new LiveRiskGate({
    portfolio,
    // Throttle and duplicate window out of the way: every call runs every control to the end.
    limits: riskLimitSetSchema.parse({ throttle: { maxMessages: 100_000, perMs: 1_000 }, duplicateWindowMs: 0 }),
    tradingState: initialTradingState("bench", clock.now()),
    clock,
    market: new MarketRiskModel(returns),
  });
  for (let i = 0; i < 5 * 390; i++) {
    for (const bar of simulator.nextBars()) {
      gate.observeBar(bar);
      portfolio.markToMarket(bar.symbol, bar.close);
    }
  }
  // 4% of the portfolio in each symbol: room to buy, so the checks pass and reserve.
  for (const symbol of symbols) {
    const price = gate.lastPrice(symbol) ?? 100;
    portfolio.applyFill({ symbol, side: "BUY", quantity: Math.floor(400_000 / price), price });
  }

  const proposal = (i: number): PreTradeProposal => {
    const symbol = symbols[i % symbols.length] as string;
    const price = gate.lastPrice(symbol) ?? 100;
    return { symbol, side: i % 3 === 0 ? "SELL" : "BUY", quantity: 10 + (i % 90), price, clientId: "bench" };
  };
  const time = (label: string, run: (i: number) => void) => {
    for (let i = 0; i < 10_000; i++) run(i);
    const samples = new Float64Array(calls);
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) {
      const t0 = process.hrtime.bigint();
      run(i);
      samples[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(report(label, summarise(samples), { throughput: `${Math.round(calls / seconds)} checks/s` }));
  };

  // The reservation is handed back right away (untimed), so the portfolio stays where it is.
  time("in process: live gate check (reserves)", (i) => {
    const decided = gate.check(proposal(i));
    if (decided.reservation !== null) gate.cancel(decided.reservation.id);
  });
  time("in process: live gate preview", (i) => {
    gate.preview(proposal(i));
  });
  time("in process: checkPreTrade with VaR", (i) => {
    const p = proposal(i);
    checkPreTrade(portfolio, p, gate.limits, { tradingState: "ACTIVE", ...gate.marketInputs(p.symbol) });
  });
}

async function overHttp() {
  const platform = await startPlatform({ apiPort: 4490, pgPort: 54490 });
  try {
    // A symbol the platform trades, at its last price (inside the price collar), once the decision
    // path runs; then first-start work (training, backfill) settles before measuring.
    const symbol = await waitForCachedFeatures(platform.apiUrl);
    const features = (await (await fetch(`${platform.apiUrl}/api/v1/features/${symbol}/1min`)).json()) as {
      features: { price: number };
    };
    const price = features.features.price;
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    // The default throttle (100 messages a second per client) would turn most of the load into
    // cheap THROTTLED answers: raised, as a risk officer, so every request runs every control.
    const key = (await readFile(join(platform.dataDir, "risk-officer.key"), "utf8")).trim();
    const raised = await fetch(`${platform.apiUrl}/api/v1/risk/limits`, {
      method: "PUT",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ limits: { throttle: { maxMessages: 100_000, perMs: 1_000 } }, reason: "benchmark load" }),
    });
    if (!raised.ok) throw new Error(`raising the throttle failed: ${raised.status} ${await raised.text()}`);
    const order = (i: number) => ({ symbol, action: "BUY", quantity: 1 + (i % 50), estimated_price: price });
    // Distinct order ids: the duplicate check is per order, so none of these is a duplicate.
    const liveBody = (i: number) => JSON.stringify({ ...order(i), order_id: `bench-${i}` });
    const overrideBody = (i: number) =>
      JSON.stringify({
        ...order(i),
        portfolio_state: {
          total_value: 500_000 + 100 * price,
          cash: 500_000,
          positions: { [symbol]: { quantity: 100, current_price: price } },
        },
      });
    // The floor: the same server's cheapest route (GET /healthz) at the top rate, measured the same
    // way; the risk check's own cost is what it adds to this.
    const floor = await runOpenLoop({ url: `${platform.apiUrl}/healthz`, rate: Math.max(...rates), durationMs });
    console.log(
      report(`HTTP floor: GET /healthz, ${Math.max(...rates)} req/s`, summarise(floor.latenciesMs), {
        achieved: `${floor.achievedRate.toFixed(0)} req/s`,
        "send lag p99": `${summarise(floor.lagMs).p99.toFixed(2)} ms`,
        statuses: JSON.stringify(floor.statusCounts),
      }),
    );
    const measure = async (name: string, url: string, body: (i: number) => string) => {
      for (const rate of rates) {
        const result = await runOpenLoop({ url, method: "POST", body, rate, durationMs });
        console.log(
          report(`HTTP risk check, ${name}, ${rate} req/s`, summarise(result.latenciesMs), {
            achieved: `${result.achievedRate.toFixed(0)} req/s`,
            "send lag p99": `${summarise(result.lagMs).p99.toFixed(2)} ms`,
            errors: result.errors,
            statuses: JSON.stringify(result.statusCounts),
          }),
        );
      }
    };
    const checkUrl = `${platform.apiUrl}/api/v1/risk/check`;
    await measure("portfolio_state override", checkUrl, overrideBody);
    await measure("live portfolio", checkUrl, liveBody);
    // An API replica that only serves (WORKER_ROLES=none): checks with a portfolio_state need no
    // live book, so any replica answers them; the platform's own API stops first.
    await platform.stopApi();
    const replica = await startApi(4491, { ...platform.env, WORKER_ROLES: "none" });
    try {
      // Its prediction engine warms from the stored bars at start: let that finish first.
      await new Promise((resolve) => setTimeout(resolve, 15_000));
      await measure("portfolio_state override, serving-only replica", `${replica.url}/api/v1/risk/check`, overrideBody);
    } finally {
      await replica.stop();
    }
  } finally {
    await platform.stop();
  }
}

inProcess();
if (process.env.BENCH_HTTP !== "0") await overHttp();
