import { describe, expect, it } from "vitest";
import { Gap } from "./gap";
import { IndicatorInputError } from "./indicator";

describe("Gap", () => {
  it("is open_t / close_{t−1} − 1", () => {
    // closes 100 then 102; opens 101 (gap from 100: +1%) and 96.9 (gap from 102: −5%)
    const gap = new Gap();
    expect(gap.update({ open: 99, close: 100 })).toBeUndefined();
    expect(gap.update({ open: 101, close: 102 })).toBeCloseTo(0.01, 14);
    expect(gap.update({ open: 96.9, close: 97 })).toBeCloseTo(-0.05, 14);
  });

  it("throws a typed error on a price that is not finite and positive, changing nothing", () => {
    const gap = new Gap();
    gap.update({ open: 1, close: 10 });
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => gap.update({ open: bad, close: 10 })).toThrow(IndicatorInputError);
      expect(() => gap.update({ open: 10, close: bad })).toThrow(/^gap/);
    }
    expect(gap.update({ open: 11, close: 12 })).toBeCloseTo(0.1, 14);
  });

  it("starts over after reset()", () => {
    const gap = new Gap();
    gap.update({ open: 1, close: 2 });
    gap.reset();
    expect([gap.value(), gap.update({ open: 3, close: 3 })]).toEqual([undefined, undefined]);
  });
});
