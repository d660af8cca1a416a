import { describe, expect, it } from "vitest";
import { Bollinger } from "./bollinger";
import { IndicatorInputError } from "./indicator";

/**
 * StockCharts' "Bollinger Bands" worked example (ChartSchool spreadsheet, 20 days, 2 standard
 * deviations, population formula): its 42 closes and the middle, upper and lower bands it
 * publishes to 2 decimals from day 20.
 */
const closes = [
  86.16, 89.09, 88.78, 90.32, 89.07, 91.15, 89.44, 89.18, 86.93, 87.68, 86.96, 89.43, 89.32, 88.72, 87.45, 87.26, 89.5,
  87.9, 89.13, 90.7, 92.9, 92.98, 91.8, 92.66, 92.68, 92.3, 92.77, 92.54, 92.95, 93.2, 91.07, 89.83, 89.74, 90.4, 90.74,
  88.02, 88.09, 88.84, 90.78, 90.54, 91.39, 90.65,
];
const middle = [
  88.71, 89.05, 89.24, 89.39, 89.51, 89.69, 89.75, 89.91, 90.08, 90.38, 90.66, 90.86, 90.88, 90.9, 90.99, 91.15, 91.19,
  91.12, 91.17, 91.25, 91.24, 91.17, 91.05,
];
const upper = [
  91.29, 91.95, 92.61, 92.93, 93.31, 93.73, 93.9, 94.26, 94.56, 94.79, 95.04, 94.91, 94.9, 94.89, 94.86, 94.67, 94.55,
  94.68, 94.57, 94.53, 94.53, 94.37, 94.15,
];
const lower = [
  86.13, 86.14, 85.87, 85.85, 85.7, 85.65, 85.59, 85.56, 85.6, 85.98, 86.27, 86.82, 86.86, 86.91, 87.12, 87.63, 87.83,
  87.56, 87.76, 87.97, 87.95, 87.96, 87.95,
];

const round2 = (v: number | undefined) => (v === undefined ? v : Math.round(v * 100) / 100);

describe("Bollinger", () => {
  it("reproduces StockCharts' published 20-day bands (population standard deviation)", () => {
    const bollinger = new Bollinger(20, 2);
    const bands = closes.map((close) => {
      bollinger.update(close);
      return [bollinger.value(), bollinger.upper(), bollinger.lower()];
    });
    expect(bands.slice(0, 19).flat()).toEqual(Array(57).fill(undefined));
    expect(bands.slice(19).map((b) => round2(b[0]))).toEqual(middle);
    expect(bands.slice(19).map((b) => round2(b[1]))).toEqual(upper);
    expect(bands.slice(19).map((b) => round2(b[2]))).toEqual(lower);
  });

  it("gives %B = (close − lower)/(upper − lower) and bandwidth = (upper − lower)/middle", () => {
    // Closes 1, 2, 3 over 3: mean 2, population σ = √(2/3); bands 2 ± 2√(2/3).
    // %B of 3 = (3 − 2 + 2√(2/3))/(4√(2/3)) = 1/2 + √(3/2)/4; bandwidth = 4√(2/3)/2.
    const bollinger = new Bollinger(3, 2);
    for (const close of [1, 2, 3]) bollinger.update(close);
    expect(bollinger.percentB()).toBeCloseTo(0.5 + Math.sqrt(1.5) / 4, 14);
    expect(bollinger.bandwidth()).toBeCloseTo(2 * Math.sqrt(2 / 3), 14);
  });

  it("has no %B while the window has no spread, and a bandwidth of 0", () => {
    const bollinger = new Bollinger(3, 2);
    for (const close of [1, 5, 0.1, 0.1]) bollinger.update(close);
    expect(bollinger.percentB()).toBeDefined();
    bollinger.update(0.1);
    expect([bollinger.percentB(), bollinger.bandwidth(), bollinger.upper(), bollinger.lower()]).toEqual([
      undefined,
      0,
      bollinger.value(),
      bollinger.value(),
    ]);
    bollinger.update(0.2);
    expect(bollinger.percentB()).toBeGreaterThan(1 / 2);
  });

  it("throws a typed error naming the indicator on NaN or ±Infinity", () => {
    const bollinger = new Bollinger(2, 2);
    expect(() => bollinger.update(Number.NaN)).toThrow(IndicatorInputError);
    expect(() => bollinger.update(Number.POSITIVE_INFINITY)).toThrow(/^bollinger\(2,2\)/);
    expect(() => new Bollinger(1, 2)).toThrow(RangeError);
    expect(() => new Bollinger(20, 0)).toThrow(RangeError);
  });

  it("starts over after reset()", () => {
    const bollinger = new Bollinger(2, 1);
    for (const close of [3, 3]) bollinger.update(close);
    bollinger.reset();
    expect([bollinger.value(), bollinger.percentB(), bollinger.bandwidth()]).toEqual([undefined, undefined, undefined]);
    bollinger.update(1);
    // mean 2, σ 1: %B of 3 is (3 − 1)/(3 − 1) = 1
    expect(bollinger.update(3)).toBe(2);
    expect(bollinger.percentB()).toBe(1);
  });
});
