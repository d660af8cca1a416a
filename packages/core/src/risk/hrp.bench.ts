import { bench, describe } from "vitest";
import { MarketSimulator } from "../market/market-simulator";
import { sampleCovariance } from "./covariance";
import { hierarchicalRiskParity } from "./hrp";
import { hrpTargetWeights } from "./hrp-target-weights";
import { ReturnsWindow } from "./returns-window";

// Thirty 390-bar days of one-minute bars of the default 50-symbol universe.
const simulator = new MarketSimulator({ seed: 1, symbols: 50, startTime: 1_700_000_040_000 });
const window = new ReturnsWindow({ intervalMs: 60_000, capacity: 390 * 30 });
for (let step = 0; step < 390 * 30; step += 1) {
  const { time, bars } = simulator.step();
  for (const bar of bars) window.observe(bar.symbol, time, bar.close);
}
const symbols = window.symbols;
const covariance = sampleCovariance(window.completeSimpleReturns(symbols).columns);

describe("hierarchical risk parity, 50 assets", () => {
  bench("from the 30-day returns window (covariance of 11,699 bars + HRP)", () => {
    hrpTargetWeights(window, symbols);
  });
  bench("from a given covariance (distance, single linkage, seriation, bisection)", () => {
    hierarchicalRiskParity(covariance);
  });
  bench("from a given covariance, the paper's Euclidean distance of distances", () => {
    hierarchicalRiskParity(covariance, { distance: "euclidean" });
  });
});
