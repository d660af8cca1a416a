import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import { empiricalQuantile, historicalVar, NORMAL_QUANTILE_95, parametricVar } from "./risk-metrics-var";

describe("empiricalQuantile (Hyndman & Fan definition 7)", () => {
  it("matches values worked by hand (and NumPy's percentile)", () => {
    // 1..10, p = 0.05: h = 9 × 0.05 = 0.45, Q = 1 + 0.45 × (2 − 1) = 1.45 (numpy.percentile(range(1, 11), 5) = 1.45).
    expect(empiricalQuantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.05)).toBeCloseTo(1.45, 15);
    // 11 values, p = 0.05: h = 0.5 between two equal 1s: 1 (NumPy: 1.0).
    expect(empiricalQuantile([1, 1, 2, 3, 3, 4, 5, 5, 5, 6, 9], 0.05)).toBe(1);
    // p = 0.5 of 1..4: h = 1.5, Q = 2.5; the ends are the extremes.
    expect(empiricalQuantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(empiricalQuantile([1, 2, 3, 4], 0)).toBe(1);
    expect(empiricalQuantile([1, 2, 3, 4], 1)).toBe(4);
    expect(empiricalQuantile([7], 0.05)).toBe(7);
    expect(() => empiricalQuantile([], 0.5)).toThrow(RangeError);
    expect(() => empiricalQuantile([1], 1.5)).toThrow(RangeError);
  });
});

describe("historicalVar", () => {
  it("one asset, one-bar horizon: minus the 5% quantile of the P&Ls, worked by hand", () => {
    // 21 simple returns −1.0%, −0.9%, …, +1.0% on 1,000: P&Ls −10, −9, …, +10. h = 20 × 0.05 = 1:
    // the quantile is the second smallest, −9, so VaR = 9.
    const logReturns = Array.from({ length: 21 }, (_, k) => Math.log1p((k - 10) / 1000));
    const estimate = historicalVar({ exposures: [1000], logReturns: [logReturns], horizonBars: 1 });
    expect(estimate?.observations).toBe(21);
    expect(estimate?.value).toBeCloseTo(9, 10);
  });

  it("two assets, two-bar windows, a missing return and a short, worked by hand", () => {
    // Exposures A = +100, B = −50. Windows of 2 bars: k = 0, 1, 4 are complete (A misses bar 3).
    const a = [0.01, -0.02, 0.03, Number.NaN, 0.01, -0.01];
    const b = [0.0, 0.01, -0.01, 0.02, 0.02, 0.0];
    // k=0: A Σ = −0.01, B Σ = 0.01 → 100(e^−0.01 − 1) − 50(e^0.01 − 1) = −0.995017 − 0.502508 = −1.497525
    // k=1: A Σ = 0.01, B Σ = 0.00 → 100(e^0.01 − 1) = 1.005017
    // k=4: A Σ = 0.00, B Σ = 0.02 → −50(e^0.02 − 1) = −1.010067
    const pnl = [100 * Math.expm1(-0.01) - 50 * Math.expm1(0.01), 100 * Math.expm1(0.01), -50 * Math.expm1(0.02)];
    const sorted = [pnl[0] ?? 0, pnl[2] ?? 0, pnl[1] ?? 0];
    // n = 3: h = 2 × 0.05 = 0.1, Q = −1.497525 + 0.1 × (−1.010067 + 1.497525) = −1.448779.
    const expected = -((sorted[0] ?? 0) + 0.1 * ((sorted[1] ?? 0) - (sorted[0] ?? 0)));
    expect(expected).toBeCloseTo(1.448779, 6);
    const estimate = historicalVar({ exposures: [100, -50], logReturns: [a, b], horizonBars: 2 });
    expect(estimate?.observations).toBe(3);
    expect(estimate?.value).toBeCloseTo(expected, 12);
  });

  it("agrees with a brute-force replay on random data where no interpolation is needed", () => {
    const prng = Prng.fromSeed(95);
    for (let trial = 0; trial < 10; trial += 1) {
      const assets = 1 + prng.int(5);
      const horizon = 1 + prng.int(10);
      // T − h + 1 = 201 windows: the 5% quantile is exactly the 11th smallest (h = 200 × 0.05 = 10).
      const length = 200 + horizon;
      const exposures = Array.from({ length: assets }, () => prng.normal(0, 10_000));
      const returns = Array.from({ length: assets }, () => Array.from({ length }, () => prng.normal(0, 0.002)));
      const pnl: number[] = [];
      for (let k = 0; k + horizon <= length; k += 1) {
        let total = 0;
        for (let i = 0; i < assets; i += 1) {
          let sum = 0;
          for (let t = k; t < k + horizon; t += 1) sum += returns[i]?.[t] ?? 0;
          total += (exposures[i] ?? 0) * (Math.exp(sum) - 1);
        }
        pnl.push(total);
      }
      pnl.sort((x, y) => x - y);
      const estimate = historicalVar({ exposures, logReturns: returns, horizonBars: horizon });
      expect(estimate?.observations).toBe(201);
      expect(estimate?.value).toBeCloseTo(-(pnl[10] ?? 0), 8);
    }
  });

  it("is near the normal closed form on a long normal sample (a statistical sanity check)", () => {
    const prng = Prng.fromSeed(3);
    const returns = Array.from({ length: 200_000 }, () => prng.normal(0, 0.01));
    const estimate = historicalVar({ exposures: [1_000_000], logReturns: [returns], horizonBars: 1 });
    // VaR ≈ 1e6 × (1 − e^(−1.6449 × 0.01)) = 16,315; the quantile's standard error here is ~0.3%.
    expect(estimate?.value).toBeGreaterThan(16_315 * 0.98);
    expect(estimate?.value).toBeLessThan(16_315 * 1.02);
  });

  it("is undefined when no window is complete and refuses mismatched inputs", () => {
    expect(historicalVar({ exposures: [1], logReturns: [[0.01, Number.NaN, 0.01]], horizonBars: 2 })).toBeUndefined();
    expect(historicalVar({ exposures: [1], logReturns: [[0.01]], horizonBars: 2 })).toBeUndefined();
    expect(() => historicalVar({ exposures: [1, 2], logReturns: [[0.01]], horizonBars: 1 })).toThrow(RangeError);
    expect(() => historicalVar({ exposures: [1], logReturns: [[0.01]], horizonBars: 0 })).toThrow(RangeError);
    expect(() => historicalVar({ exposures: [1], logReturns: [[0.01]], horizonBars: 1, confidence: 1 })).toThrow(
      RangeError,
    );
  });
});

describe("parametricVar", () => {
  it("is z·√(h·vᵀΣv), worked by hand", () => {
    // v = (100, 200), σ = (1%, 2%), ρ = 0.5: vᵀΣv = 100²·1e-4 + 200²·4e-4 + 2·100·200·0.5·0.01·0.02 = 1 + 16 + 4 = 21.
    const covariance = [
      [1e-4, 1e-4],
      [1e-4, 4e-4],
    ];
    expect(parametricVar({ exposures: [100, 200], covariance, horizonBars: 1 })).toBeCloseTo(
      1.6448536269514722 * Math.sqrt(21),
      12,
    );
    // Four bars: √4 = 2 times the one-bar figure.
    expect(parametricVar({ exposures: [100, 200], covariance, horizonBars: 4 })).toBeCloseTo(
      2 * 1.6448536269514722 * Math.sqrt(21),
      12,
    );
    expect(parametricVar({ exposures: [0, 0], covariance, horizonBars: 390 })).toBe(0);
    expect(() => parametricVar({ exposures: [1], covariance, horizonBars: 1 })).toThrow(RangeError);
  });

  it("uses z = Φ⁻¹(0.95): Φ(z) by its Taylor series is 0.95", () => {
    // Φ(z) = ½ + φ(z) Σ_k z^(2k+1) / (1·3·5···(2k+1)).
    const z = NORMAL_QUANTILE_95;
    let term = z;
    let sum = z;
    for (let k = 1; k < 60; k += 1) {
      term *= (z * z) / (2 * k + 1);
      sum += term;
    }
    const phi = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
    expect(0.5 + phi * sum).toBeCloseTo(0.95, 15);
  });
});
