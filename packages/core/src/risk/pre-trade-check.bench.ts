import { bench, describe } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { Portfolio } from "./portfolio";
import { checkPreTrade, type VarEstimator } from "./pre-trade-check";
import { PreTradeGate } from "./pre-trade-gate";
import { defaultRiskLimitSet, riskLimitSetSchema } from "./risk-limits";
import { initialTradingState } from "./trading-state";

// Twenty holdings in four sectors; the target is under 20 µs per check in process.
const symbols = Array.from({ length: 20 }, (_, i) => `S${i}`);
const sectorNames = ["technology", "energy", "health", "financials"];
const portfolio = new Portfolio({
  startingCash: 10_000_000,
  sectors: Object.fromEntries(symbols.map((s, i) => [s, sectorNames[i % 4] as string])),
});
symbols.forEach((symbol, i) => {
  portfolio.applyFill({ symbol, side: "BUY", quantity: 1_000 + i, price: 100 + i });
});

/** Parametric VaR with one common factor (correlation 0.3): O(n) per call, as a stand-in. */
const vols = symbols.map((_, i) => 0.01 + 0.001 * i);
const varEstimate: VarEstimator = (exposures) => {
  let common = 0;
  let own = 0;
  symbols.forEach((symbol, i) => {
    const risk = (exposures.get(symbol) ?? 0) * (vols[i] ?? 0);
    common += risk;
    own += risk * risk;
  });
  return 1.6448536269514722 * Math.sqrt(0.3 * common * common + 0.7 * own);
};
const exposuresNow = new Map([...portfolio.holdings()].map((h) => [h.symbol, h.quantity * h.lastPrice]));
// A VaR limit just above today's VaR: buys hit it, and allowed_quantity needs the bisection.
const bindingVar = riskLimitSetSchema.parse({
  maxVar95: { basis: "currency", value: varEstimate(exposuresNow) + 3_000 },
});

const clock = new ManualClock(0);
const gate = new PreTradeGate({
  portfolio,
  limits: riskLimitSetSchema.parse({ throttle: { maxMessages: 1_000, perMs: 1_000 } }),
  tradingState: initialTradingState("bench", 0),
  clock,
  reservationTtlMs: 50,
});

let i = 0;
const next = () => {
  i += 1;
  return { symbol: symbols[i % 20] as string, side: "BUY" as const, quantity: 10 + (i % 50), price: 105 };
};
const active = { tradingState: "ACTIVE" as const, lastPrice: 105 };

describe("pre-trade check in process, 20 holdings", () => {
  bench("checkPreTrade, no VaR", () => {
    checkPreTrade(portfolio, next(), defaultRiskLimitSet, active);
  });
  bench("checkPreTrade with a VaR estimate", () => {
    checkPreTrade(portfolio, next(), defaultRiskLimitSet, { ...active, varEstimate });
  });
  bench("checkPreTrade with the VaR limit binding (bisection)", () => {
    checkPreTrade(portfolio, next(), bindingVar, { ...active, varEstimate });
  });
  bench("PreTradeGate.check (throttle, duplicates, ~50 open reservations), no VaR", () => {
    clock.advance(1);
    gate.check({ ...next(), clientId: `c${i % 50}` }, { lastPrice: 105 });
  });
});
