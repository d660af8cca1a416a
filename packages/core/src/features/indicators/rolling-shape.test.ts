import { describe, expect, it } from "vitest";
import { normal, seededUniform } from "../testing/random-walk-bars";
import { IndicatorInputError } from "./indicator";
import { RollingShape } from "./rolling-shape";

/** G1 and G2 from two-pass central moments, straight from the definitions. */
function definitionShape(values: readonly number[]): { skewness: number; excessKurtosis: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const central = (p: number) => values.reduce((a, v) => a + (v - mean) ** p, 0) / n;
  const m2 = central(2);
  return {
    skewness: ((Math.sqrt(n * (n - 1)) / (n - 2)) * central(3)) / m2 ** 1.5,
    excessKurtosis: ((n - 1) / ((n - 2) * (n - 3))) * ((n + 1) * (central(4) / m2 ** 2 - 3) + 6),
  };
}

describe("RollingShape", () => {
  it("reproduces Microsoft's published SKEW and KURT examples: 3,4,5,2,3,4,5,6,4,7", () => {
    // Excel's documentation: SKEW = 0.359543, KURT = −0.151799637 (exactly −4770/31423).
    const shape = new RollingShape(10);
    let last: ReturnType<RollingShape["update"]>;
    for (const x of [3, 4, 5, 2, 3, 4, 5, 6, 4, 7]) last = shape.update(x);
    expect(last?.skewness).toBeCloseTo(0.359543, 6);
    expect(last?.excessKurtosis).toBeCloseTo(-4770 / 31423, 13);
  });

  it("slides: a symmetric window has no skew; 1, 2, 3, 10 is skewed right", () => {
    const shape = new RollingShape(4);
    for (const x of [5, 1, 2, 3]) shape.update(x);
    // window 5, 1, 2, 3 then 1, 2, 3, 4 (symmetric)
    expect(shape.update(4)?.skewness).toBeCloseTo(0, 14);
    // 1, 2, 3, 4: m2 = 5/4, m4 = 41/16 → G2 = 3/(2·1)·(5·(41/25 − 3) + 6) = −1.2
    expect(shape.value()?.excessKurtosis).toBeCloseTo(-1.2, 13);
    expect(shape.update(10)?.skewness).toBeGreaterThan(1);
  });

  it("has no value while the window is constant", () => {
    const shape = new RollingShape(4);
    for (const x of [0.3, -0.1, 0, 0, 0]) shape.update(x);
    expect(shape.value()).toBeDefined();
    expect(shape.update(0)).toBeUndefined();
    expect(shape.isReady()).toBe(false);
    expect(shape.update(0.01)).toBeDefined();
  });

  it("stays within 1e-9 of the definition over 1,000,000 updates of hard data", () => {
    // Return-like inputs (σ 1e-3) on a slowly moving mean, with a 1e-1 spike every 49,999
    // inputs (its 4th power dwarfs the window's by 1e16 while in, and must leave no residue) and
    // motionless stretches (constant windows have no value).
    const uniform = seededUniform(3);
    for (const period of [20, 60]) {
      const shape = new RollingShape(period);
      const recent: number[] = [];
      let worst = 0;
      let checked = 0;
      for (let i = 1; i <= 1_000_000; i += 1) {
        const flat = i % 100_003 < 2 * period;
        const x = flat ? 0 : i % 49_999 === 0 ? 0.1 : 1e-4 * Math.sin(i / 5_000) + 1e-3 * normal(uniform);
        const value = shape.update(x);
        recent.push(x);
        if (recent.length > period) recent.shift();
        const afterSpike = i % 49_999 >= period && i % 49_999 <= period + 5;
        if (i >= period && (i % 997 === 0 || afterSpike || flat)) {
          if (recent.every((v) => v === recent[0])) {
            expect(value).toBeUndefined();
            continue;
          }
          const expected = definitionShape(recent);
          if (value === undefined) throw new Error(`no value after ${i} updates`);
          worst = Math.max(
            worst,
            Math.abs(value.skewness - expected.skewness),
            Math.abs(value.excessKurtosis - expected.excessKurtosis) / Math.max(1, Math.abs(expected.excessKurtosis)),
          );
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThan(1_000);
      expect(worst).toBeLessThan(1e-9);
    }
  });

  it("throws a typed error naming the indicator on NaN or ±Infinity, and refuses a period below 4", () => {
    const shape = new RollingShape(4);
    expect(() => shape.update(Number.NaN)).toThrow(IndicatorInputError);
    expect(() => shape.update(Number.POSITIVE_INFINITY)).toThrow(/^shape\(4\)/);
    expect(() => new RollingShape(3)).toThrow(RangeError);
  });

  it("starts over after reset()", () => {
    const shape = new RollingShape(4);
    for (const x of [1, 2, 3, 10]) shape.update(x);
    shape.reset();
    expect(shape.value()).toBeUndefined();
    for (const x of [5, 1, 2]) expect(shape.update(x)).toBeUndefined();
    expect(shape.update(3)?.excessKurtosis).toBeCloseTo(definitionShape([5, 1, 2, 3]).excessKurtosis, 13);
  });
});
