import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import { maxDrawdown, sharpeRatio } from "./risk-metrics-performance";

/** Worst (V_i − V_j) / V_i over every pair i ≤ j: the definition, by brute force. */
function bruteForceDrawdown(values: readonly number[]): number {
  const present = values.filter((v) => !Number.isNaN(v));
  let worst = 0;
  for (let i = 0; i < present.length; i += 1) {
    for (let j = i; j < present.length; j += 1) {
      const peak = present[i] ?? 0;
      worst = Math.max(worst, (peak - (present[j] ?? 0)) / peak);
    }
  }
  return worst;
}

describe("maxDrawdown", () => {
  it("is the largest peak-to-trough fall, worked by hand", () => {
    // 120 → 90 is −25%; 130 → 117 only −10%; the new high 140 does not undo the earlier fall.
    expect(maxDrawdown([100, 120, 90, 130, 117, 140])).toBeCloseTo(0.25, 15);
    expect(maxDrawdown([100, 101, 102])).toBe(0);
    expect(maxDrawdown([100])).toBe(0);
    expect(maxDrawdown([])).toBeUndefined();
    expect(maxDrawdown([Number.NaN, 100, Number.NaN, 80])).toBeCloseTo(0.2, 15);
    expect(() => maxDrawdown([100, 0])).toThrow(RangeError);
  });

  it("agrees with the brute force over all (peak, trough) pairs on random curves", () => {
    const prng = Prng.fromSeed(30);
    for (let trial = 0; trial < 50; trial += 1) {
      let value = 100_000;
      const curve = Array.from({ length: 1 + prng.int(300) }, () => {
        value *= Math.exp(prng.normal(0, 0.02));
        return prng.next() < 0.05 ? Number.NaN : value;
      });
      if (curve.every(Number.isNaN)) continue;
      expect(maxDrawdown(curve)).toBeCloseTo(bruteForceDrawdown(curve), 14);
    }
  });
});

describe("sharpeRatio", () => {
  it("is mean / sample sd of the per-interval returns × √periodsPerYear, worked by hand", () => {
    // 100 → 101 → 100 → 102 → 101: returns 1%, −1/101, 2%, −1/102.
    const r = [0.01, -1 / 101, 0.02, -1 / 102];
    const mean = r.reduce((s, x) => s + x, 0) / 4;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / 3);
    const estimate = sharpeRatio([100, 101, 100, 102, 101], 4);
    expect(estimate?.observations).toBe(4);
    expect(estimate?.ratio).toBeCloseTo((mean / sd) * 2, 12);
    // Mean 0.0102951 / 4 = 0.0025738; squared deviations sum to 6.6765e-4, sd = √(6.6765e-4 / 3) = 0.014918:
    // 0.0025738 / 0.014918 × 2 = 0.3451.
    expect(estimate?.ratio).toBeCloseTo(0.3451, 4);
  });

  it("takes returns only between two consecutive present values", () => {
    // The NaN at 2 removes the returns 1→2 and 2→3: left are 100→110 and 120→108.
    const estimate = sharpeRatio([100, 110, Number.NaN, 120, 108], 1);
    const r = [0.1, -0.1];
    const mean = 0;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / 1);
    expect(estimate?.observations).toBe(2);
    expect(estimate?.ratio).toBeCloseTo(mean / sd, 12);
  });

  it("is undefined without two returns or without spread", () => {
    expect(sharpeRatio([100, 101], 252)).toBeUndefined();
    expect(sharpeRatio([100, 100, 100, 100], 252)).toBeUndefined();
    expect(sharpeRatio([100, 101, 102.01], 252)).toBeUndefined();
    expect(() => sharpeRatio([100, 101, 99], 0)).toThrow(RangeError);
  });
});
