import { describe, expect, it } from "vitest";
import { normal, seededUniform } from "../testing/random-walk-bars";
import { IndicatorInputError } from "./indicator";
import { RollingSlope } from "./rolling-slope";

/** Least-squares slope against 0..n−1, two-pass, straight from the definition. */
function definitionSlope(values: readonly number[]): number {
  const n = values.length;
  const xBar = (n - 1) / 2;
  const yBar = values.reduce((a, b) => a + b, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const [k, y] of values.entries()) {
    numerator += (k - xBar) * (y - yBar);
    denominator += (k - xBar) ** 2;
  }
  return numerator / denominator;
}

describe("RollingSlope", () => {
  it("works small windows by hand: [1, 2, 4] has slope 3/2, then [2, 4, 0] slope −1", () => {
    // [1, 2, 4]: k̄ = 1, ȳ = 7/3; Σ(k − 1)(y − ȳ) = 4/3 + 5/3 = 3; Σ(k − 1)² = 2.
    // [2, 4, 0]: ȳ = 2; Σ = (−1)(0) + 0 + (1)(−2) = −2; over 2.
    const slope = new RollingSlope(3);
    expect([slope.update(1), slope.update(2)]).toEqual([undefined, undefined]);
    expect(slope.update(4)).toBeCloseTo(1.5, 14);
    expect(slope.update(0)).toBeCloseTo(-1, 14);
  });

  it("gives exactly the slope of a line, whatever its level", () => {
    const slope = new RollingSlope(20);
    let last: number | undefined;
    for (let k = 0; k < 500; k += 1) last = slope.update(1e9 + 3 * k);
    expect(last).toBe(3);
  });

  it("stays within 1e-9 (relative to the spread) of the definition over 200,000 updates of a drifting level with jumps", () => {
    // An OBV-like series: a random walk of ±volumes around a level that drifts to 1e9, with the
    // odd jump of 1e8 (a volume spike) entering and leaving the window.
    const uniform = seededUniform(11);
    const slope = new RollingSlope(20);
    const recent: number[] = [];
    let y = 0;
    let worst = 0;
    let checked = 0;
    for (let i = 1; i <= 200_000; i += 1) {
      y += 5_000 + 10_000 * normal(uniform) + (i % 9_973 === 0 ? 1e8 : 0);
      const value = slope.update(y);
      recent.push(y);
      if (recent.length > 20) recent.shift();
      if (i >= 20 && (i % 97 === 0 || i % 9_973 < 25)) {
        const expected = definitionSlope(recent);
        worst = Math.max(worst, Math.abs((value as number) - expected) / 10_000);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(2_000);
    expect(worst).toBeLessThan(1e-9);
  });

  it("throws a typed error naming the indicator on NaN or ±Infinity, and refuses a period below 2", () => {
    const slope = new RollingSlope(2);
    slope.update(1);
    expect(() => slope.update(Number.NaN)).toThrow(IndicatorInputError);
    expect(() => slope.update(Number.NEGATIVE_INFINITY)).toThrow(/^slope\(2\)/);
    expect(slope.update(4)).toBe(3);
    expect(() => new RollingSlope(1)).toThrow(RangeError);
  });

  it("starts over after reset()", () => {
    const slope = new RollingSlope(2);
    slope.update(10);
    slope.update(20);
    slope.reset();
    expect([slope.value(), slope.update(5)]).toEqual([undefined, undefined]);
    expect(slope.update(3)).toBe(-2);
  });
});
