import { describe, expect, it } from "vitest";
import { IndicatorInputError } from "./indicator";
import { VolumeRatio } from "./volume-ratio";

describe("VolumeRatio", () => {
  it("divides by the mean of the PREVIOUS `period` volumes, the current one excluded", () => {
    // period 3, volumes 10, 20, 30, 40, 0, 50:
    // 40 / mean(10, 20, 30) = 2 (including 40 in the mean would give 1.6);
    // 0 / mean(20, 30, 40) = 0; 50 / mean(30, 40, 0) = 50 / (70/3) = 15/7.
    const ratio = new VolumeRatio(3);
    const values = [10, 20, 30, 40, 0, 50].map((v) => ratio.update(v));
    expect(values.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(values[3]).toBe(2);
    expect(values[4]).toBe(0);
    expect(values[5]).toBeCloseTo(15 / 7, 14);
  });

  it("needs period + 1 volumes: volume_ratio(20) is undefined at the 20th, defined at the 21st", () => {
    const ratio = new VolumeRatio(20);
    expect(ratio.warmup).toBe(21);
    for (let i = 0; i < 20; i += 1) expect(ratio.update(1_000)).toBeUndefined();
    expect(ratio.update(1_500)).toBe(1.5);
  });

  it("is undefined, not infinite, while the previous bars traded nothing", () => {
    // After 0.1, 0.2, 0.3 leave, a plain running sum would leave 1.1e-16 and the ratio 4.5e16.
    const ratio = new VolumeRatio(4);
    for (const v of [0.1, 0.2, 0.3, 0, 0, 0, 0]) ratio.update(v);
    expect(ratio.update(5)).toBeUndefined();
    expect(ratio.isReady()).toBe(false);
    // Baseline now (0 + 0 + 0 + 5)/4.
    expect(ratio.update(5)).toBe(4);
  });

  it("throws a typed error naming the indicator on NaN, ±Infinity or a negative volume", () => {
    const ratio = new VolumeRatio(3);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1]) {
      expect(() => ratio.update(bad)).toThrow(IndicatorInputError);
      expect(() => ratio.update(bad)).toThrow(/^volume_ratio\(3\)/);
    }
  });
});
