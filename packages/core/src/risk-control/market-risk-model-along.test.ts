import { describe, expect, it } from "vitest";
import { ReturnsWindow } from "../risk/returns-window";
import { MarketRiskModel } from "./market-risk-model";

const t0 = Date.UTC(2025, 9, 21, 14, 30);
const z95 = 1.6448536269514722;

describe("MarketRiskModel's VaR along one symbol", () => {
  const model = new MarketRiskModel(new ReturnsWindow({ intervalMs: 60_000, capacity: 50 }), {
    barsPerDay: 4,
    minObservations: 3,
  });
  // The hand-computed pair of market-risk-model.test.ts: var A 3.7e-4, var B 4e-4, cov 2.5e-4.
  const series: Record<string, readonly number[]> = {
    XXA: [0.01, -0.02, 0.03, 0, -0.01],
    XXB: [0.02, -0.01, 0.01, 0.01, -0.03],
  };
  for (const [symbol, returns] of Object.entries(series)) {
    let close = 100;
    model.observe(symbol, t0, close);
    returns.forEach((r, i) => {
      close *= 1 + r;
      model.observe(symbol, t0 + (i + 1) * 60_000, close);
    });
  }

  it("is the quadratic form restricted to the line, equal to the whole-map estimate", () => {
    const inputs = model.inputsFor(["XXA", "XXB"]);
    const along = inputs?.varEstimate.along?.(new Map([["XXB", 5_000]]), "XXA");
    if (inputs === undefined || along === undefined) throw new Error("an estimate with a line expected");
    for (const x of [0, 10_000, -10_000, 2_500.5, 1e7]) {
      // By hand: vᵀΣv = 3.7e-4·x² + 2·2.5e-4·5,000·x + 4e-4·5,000².
      const byHand = z95 * Math.sqrt(4 * Math.max(0, 3.7e-4 * x * x + 2 * 2.5e-4 * 5_000 * x + 4e-4 * 25e6));
      expect(along(x)).toBeCloseTo(byHand, 6);
      const whole = inputs.varEstimate(
        new Map([
          ["XXB", 5_000],
          ["XXA", x],
        ]),
      );
      expect(Math.abs(along(x) - whole)).toBeLessThanOrEqual(1e-9 * Math.max(1, whole));
    }
  });

  it("ignores the symbol's own entry among the others and refuses a symbol it has no covariance for", () => {
    const inputs = model.inputsFor(["XXA", "XXB"]);
    if (inputs === undefined) throw new Error("an estimate expected");
    const stale = inputs.varEstimate.along?.(
      new Map([
        ["XXA", 123],
        ["XXB", 5_000],
      ]),
      "XXA",
    );
    const clean = inputs.varEstimate.along?.(new Map([["XXB", 5_000]]), "XXA");
    expect(stale?.(7_000)).toBe(clean?.(7_000));
    expect(() => inputs.varEstimate.along?.(new Map(), "XXZ")).toThrow(/no covariance for XXZ/);
  });
});
