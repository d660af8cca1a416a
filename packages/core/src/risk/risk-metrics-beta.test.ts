import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import { equalWeightedIndex, olsBeta } from "./risk-metrics-beta";

describe("equalWeightedIndex", () => {
  it("averages the returns present in each interval", () => {
    const index = equalWeightedIndex([
      [0.01, 0.02, Number.NaN, Number.NaN],
      [0.03, -0.02, 0.04, Number.NaN],
    ]);
    expect([...index].slice(0, 3)).toEqual([0.02, 0, 0.04]);
    expect(index[3]).toBeNaN();
  });
});

describe("olsBeta", () => {
  it("is cov(x, m) / var(m), worked by hand", () => {
    // m = (1, 2, 3, 4)%, x = (2, 3, 7, 8)%: means 2.5 and 5; Σdm·dx = (−1.5)(−3) + (−.5)(−2) + (.5)(2) + (1.5)(3) = 11,
    // Σdm² = 5: beta = 2.2.
    const estimate = olsBeta([0.02, 0.03, 0.07, 0.08], [0.01, 0.02, 0.03, 0.04]);
    expect(estimate?.value).toBeCloseTo(2.2, 13);
    expect(estimate?.observations).toBe(4);
  });

  it("agrees with a naive covariance over variance on random data with gaps", () => {
    const prng = Prng.fromSeed(11);
    const m = Array.from({ length: 500 }, () => (prng.next() < 0.05 ? Number.NaN : prng.normal(0, 0.01)));
    const x = m.map((v) => (prng.next() < 0.05 ? Number.NaN : 1.3 * v + prng.normal(0, 0.005)));
    const pairs = m.flatMap((v, t) => (Number.isFinite(v) && Number.isFinite(x[t]) ? [[x[t] ?? 0, v]] : []));
    const n = pairs.length;
    const mx = pairs.reduce((s, p) => s + (p[0] ?? 0), 0) / n;
    const mm = pairs.reduce((s, p) => s + (p[1] ?? 0), 0) / n;
    const cov = pairs.reduce((s, p) => s + ((p[0] ?? 0) - mx) * ((p[1] ?? 0) - mm), 0) / (n - 1);
    const variance = pairs.reduce((s, p) => s + ((p[1] ?? 0) - mm) ** 2, 0) / (n - 1);
    const estimate = olsBeta(x, m);
    expect(estimate?.observations).toBe(n);
    expect(estimate?.value).toBeCloseTo(cov / variance, 12);
  });

  it("is undefined for a flat market or fewer than two pairs", () => {
    expect(olsBeta([0.01, 0.02, 0.03], [0.01, 0.01, 0.01])).toBeUndefined();
    expect(olsBeta([0.01, Number.NaN], [0.01, 0.02])).toBeUndefined();
    expect(() => olsBeta([0.01], [0.01, 0.02])).toThrow(RangeError);
  });
});
