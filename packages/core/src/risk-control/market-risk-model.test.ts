import { describe, expect, it } from "vitest";
import { ReturnsWindow } from "../risk/returns-window";
import { MarketRiskModel } from "./market-risk-model";

const t0 = Date.UTC(2025, 9, 21, 14, 30);
const z95 = 1.6448536269514722;

/** Simple returns chosen so their moments are easy by hand. */
const returnsA = [0.01, -0.02, 0.03, 0, -0.01];
const returnsB = [0.02, -0.01, 0.01, 0.01, -0.03];

function feed(model: MarketRiskModel, symbol: string, returns: readonly number[], start = 100): void {
  let close = start;
  model.observe(symbol, t0, close);
  returns.forEach((r, i) => {
    close *= 1 + r;
    model.observe(symbol, t0 + (i + 1) * 60_000, close);
  });
}

function model(options: { lookbackBars?: number } = {}): MarketRiskModel {
  return new MarketRiskModel(new ReturnsWindow({ intervalMs: 60_000, capacity: 50 }), {
    barsPerDay: 4,
    minObservations: 3,
    ...options,
  });
}

describe("MarketRiskModel", () => {
  it("gives the delta-normal VaR and the correlation of a hand-computed covariance", () => {
    const m = model();
    feed(m, "XXA", returnsA);
    feed(m, "XXB", returnsB, 50);
    const inputs = m.inputsFor(["XXB", "XXA"]);
    if (inputs === undefined) throw new Error("an estimate expected");
    // By hand: mean A 0.002, B 0; Σ (divisor 4): var A 0.00148/4 = 3.7e-4, var B 0.0016/4 = 4e-4,
    // cov 0.001/4 = 2.5e-4.
    const [varA, varB, cov] = [3.7e-4, 4e-4, 2.5e-4];
    expect(inputs.correlation("XXA", "XXB")).toBeCloseTo(cov / Math.sqrt(varA * varB), 10);
    expect(inputs.correlation("XXB", "XXA")).toBeCloseTo(0.6498436, 6);
    expect(inputs.correlation("XXA", "XXA")).toBe(1);
    expect(inputs.correlation("XXA", "XXZ")).toBe(0);
    // Exposures 10,000 A and 5,000 B: vᵀΣv = 37,000 + 25,000 + 10,000 = 72,000; four bars a day.
    const exposures = new Map([
      ["XXA", 10_000],
      ["XXB", 5_000],
    ]);
    expect(inputs.varEstimate(exposures)).toBeCloseTo(z95 * Math.sqrt(4 * 72_000), 6);
    expect(inputs.varEstimate(exposures)).toBeCloseTo(882.7211, 3);
    // One symbol alone: z·√(h·w²·σ²) = 1.6449 × √(4 × 10⁸ × 3.7e-4).
    expect(inputs.varEstimate(new Map([["XXA", 10_000]]))).toBeCloseTo(z95 * Math.sqrt(4 * 1e8 * varA), 6);
    // A hedge lowers it: short B against long A.
    expect(
      inputs.varEstimate(
        new Map([
          ["XXA", 10_000],
          ["XXB", -5_000],
        ]),
      ),
    ).toBeCloseTo(z95 * Math.sqrt(4 * (37_000 - 25_000 + 10_000)), 6);
    expect(() => inputs.varEstimate(new Map([["XXC", 1]]))).toThrow(/XXC/);
  });

  it("estimates from the latest lookbackBars returns only", () => {
    const m = model({ lookbackBars: 3 });
    feed(m, "XXA", returnsA);
    feed(m, "XXB", returnsB, 50);
    const inputs = m.inputsFor(["XXA", "XXB"]);
    if (inputs === undefined) throw new Error("an estimate expected");
    // The last three: A (0.03, 0, −0.01), mean 0.02/3; B (0.01, 0.01, −0.03), mean −0.01/3.
    const a = [0.03, 0, -0.01].map((r) => r - 0.02 / 3);
    const b = [0.01, 0.01, -0.03].map((r) => r + 0.01 / 3);
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    const varA = sum(a.map((x) => x * x)) / 2;
    const varB = sum(b.map((x) => x * x)) / 2;
    const cov = sum(a.map((x, i) => x * (b[i] ?? 0))) / 2;
    expect(inputs.correlation("XXA", "XXB")).toBeCloseTo(cov / Math.sqrt(varA * varB), 10);
    expect(inputs.varEstimate(new Map([["XXB", 1_000]]))).toBeCloseTo(z95 * Math.sqrt(4 * 1e6 * varB), 8);
  });

  it("gives nothing before enough returns, for a symbol never seen or one whose price never moved", () => {
    const m = model();
    feed(m, "XXA", returnsA.slice(0, 2));
    expect(m.inputsFor(["XXA"])).toBeUndefined();
    feed(m, "XXF", [0, 0, 0, 0, 0]);
    expect(m.inputsFor(["XXF"])).toBeUndefined();
    expect(m.inputsFor(["XXQ"])).toBeUndefined();
    expect(m.inputsFor([])).toBeUndefined();
  });

  it("re-estimates once a new bar interval arrives", () => {
    const m = model();
    feed(m, "XXA", returnsA.slice(0, 4));
    const before = m.inputsFor(["XXA"])?.varEstimate(new Map([["XXA", 1]]));
    // Same interval, same estimate; then the fifth return (−0.01) joins it: variance 3.7e-4.
    expect(m.inputsFor(["XXA"])?.varEstimate(new Map([["XXA", 1]]))).toBe(before);
    let close = 100;
    for (const r of returnsA.slice(0, 4)) close *= 1 + r;
    m.observe("XXA", t0 + 5 * 60_000, close * (1 - 0.01));
    const after = m.inputsFor(["XXA"])?.varEstimate(new Map([["XXA", 1]]));
    expect(after).not.toBe(before);
    expect(after).toBeCloseTo(z95 * Math.sqrt(4 * 3.7e-4), 10);
  });
});
