import { bench, describe } from "vitest";
import { MarketSimulator } from "../market/market-simulator";
import { Portfolio } from "./portfolio";
import { computeRiskMetrics, riskMetricWindows } from "./risk-metrics";
import { historicalVar } from "./risk-metrics-var";

// Thirty 390-bar days of one-minute bars of the default 50-symbol universe, 20 of them held.
const barsPerDay = 390;
const simulator = new MarketSimulator({ seed: 1, symbols: 50, startTime: 1_700_000_040_000 });
const { returns, equity } = riskMetricWindows({ intervalMs: 60_000, barsPerDay, days: 30 });
const portfolio = new Portfolio({ startingCash: 10_000_000 });
for (let step = 0; step < barsPerDay * 30; step += 1) {
  const { time, bars } = simulator.step();
  bars.forEach((bar, i) => {
    returns.observe(bar.symbol, time, bar.close);
    if (step === 0 && i < 20) portfolio.applyFill({ symbol: bar.symbol, side: "BUY", quantity: 100, price: bar.close });
    else portfolio.markToMarket(bar.symbol, bar.close);
  });
  equity.record(time, portfolio.totalValue());
}
const held = [...portfolio.holdings()];
const logReturns = held.map((h) => returns.logReturns(h.symbol));
const exposures = held.map((h) => h.quantity * h.lastPrice);

describe("risk metrics over a 30-day window of one-minute bars (11,700 bars, 50 symbols, 20 held)", () => {
  bench("computeRiskMetrics (both VaRs, beta, correlations, Sharpe, drawdown)", () => {
    computeRiskMetrics(portfolio, returns, equity, { barsPerDay });
  });
  bench("historicalVar alone (11,311 overlapping one-day scenarios)", () => {
    historicalVar({ exposures, logReturns, horizonBars: barsPerDay });
  });
});
