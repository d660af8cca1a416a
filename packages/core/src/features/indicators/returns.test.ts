import { describe, expect, it } from "vitest";
import { IndicatorInputError } from "./indicator";
import { Returns } from "./returns";

describe("Returns", () => {
  it("gives simple one-bar returns: 100 → 110 → 99 → 99 is +10%, −10%, 0", () => {
    const returns = new Returns(1);
    const values = [100, 110, 99, 99].map((x) => returns.update(x));
    expect(values[0]).toBeUndefined();
    expect(values[1]).toBeCloseTo(0.1, 15);
    expect(values[2]).toBeCloseTo(-0.1, 15);
    expect(values[3]).toBe(0);
  });

  it("gives log returns: ln(110/100), ln(99/110) = ln 0.9", () => {
    const returns = new Returns(1, "log");
    const values = [100, 110, 99].map((x) => returns.update(x));
    expect(values[1]).toBeCloseTo(Math.log(1.1), 15);
    expect(values[2]).toBeCloseTo(Math.log(0.9), 15);
  });

  it("looks back `period` prices: 2-bar returns of 100, 110, 99, 99 are 99/100 − 1 and 99/110 − 1", () => {
    const returns = new Returns(2);
    const values = [100, 110, 99, 99].map((x) => returns.update(x));
    expect(values.slice(0, 2)).toEqual([undefined, undefined]);
    expect(values[2]).toBeCloseTo(-0.01, 15);
    expect(values[3]).toBeCloseTo(-0.1, 15);
  });

  it("needs period + 1 prices: a 20-bar return is undefined at the 20th, defined at the 21st", () => {
    const returns = new Returns(20);
    for (let i = 1; i <= 20; i += 1) expect(returns.update(i)).toBeUndefined();
    // 21/1 − 1
    expect(returns.update(21)).toBe(20);
  });

  it("throws a typed error naming the indicator on NaN, ±Infinity, zero or a negative price", () => {
    const returns = new Returns(1, "log");
    returns.update(10);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -5]) {
      expect(() => returns.update(bad)).toThrow(IndicatorInputError);
      expect(() => returns.update(bad)).toThrow(/^log_return\(1\)/);
    }
    expect(returns.update(10)).toBe(0);
  });
});
