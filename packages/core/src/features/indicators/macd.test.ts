import { describe, expect, it } from "vitest";
import { IndicatorInputError } from "./indicator";
import { Macd } from "./macd";

describe("Macd", () => {
  it("works a 2/3/2 case by hand, in exact fractions", () => {
    // Closes 1, 2, 4, 8, 16. EMA2: α = 2/3, seed (1+2)/2 = 3/2. EMA3: α = 1/2, seed (1+2+4)/3 = 7/3.
    // Close 4:  EMA2 = 3/2 + 2/3(4 − 3/2) = 19/6;      MACD = 19/6 − 7/3 = 5/6.
    // Close 8:  EMA2 = 19/6 + 2/3(8 − 19/6) = 115/18;  EMA3 = 7/3 + 1/2(8 − 7/3) = 31/6;
    //           MACD = 115/18 − 93/18 = 11/9; signal seed = (5/6 + 11/9)/2 = 37/36; hist = 7/36.
    // Close 16: EMA2 = 691/54; EMA3 = 127/12; MACD = 239/108;
    //           signal = 37/36 + 2/3(239/108 − 37/36) = 589/324; hist = 239/108 − 589/324 = 32/81.
    const macd = new Macd(2, 3, 2);
    expect(macd.update(1)).toBeUndefined();
    expect(macd.update(2)).toBeUndefined();
    expect(macd.macdLine()).toBeUndefined();
    expect(macd.update(4)).toBeUndefined();
    expect(macd.macdLine()).toBeCloseTo(5 / 6, 14);
    const at8 = macd.update(8);
    expect(at8?.macd).toBeCloseTo(11 / 9, 14);
    expect(at8?.signal).toBeCloseTo(37 / 36, 14);
    expect(at8?.histogram).toBeCloseTo(7 / 36, 14);
    const at16 = macd.update(16);
    expect(at16?.macd).toBeCloseTo(239 / 108, 13);
    expect(at16?.signal).toBeCloseTo(589 / 324, 13);
    expect(at16?.histogram).toBeCloseTo(32 / 81, 13);
    expect(macd.macdLine()).toBe(at16?.macd);
  });

  it("has the line from the 26th price and the signal from the 34th with 12/26/9", () => {
    const macd = new Macd();
    expect([macd.macdLineWarmup, macd.warmup]).toEqual([26, 34]);
    for (let i = 1; i <= 25; i += 1) macd.update(100 + Math.sin(i));
    expect(macd.macdLine()).toBeUndefined();
    macd.update(100 + Math.sin(26));
    expect(macd.macdLine()).toBeDefined();
    for (let i = 27; i <= 33; i += 1) macd.update(100 + Math.sin(i));
    expect(macd.isReady()).toBe(false);
    expect(macd.update(100 + Math.sin(34))).toBeDefined();
    expect(macd.isReady()).toBe(true);
  });

  it("throws a typed error naming the indicator on NaN or ±Infinity", () => {
    const macd = new Macd();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => macd.update(bad)).toThrow(IndicatorInputError);
      expect(() => macd.update(bad)).toThrow(/^macd\(12,26,9\)/);
    }
  });

  it("refuses a slow period not above the fast one", () => {
    expect(() => new Macd(26, 12, 9)).toThrow(RangeError);
    expect(() => new Macd(12, 12, 9)).toThrow(RangeError);
  });

  it("starts over after reset()", () => {
    const macd = new Macd(2, 3, 2);
    for (const x of [5, 6, 7, 8]) macd.update(x);
    macd.reset();
    expect([macd.value(), macd.macdLine()]).toEqual([undefined, undefined]);
    for (const x of [1, 2, 4]) macd.update(x);
    expect(macd.macdLine()).toBeCloseTo(5 / 6, 14);
  });
});
