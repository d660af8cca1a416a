import { describe, expect, it } from "vitest";
import { seededUniform } from "../testing/random-walk-bars";
import { IndicatorInputError } from "./indicator";
import { RollingExtreme } from "./rolling-extreme";

describe("RollingExtreme", () => {
  it("gives the max and min of the latest `period` inputs: 1, 3, 2, 5, 4, 4, 1, 0 over 3", () => {
    const inputs = [1, 3, 2, 5, 4, 4, 1, 0];
    const max = new RollingExtreme(3, "max");
    const min = new RollingExtreme(3, "min");
    // windows [1,3,2] [3,2,5] [2,5,4] [5,4,4] [4,4,1] [4,1,0]
    expect(inputs.map((x) => max.update(x))).toEqual([undefined, undefined, 3, 5, 5, 5, 4, 4]);
    expect(inputs.map((x) => min.update(x))).toEqual([undefined, undefined, 1, 2, 2, 4, 1, 0]);
  });

  it("agrees with a scan of the window on 20,000 inputs full of ties, for periods 1, 2, 3 and 14", () => {
    const uniform = seededUniform(5);
    const inputs = Array.from({ length: 20_000 }, () => Math.floor(uniform() * 6));
    for (const period of [1, 2, 3, 14]) {
      const max = new RollingExtreme(period, "max");
      const min = new RollingExtreme(period, "min");
      for (const [i, x] of inputs.entries()) {
        const window = inputs.slice(Math.max(0, i - period + 1), i + 1);
        const full = i >= period - 1;
        expect(max.update(x)).toBe(full ? Math.max(...window) : undefined);
        expect(min.update(x)).toBe(full ? Math.min(...window) : undefined);
      }
    }
  });

  it("throws a typed error naming the indicator on NaN or ±Infinity, and ignores the bad input", () => {
    const max = new RollingExtreme(2, "max");
    max.update(1);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => max.update(bad)).toThrow(IndicatorInputError);
      expect(() => max.update(bad)).toThrow(/^rolling_max\(2\)/);
    }
    expect(max.update(0)).toBe(1);
  });

  it("starts over after reset()", () => {
    const min = new RollingExtreme(2, "min");
    for (const x of [5, 1, 7]) min.update(x);
    min.reset();
    expect([min.value(), min.isReady()]).toEqual([undefined, false]);
    expect([min.update(9), min.update(8)]).toEqual([undefined, 8]);
  });

  it("refuses a period that is not a positive integer", () => {
    expect(() => new RollingExtreme(0, "max")).toThrow(RangeError);
    expect(() => new RollingExtreme(2.5, "min")).toThrow(RangeError);
  });
});
