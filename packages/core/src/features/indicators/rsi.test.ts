import { describe, expect, it } from "vitest";
import { IndicatorInputError } from "./indicator";
import { Rsi } from "./rsi";

/**
 * StockCharts' "Relative Strength Index" worked example (ChartSchool's RSI spreadsheet, Wilder's
 * method, 14 periods): its closes to 4 decimals and the RSI column it publishes, rounded to 2,
 * from the 15th close on (first average gain 0.24, first average loss 0.10, RSI 70.53).
 */
const stockChartsCloses = [
  44.3389, 44.0902, 44.1497, 43.6124, 44.2778, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.614,
  46.282, 46.282, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515, 45.7835, 45.3548,
  44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
];
const stockChartsRsi14 = [
  70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87, 45.46, 37.3,
  33.08, 37.77,
];

describe("Rsi", () => {
  it("reproduces StockCharts' published 14-period RSI table", () => {
    const rsi = new Rsi(14);
    const values = stockChartsCloses.map((x) => rsi.update(x));
    expect(values.slice(0, 14)).toEqual(Array(14).fill(undefined));
    expect(values.slice(14).map((v) => (v === undefined ? v : Math.round(v * 100) / 100))).toEqual(stockChartsRsi14);
  });

  it("works a 3-period case by hand", () => {
    // Closes 10, 11, 10.5, 11.5, 11, 12: changes +1, −0.5, +1, −0.5, +1.
    // Seed over the first 3 changes: avgGain = (1+0+1)/3 = 2/3, avgLoss = (0+0.5+0)/3 = 1/6,
    //   RSI = 100·(2/3)/(2/3 + 1/6) = 80.
    // Change −0.5: avgGain = (2/3·2 + 0)/3 = 4/9, avgLoss = (1/6·2 + 0.5)/3 = 5/18,
    //   RSI = 100·(4/9)/(4/9 + 5/18) = 800/13.
    // Change +1: avgGain = (4/9·2 + 1)/3 = 17/27, avgLoss = (5/18·2)/3 = 5/27, RSI = 100·17/22.
    const rsi = new Rsi(3);
    const values = [10, 11, 10.5, 11.5, 11, 12].map((x) => rsi.update(x));
    expect(values.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(values[3]).toBeCloseTo(80, 12);
    expect(values[4]).toBeCloseTo(800 / 13, 12);
    expect(values[5]).toBeCloseTo(1700 / 22, 12);
  });

  it("reads 100 with only gains, 0 with only losses and 50 with no movement at all", () => {
    const rising = new Rsi(3);
    const falling = new Rsi(3);
    const flat = new Rsi(3);
    for (let i = 0; i < 6; i += 1) {
      rising.update(10 + i);
      falling.update(10 - i);
      flat.update(10);
    }
    expect([rising.value(), falling.value(), flat.value()]).toEqual([100, 0, 50]);
  });

  it("needs period + 1 prices: undefined at the 14th, defined at the 15th", () => {
    const rsi = new Rsi(14);
    expect(rsi.warmup).toBe(15);
    for (let i = 0; i < 14; i += 1) rsi.update(100 + (i % 3));
    expect(rsi.isReady()).toBe(false);
    expect(rsi.update(101)).toBeDefined();
    expect(rsi.isReady()).toBe(true);
  });

  it("throws a typed error naming the indicator on NaN or ±Infinity, and ignores the bad input", () => {
    const rsi = new Rsi(3);
    const clean = new Rsi(3);
    for (const x of [10, 11, 10.5]) {
      rsi.update(x);
      clean.update(x);
    }
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => rsi.update(bad)).toThrow(IndicatorInputError);
      expect(() => rsi.update(bad)).toThrow(/^rsi\(3\)/);
    }
    expect(rsi.update(11.5)).toBe(clean.update(11.5));
  });

  it("starts over after reset()", () => {
    const rsi = new Rsi(2);
    for (const x of [1, 5, 2]) rsi.update(x);
    rsi.reset();
    expect(rsi.value()).toBeUndefined();
    expect([rsi.update(10), rsi.update(11), rsi.update(12)]).toEqual([undefined, undefined, 100]);
  });
});
