import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import { assertCovariance, bilinear, correlationFromCovariance, sampleCovariance } from "./covariance";

describe("sampleCovariance", () => {
  it("matches a covariance worked by hand", () => {
    // x = 1,2,3,4 (mean 2.5), y = 2,4,5,9 (mean 5): deviations (−1.5,−.5,.5,1.5) and (−3,−1,0,4).
    // var x = (2.25+.25+.25+2.25)/3 = 5/3, var y = (9+1+0+16)/3 = 26/3, cov = (4.5+.5+0+6)/3 = 11/3.
    const c = sampleCovariance([
      [1, 2, 3, 4],
      [2, 4, 5, 9],
    ]);
    expect(c[0]?.[0]).toBeCloseTo(5 / 3, 15);
    expect(c[1]?.[1]).toBeCloseTo(26 / 3, 15);
    expect(c[0]?.[1]).toBeCloseTo(11 / 3, 15);
    expect(c[1]?.[0]).toBe(c[0]?.[1]);
    // ρ = (11/3) / √(5/3 · 26/3) = 11/√130.
    expect(correlationFromCovariance(c)[0]?.[1]).toBeCloseTo(11 / Math.sqrt(130), 15);
  });

  it("agrees with the textbook double sum on random data and stays exact for large means", () => {
    const prng = Prng.fromSeed(7);
    const columns = Array.from({ length: 4 }, () => Array.from({ length: 50 }, () => prng.normal(0, 0.01)));
    const c = sampleCovariance(columns);
    const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
    for (let i = 0; i < 4; i += 1) {
      for (let j = 0; j < 4; j += 1) {
        const x = columns[i] ?? [];
        const y = columns[j] ?? [];
        const mx = mean(x);
        const my = mean(y);
        const naive = x.reduce((s, v, t) => s + (v - mx) * ((y[t] ?? 0) - my), 0) / (x.length - 1);
        expect(c[i]?.[j]).toBeCloseTo(naive, 18);
      }
    }
    // Shifting every value by 1e6 leaves the covariance unchanged (to the shift's rounding, ~1e-10).
    const shifted = sampleCovariance(columns.map((x) => x.map((v) => v + 1e6)));
    expect(Math.abs((shifted[0]?.[1] ?? 0) - (c[0]?.[1] ?? 0))).toBeLessThan(1e-12);
  });

  it("refuses fewer than 2 rows, ragged columns and missing values", () => {
    expect(() => sampleCovariance([[1]])).toThrow(RangeError);
    expect(() => sampleCovariance([[1, 2], [1]])).toThrow(RangeError);
    expect(() => sampleCovariance([[1, Number.NaN]])).toThrow(RangeError);
  });
});

describe("correlationFromCovariance and assertCovariance", () => {
  it("puts exact ones on the diagonal and clips rounding past ±1", () => {
    const rho = correlationFromCovariance([
      [4, 2 * 3 * (1 + 1e-15)],
      [2 * 3 * (1 + 1e-15), 9],
    ]);
    expect(rho).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it("refuses non-square, asymmetric, non-finite or non-positive-variance matrices", () => {
    expect(() => assertCovariance([])).toThrow(RangeError);
    expect(() => assertCovariance([[1, 0]])).toThrow(RangeError);
    expect(() => assertCovariance([[0]])).toThrow(/variance 0/);
    expect(() =>
      assertCovariance([
        [1, 0.5],
        [0.4, 1],
      ]),
    ).toThrow(/symmetric/);
    expect(() =>
      assertCovariance([
        [1, Number.NaN],
        [Number.NaN, 1],
      ]),
    ).toThrow(RangeError);
  });

  it("bilinear: xᵀMy by hand", () => {
    // (1, 2) [[1, 2], [3, 4]] (5, 6)ᵀ = (1, 2)·(17, 39) = 95.
    expect(
      bilinear(
        [1, 2],
        [
          [1, 2],
          [3, 4],
        ],
        [5, 6],
      ),
    ).toBe(95);
  });
});
