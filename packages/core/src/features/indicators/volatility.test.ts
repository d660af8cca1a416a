import { describe, expect, it } from "vitest";
import { IndicatorInputError } from "./indicator";
import { Volatility } from "./volatility";

describe("Volatility", () => {
  it("is the sample standard deviation of one-bar log returns, not annualised", () => {
    // Closes 1, e, e, e³, e³ have log returns 1, 0, 2, 0.
    // Window [1, 0, 2]: mean 1, squared deviations 0 + 1 + 1 = 2, over n−1 = 2: σ = 1.
    // Window [0, 2, 0]: mean 2/3, squared deviations 4/9 + 16/9 + 4/9 = 8/3, over 2: σ = √(4/3).
    const volatility = new Volatility(3);
    const values = [1, Math.E, Math.E, Math.E ** 3, Math.E ** 3].map((x) => volatility.update(x));
    expect(values.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(values[3]).toBeCloseTo(1, 14);
    expect(values[4]).toBeCloseTo(Math.sqrt(4 / 3), 14);
  });

  it("needs period + 1 prices: volatility(20) is undefined at the 20th, defined at the 21st", () => {
    const volatility = new Volatility(20);
    expect(volatility.warmup).toBe(21);
    for (let i = 0; i < 20; i += 1) volatility.update(100 + (i % 2));
    expect(volatility.isReady()).toBe(false);
    expect(volatility.update(100)).toBeGreaterThan(0);
  });

  it("reads exactly 0 for a constant price", () => {
    const volatility = new Volatility(5);
    for (let i = 0; i < 12; i += 1) volatility.update(42.5);
    expect(volatility.value()).toBe(0);
  });

  it("throws a typed error naming the indicator on NaN, ±Infinity or a non-positive price", () => {
    const volatility = new Volatility(3);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -1]) {
      expect(() => volatility.update(bad)).toThrow(IndicatorInputError);
      expect(() => volatility.update(bad)).toThrow(/^volatility\(3\)/);
    }
  });
});
