import { describe, expect, it } from "vitest";
import { IndicatorInputError } from "./indicator";
import { OnBalanceVolume } from "./on-balance-volume";

describe("OnBalanceVolume", () => {
  it("adds the volume of an up close, subtracts a down close's, ignores an unchanged one", () => {
    // closes 10, 11, 11, 10.5, 12 with volumes 100..500: −, +200, +0, −400, +500.
    const obv = new OnBalanceVolume();
    const bars = [10, 11, 11, 10.5, 12].map((close, i) => ({ close, volume: 100 * (i + 1) }));
    expect(bars.map((bar) => obv.update(bar))).toEqual([undefined, 200, 200, -200, 300]);
  });

  it("throws a typed error on a non-finite close or a negative volume, changing nothing", () => {
    const obv = new OnBalanceVolume();
    obv.update({ close: 10, volume: 1 });
    expect(() => obv.update({ close: Number.NaN, volume: 1 })).toThrow(IndicatorInputError);
    expect(() => obv.update({ close: 11, volume: -1 })).toThrow(/^obv/);
    expect(() => obv.update({ close: 11, volume: Number.POSITIVE_INFINITY })).toThrow(IndicatorInputError);
    expect(obv.update({ close: 11, volume: 5 })).toBe(5);
  });

  it("starts over after reset()", () => {
    const obv = new OnBalanceVolume();
    obv.update({ close: 1, volume: 1 });
    obv.update({ close: 2, volume: 7 });
    obv.reset();
    expect(obv.value()).toBeUndefined();
    expect(obv.update({ close: 3, volume: 1 })).toBeUndefined();
    expect(obv.update({ close: 2, volume: 4 })).toBe(-4);
  });
});
