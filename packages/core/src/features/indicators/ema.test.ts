import { describe, expect, it } from "vitest";
import { captureError } from "../testing/capture-error";
import { Ema } from "./ema";
import { IndicatorInputError } from "./indicator";

/**
 * StockCharts' "Exponential Moving Average" worked example (ChartSchool, 10-day EMA of a
 * 30-day series): its spreadsheet's closes to 4 decimals and the EMA column it publishes,
 * rounded to 2, from the 10th close (the SMA seed, 22.22) on.
 */
const stockChartsCloses = [
  22.2734, 22.194, 22.0847, 22.1741, 22.184, 22.1344, 22.2337, 22.4323, 22.2436, 22.2933, 22.1542, 22.3926, 22.3816,
  22.6109, 23.3558, 24.0519, 23.753, 23.8324, 23.9516, 23.6338, 23.8225, 23.8722, 23.6537, 23.187, 23.0976, 23.326,
  22.6805, 23.0976, 22.4025, 22.1725,
];
const stockChartsEma10 = [
  22.22, 22.21, 22.24, 22.27, 22.33, 22.52, 22.8, 22.97, 23.13, 23.28, 23.34, 23.43, 23.51, 23.54, 23.47, 23.4, 23.39,
  23.26, 23.23, 23.08, 22.92,
];

describe("Ema", () => {
  it("is seeded by the SMA of the first `period` values, then follows avg + α(x − avg)", () => {
    // period 3: α = 2/4 = 0.5. Seed = (2+4+6)/3 = 4; then 4 + 0.5(8−4) = 6; then 6 + 0.5(3−6) = 4.5.
    const ema = new Ema(3);
    expect([2, 4, 6, 8, 3].map((x) => ema.update(x))).toEqual([undefined, undefined, 4, 6, 4.5]);
    expect(ema.alpha).toBe(0.5);
  });

  it("reproduces StockCharts' published 10-day EMA table", () => {
    const ema = new Ema(10);
    const values = stockChartsCloses.map((x) => ema.update(x));
    expect(values.slice(0, 9)).toEqual(Array(9).fill(undefined));
    const rounded = values.slice(9).map((v) => (v === undefined ? v : Math.round(v * 100) / 100));
    expect(rounded).toEqual(stockChartsEma10);
  });

  it("applies Wilder's smoothing α = 1/period when asked", () => {
    // period 4: seed = (1+2+3+4)/4 = 2.5; then (2.5·3 + 8)/4 = 3.875; then (3.875·3 + 0)/4 = 2.90625.
    const wilder = new Ema(4, "wilder");
    expect([1, 2, 3, 4, 8, 0].map((x) => wilder.update(x))).toEqual([
      undefined,
      undefined,
      undefined,
      2.5,
      3.875,
      2.90625,
    ]);
    expect(wilder.name).toBe("wilder(4)");
  });

  it("is undefined at period − 1 inputs and defined at period", () => {
    const ema = new Ema(12);
    for (let i = 0; i < 11; i += 1) expect(ema.update(100 + i)).toBeUndefined();
    expect(ema.isReady()).toBe(false);
    // mean of 100..111
    expect(ema.update(111)).toBe(105.5);
    expect(ema.isReady()).toBe(true);
  });

  it("throws a typed error naming the indicator on NaN or ±Infinity, leaving the state as it was", () => {
    const ema = new Ema(3);
    ema.update(2);
    ema.update(4);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const error = captureError(() => ema.update(bad));
      expect(error).toBeInstanceOf(IndicatorInputError);
      expect(error).toMatchObject({ indicator: "ema(3)" });
    }
    expect(ema.update(6)).toBe(4);
  });

  it("starts over after reset()", () => {
    const ema = new Ema(2);
    ema.update(50);
    ema.update(60);
    ema.reset();
    expect(ema.value()).toBeUndefined();
    expect(ema.update(1)).toBeUndefined();
    expect(ema.update(3)).toBe(2);
  });

  it("refuses a period that is not a positive integer", () => {
    expect(() => new Ema(0)).toThrow(RangeError);
    expect(() => new Ema(1.5)).toThrow(RangeError);
  });
});
