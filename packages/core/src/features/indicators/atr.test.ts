import { describe, expect, it } from "vitest";
import { Atr, trueRange } from "./atr";
import { IndicatorInputError } from "./indicator";

/**
 * StockCharts' "Average True Range" worked example (ChartSchool, 14 periods, 30 days): its highs,
 * lows and closes and the ATR column it publishes to 2 decimals from day 14 (the first TR being
 * high − low, the first ATR the mean of 14 TRs). Its prices are given to 2 decimals only, which
 * moves some published values by up to 0.01 from what these prices give.
 */
const stockCharts: [number, number, number][] = [
  [48.7, 47.79, 48.16],
  [48.72, 48.14, 48.61],
  [48.9, 48.39, 48.75],
  [48.87, 48.37, 48.63],
  [48.82, 48.24, 48.74],
  [49.05, 48.64, 49.03],
  [49.2, 48.94, 49.07],
  [49.35, 48.86, 49.32],
  [49.92, 49.5, 49.91],
  [50.19, 49.87, 50.13],
  [50.12, 49.2, 49.53],
  [49.66, 48.9, 49.5],
  [49.88, 49.43, 49.75],
  [50.19, 49.73, 50.03],
  [50.36, 49.26, 50.31],
  [50.57, 50.09, 50.52],
  [50.65, 50.3, 50.41],
  [50.43, 49.21, 49.34],
  [49.63, 48.98, 49.37],
  [50.33, 49.61, 50.23],
  [50.29, 49.2, 49.24],
  [50.17, 49.43, 49.93],
  [49.32, 48.08, 48.43],
  [48.5, 47.64, 48.18],
  [48.32, 41.55, 46.57],
  [46.8, 44.28, 45.41],
  [47.8, 47.31, 47.77],
  [48.39, 47.2, 47.72],
  [48.66, 47.9, 48.62],
  [48.79, 47.73, 47.85],
];
const stockChartsAtr14 = [
  0.56, 0.59, 0.59, 0.57, 0.62, 0.62, 0.64, 0.67, 0.69, 0.78, 0.78, 1.21, 1.3, 1.38, 1.37, 1.34, 1.32,
];

describe("trueRange", () => {
  it("extends the bar's range to the previous close: a gap counts", () => {
    expect(trueRange({ high: 12, low: 11, close: 11.5 }, undefined)).toBe(1);
    expect(trueRange({ high: 12, low: 11, close: 11.5 }, 11.5)).toBe(1);
    // gap up from 9: |low − previous close| = 2
    expect(trueRange({ high: 12, low: 11, close: 11.5 }, 9)).toBe(3);
    // gap down to below 14: |high − previous close| = 2
    expect(trueRange({ high: 12, low: 11, close: 11.5 }, 14)).toBe(3);
  });
});

describe("Atr", () => {
  it("reproduces StockCharts' published ATR(14) within the 0.01 its 2-decimal prices allow", () => {
    const atr = new Atr(14);
    const values = stockCharts.map(([high, low, close]) => atr.update({ high, low, close }));
    expect(values.slice(0, 13)).toEqual(Array(13).fill(undefined));
    for (const [i, published] of stockChartsAtr14.entries()) {
      expect(Math.abs((values[13 + i] as number) - published), `day ${14 + i}`).toBeLessThanOrEqual(0.01 + 1e-12);
    }
    // Day 14 exactly: the mean of TRs 0.91, 0.58, 0.51, 0.50, 0.58, 0.41, 0.26, 0.49, 0.60, 0.32,
    // 0.93, 0.76, 0.45, 0.46 = 7.76/14.
    expect(values[13]).toBeCloseTo(7.76 / 14, 12);
  });

  it("works a 3-period case by hand", () => {
    // TRs: 1 (high − low), 1.5, 2, 2.5 (gap down from 11.5 to a low of 9), 3.5 (gap up from 9.5 to 13).
    // ATR: bar 3 = (1 + 1.5 + 2)/3 = 1.5; bar 4 = (1.5·2 + 2.5)/3 = 11/6; bar 5 = (11/6·2 + 3.5)/3 = 43/18.
    const atr = new Atr(3);
    const bars = [
      { high: 10, low: 9, close: 9.5 },
      { high: 11, low: 10, close: 10.5 },
      { high: 12, low: 10, close: 11.5 },
      { high: 11, low: 9, close: 9.5 },
      { high: 13, low: 11, close: 12.5 },
    ];
    const values = bars.map((bar) => atr.update(bar));
    expect(values.slice(0, 2)).toEqual([undefined, undefined]);
    expect(values[2]).toBe(1.5);
    expect(values[3]).toBeCloseTo(11 / 6, 14);
    expect(values[4]).toBeCloseTo(43 / 18, 14);
  });

  it("throws a typed error naming the indicator on a non-finite price, changing nothing", () => {
    const atr = new Atr(2);
    const clean = new Atr(2);
    for (const bar of [{ high: 2, low: 1, close: 1.5 }]) {
      atr.update(bar);
      clean.update(bar);
    }
    expect(() => atr.update({ high: Number.NaN, low: 1, close: 1 })).toThrow(IndicatorInputError);
    expect(() => atr.update({ high: 2, low: 1, close: Number.POSITIVE_INFINITY })).toThrow(/^atr\(2\)/);
    expect(atr.update({ high: 3, low: 2, close: 2.5 })).toBe(clean.update({ high: 3, low: 2, close: 2.5 }));
  });

  it("starts over after reset()", () => {
    const atr = new Atr(1);
    atr.update({ high: 5, low: 1, close: 3 });
    atr.reset();
    expect(atr.value()).toBeUndefined();
    // no previous close again: the first TR is high − low
    expect(atr.update({ high: 10, low: 9, close: 9 })).toBe(1);
  });
});
