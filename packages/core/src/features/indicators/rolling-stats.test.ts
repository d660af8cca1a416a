import { describe, expect, it } from "vitest";
import { normal, seededUniform } from "../testing/random-walk-bars";
import { IndicatorInputError } from "./indicator";
import { RollingStats } from "./rolling-stats";

/**
 * Exact mean and sample variance of doubles, in integer arithmetic: each double is m·2^e exactly,
 * so scaling by 2^−min(e) makes every value an integer. Only the final division rounds.
 */
function exactMoments(values: readonly number[]): { mean: number; variance: number } {
  const parts = values.map(decompose);
  const minExponent = Math.min(...parts.map((p) => p.exponent));
  const ints = parts.map((p) => p.mantissa << BigInt(p.exponent - minExponent));
  const n = BigInt(values.length);
  const sum = ints.reduce((a, b) => a + b, 0n);
  const sumSquares = ints.reduce((a, b) => a + b * b, 0n);
  // variance = (n·Σx² − (Σx)²) / (n(n−1)), all scaled by 2^(2·minExponent)
  const numerator = n * sumSquares - sum * sum;
  const scale = 2 ** minExponent;
  return {
    mean: (Number(sum) / Number(n)) * scale,
    variance: (Number(numerator) / Number(n * (n - 1n))) * scale * scale,
  };
}

function decompose(x: number): { mantissa: bigint; exponent: number } {
  if (x === 0) return { mantissa: 0n, exponent: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  return biased === 0
    ? { mantissa: sign * fraction, exponent: -1074 }
    : { mantissa: sign * (fraction | (1n << 52n)), exponent: biased - 1075 };
}

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe("RollingStats", () => {
  it("matches the textbook example 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7", () => {
    // deviations −3, −1, −1, −1, 0, 0, 2, 4: squares sum to 9+1+1+1+0+0+4+16 = 32, over n−1 = 7.
    const stats = new RollingStats(8);
    let last: ReturnType<RollingStats["update"]>;
    for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) last = stats.update(x);
    expect(last?.mean).toBe(5);
    expect(last?.variance).toBeCloseTo(32 / 7, 14);
    expect(last?.standardDeviation).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });

  it("slides: window [1, 2, 3] then [2, 3, 10]", () => {
    const stats = new RollingStats(3);
    stats.update(1);
    stats.update(2);
    // mean 2, squared deviations 1 + 0 + 1 = 2, over 2
    expect(stats.update(3)).toEqual({ mean: 2, variance: 1, standardDeviation: 1 });
    // mean 5, deviations −3, −2, 5: 9 + 4 + 25 = 38, over 2
    const next = stats.update(10);
    expect(next?.mean).toBeCloseTo(5, 14);
    expect(next?.variance).toBeCloseTo(19, 13);
  });

  it("is undefined at period − 1 inputs and defined at period", () => {
    const stats = new RollingStats(20);
    for (let i = 0; i < 19; i += 1) expect(stats.update(i)).toBeUndefined();
    expect(stats.isReady()).toBe(false);
    expect(stats.update(19)?.mean).toBe(9.5);
    expect(stats.isReady()).toBe(true);
  });

  it("gives a variance of exactly 0, never negative, once the window is constant", () => {
    const stats = new RollingStats(4);
    for (const x of [3.3, 1e6, 0.7, 9.1, 2.2, 2.2, 2.2, 2.2]) stats.update(x);
    expect(stats.value()).toEqual({ mean: 2.2, variance: 0, standardDeviation: 0 });
  });

  it("throws a typed error naming the indicator on NaN or ±Infinity, and ignores the bad input", () => {
    const stats = new RollingStats(2);
    stats.update(1);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => stats.update(bad)).toThrow(IndicatorInputError);
      expect(() => stats.update(bad)).toThrow(/^rolling_stats\(2\)/);
    }
    expect(stats.update(3)).toEqual({ mean: 2, variance: 2, standardDeviation: Math.SQRT2 });
  });

  it("refuses a period below 2 (a sample variance needs two values)", () => {
    expect(() => new RollingStats(1)).toThrow(RangeError);
  });

  it("stays accurate to 1e-9 (relative) over 1,000,000 updates of hard data", () => {
    // Values near 1e6 moving by ~1e-3: the mean dwarfs the spread by 1e9, where Σx² − (Σx)²/n
    // loses every digit. Every 49,999 updates (so at every phase of the periodic recomputation) a 1e9 spike passes through the window: while it
    // is in, M2 is ~1e17; once it leaves M2 is ~1e-5 again, 22 orders of magnitude down.
    const period = 20;
    const uniform = seededUniform(7);
    const stats = new RollingStats(period);
    const recent: number[] = [];
    let checked = 0;
    let worstMean = 0;
    let worstVariance = 0;
    let worstNaive = 0;
    let naiveSum = 0;
    let naiveSquares = 0;
    for (let i = 1; i <= 1_000_000; i += 1) {
      const x = i % 49_999 === 0 ? 1e9 : 1e6 + 1e-3 * normal(uniform);
      const moments = stats.update(x);
      recent.push(x);
      naiveSum += x;
      naiveSquares += x * x;
      if (recent.length > period) {
        const old = recent.shift() ?? 0;
        naiveSum -= old;
        naiveSquares -= old * old;
      }
      // Checkpoints: regularly, and on every update just after a spike left the window.
      const afterSpike = i > period && i % 49_999 >= period && i % 49_999 <= period + 5;
      if (i >= period && (i % 997 === 0 || afterSpike)) {
        const exact = exactMoments(recent);
        if (moments === undefined) throw new Error(`no value after ${i} updates`);
        worstMean = Math.max(worstMean, relativeError(moments.mean, exact.mean));
        worstVariance = Math.max(worstVariance, relativeError(moments.variance, exact.variance));
        const naiveVariance = (naiveSquares - (naiveSum * naiveSum) / period) / (period - 1);
        worstNaive = Math.max(worstNaive, relativeError(naiveVariance, exact.variance));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(1_000);
    expect(worstMean).toBeLessThan(1e-9);
    expect(worstVariance).toBeLessThan(1e-9);
    // The data is hard enough to matter: the textbook one-pass formula is off by orders of magnitude.
    expect(worstNaive).toBeGreaterThan(1);
  });
});
