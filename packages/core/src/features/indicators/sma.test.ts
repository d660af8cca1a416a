import { describe, expect, it } from "vitest";
import { IndicatorInputError } from "./indicator";
import { Sma } from "./sma";

describe("Sma", () => {
  it("averages the latest `period` values: 1..5 with period 3 gives -, -, 2, 3, 4", () => {
    const sma = new Sma(3);
    expect([1, 2, 3, 4, 5].map((x) => sma.update(x))).toEqual([undefined, undefined, 2, 3, 4]);
  });

  it("is undefined at period - 1 inputs and defined at period", () => {
    const sma = new Sma(20);
    for (let i = 1; i < 20; i += 1) sma.update(i);
    expect(sma.isReady()).toBe(false);
    expect(sma.value()).toBeUndefined();
    // mean of 1..20 = 10.5
    expect(sma.update(20)).toBe(10.5);
    expect(sma.isReady()).toBe(true);
  });

  it("averages a window of zeros to exactly 0 after non-zero values leave it", () => {
    // A plain running sum over 0.1, 0.2, 0.3, 0 then three more zeros ends at 1.1e-16, not 0
    // (and three evictions are fewer than the period, so no periodic recomputation ran yet).
    const sma = new Sma(4);
    for (const x of [0.1, 0.2, 0.3, 0, 0, 0, 0]) sma.update(x);
    expect(sma.value()).toBe(0);
  });

  it("throws a typed error naming the indicator on NaN or ±Infinity, and ignores the bad input", () => {
    const sma = new Sma(2);
    sma.update(1);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => sma.update(bad)).toThrow(IndicatorInputError);
      expect(() => sma.update(bad)).toThrow(/^sma\(2\)/);
    }
    expect(sma.update(3)).toBe(2);
  });

  it("starts over after reset()", () => {
    const sma = new Sma(2);
    sma.update(100);
    sma.update(200);
    sma.reset();
    expect(sma.update(1)).toBeUndefined();
    expect(sma.update(3)).toBe(2);
  });
});
