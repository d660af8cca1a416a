import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import { hierarchicalRiskParity } from "./hrp";
import { hrpTargetSchema, hrpTargetWeights } from "./hrp-target-weights";
import { ReturnsWindow } from "./returns-window";

const MIN = 60_000;
const T0 = 1_700_000_040_000;

/** A window fed with `bars` random closes of each symbol; returns the closes too. */
function feed(
  symbols: readonly string[],
  bars: number,
  seed: number,
  flat?: string,
): { window: ReturnsWindow; closes: number[][] } {
  const prng = Prng.fromSeed(seed);
  const window = new ReturnsWindow({ intervalMs: MIN, capacity: 200 });
  const closes = symbols.map(() => [100]);
  for (let t = 1; t < bars; t += 1) {
    const market = prng.normal(0, 0.01);
    symbols.forEach((symbol, i) => {
      const previous = closes[i]?.at(-1) ?? 100;
      const move = symbol === flat ? 0 : (0.5 + 0.3 * i) * market + prng.normal(0, 0.005 * (1 + i));
      closes[i]?.push(previous * Math.exp(move));
    });
  }
  for (let t = 0; t < bars; t += 1)
    symbols.forEach((symbol, i) => {
      window.observe(symbol, T0 + t * MIN, closes[i]?.[t] ?? 1);
    });
  return { window, closes };
}

describe("hrpTargetWeights", () => {
  it("is HRP of the sample covariance of the last bars' simple returns, keyed by symbol", () => {
    const symbols = ["AAA", "BBB", "CCC", "DDD", "EEE"];
    const { window, closes } = feed(symbols, 150, 8);
    const lookback = 100;
    // Independently: the last 100 one-bar simple returns from the closes, and their covariance.
    const returns = closes.map((c) =>
      c
        .slice(1)
        .map((p, t) => p / (c[t] ?? 1) - 1)
        .slice(-lookback),
    );
    const means = returns.map((r) => r.reduce((s, x) => s + x, 0) / lookback);
    const covariance = returns.map((a, i) =>
      returns.map(
        (b, j) =>
          a.reduce((s, x, t) => s + (x - (means[i] ?? 0)) * ((b[t] ?? 0) - (means[j] ?? 0)), 0) / (lookback - 1),
      ),
    );
    const expected = hierarchicalRiskParity(covariance);
    const target = hrpTargetWeights(window, symbols, { lookbackBars: lookback });
    expect(hrpTargetSchema.parse(target)).toEqual(target);
    expect(target.observations).toBe(lookback);
    symbols.forEach((symbol, i) => {
      expect(target.weights[symbol]).toBeCloseTo(expected.weights[i] ?? 0, 12);
    });
    expect(target.order).toEqual(expected.order.map((i) => symbols[i]));
    expect(target.merges.map((m) => [m.left, m.right])).toEqual(expected.merges.map((m) => [m.left, m.right]));
  });

  it("says why it cannot compute", () => {
    const { window } = feed(["AAA", "BBB", "CCC"], 20, 1, "CCC");
    expect(() => hrpTargetWeights(window, ["AAA", "BBB"])).toThrow(/19 bars .* needs 30/);
    expect(() => hrpTargetWeights(window, ["AAA", "CCC"], { minObservations: 10 })).toThrow(/no price movement .* CCC/);
    expect(() => hrpTargetWeights(window, ["AAA", "ZZZ"], { minObservations: 10 })).toThrow(/0 bars/);
    expect(() => hrpTargetWeights(window, [])).toThrow(RangeError);
    expect(() => hrpTargetWeights(window, ["AAA", "AAA"])).toThrow(/distinct/);
    expect(() => hrpTargetWeights(window, ["AAA"], { lookbackBars: 0 })).toThrow(RangeError);
    expect(hrpTargetWeights(window, ["AAA"], { minObservations: 10 }).weights).toEqual({ AAA: 1 });
  });
});
