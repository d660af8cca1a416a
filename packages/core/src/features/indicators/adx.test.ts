import { describe, expect, it } from "vitest";
import { Adx } from "./adx";
import { IndicatorInputError } from "./indicator";

/**
 * Wilder's Directional Movement worksheet (New Concepts in Technical Trading Systems, 1978):
 * 42 days of highs, lows and closes and the ADX he publishes for days 29..42. His worksheet
 * rounds TR14, ±DM14, the DIs and DX to whole numbers at every step, so the exact computation
 * drifts from his column by up to about 1.3. (Day 22's low, 269.58 in the transcription used, is
 * taken as 269.5: every other price is a multiple of 1/4; either gives the same check.)
 */
const highs = [
  274, 273.25, 272, 270.75, 270, 270.5, 268.5, 265.5, 262.5, 263.5, 269.5, 267.25, 267.5, 269.75, 268.25, 264, 268, 266,
  274, 277.5, 277, 272, 267.75, 269.25, 266, 265, 264.75, 261, 257.5, 259, 259.75, 257.25, 250, 254.25, 254, 253.25,
  253.25, 251.75, 253, 251.5, 246.25, 244.25,
];
const lows = [
  272, 270.25, 269.75, 268, 269, 268, 266.5, 263, 259, 260, 263, 265, 265.5, 266, 263.25, 261.5, 266.25, 264.25, 267,
  273.5, 272.5, 269.5, 264, 263, 263.5, 262, 261.5, 255.5, 253, 254, 257.5, 250, 247, 252.75, 250.5, 250.25, 251, 250.5,
  249.5, 245.25, 240, 244.25,
];
const closes = [
  272.75, 270.75, 270, 269.25, 269.75, 270, 266.5, 263.25, 260.25, 263, 266.5, 267, 265.75, 268.5, 264.25, 264, 266.5,
  265.25, 273, 276.75, 273, 270.25, 266.75, 263, 265.5, 262.25, 262.75, 255.5, 253, 257.5, 257.5, 250, 249.75, 253.75,
  251.25, 250.5, 253, 251.5, 250, 245.75, 242.75, 243.5,
];
const wilderAdx = [17, 18, 18, 20, 22, 22, 23, 23, 24, 25, 25, 26, 27, 29];

describe("Adx", () => {
  it("follows Wilder's published ADX(14) worksheet, first value on day 28", () => {
    const adx = new Adx(14);
    const values = highs.map((high, i) => adx.update({ high, low: lows[i] as number, close: closes[i] as number }));
    expect(values.slice(0, 27)).toEqual(Array(27).fill(undefined));
    expect(values[27]).toBeDefined();
    for (const [i, published] of wilderAdx.entries()) {
      expect(Math.abs((values[28 + i] as number) - published), `day ${29 + i}`).toBeLessThan(1.5);
    }
  });

  it("works a 2-period case by hand, in exact fractions", () => {
    // From bar 2: (TR, +DM, −DM) = (3/2, 1, 0), (2, 1, 0), (5/2, 0, 1), (7/2, 2, 0), (5/2, 0, 1).
    // Bar 3: TR avg 7/4, +DM 1, −DM 0 → +DI 400/7, −DI 0, DX 100.
    // Bar 4: TR 17/8, ±DM 1/2 each → DIs 400/17 both, DX 0; ADX = (100 + 0)/2 = 50.
    // Bar 5: TR 45/16, +DM 5/4, −DM 1/4 → +DI 400/9, −DI 80/9, DX 200/3; ADX = (50 + 200/3)/2 = 175/3.
    // Bar 6: TR 85/32, ±DM 5/8 each → DX 0; ADX = 175/6.
    const adx = new Adx(2);
    const bars = [
      { high: 10, low: 9, close: 9.5 },
      { high: 11, low: 10, close: 10.5 },
      { high: 12, low: 10, close: 11.5 },
      { high: 11, low: 9, close: 9.5 },
      { high: 13, low: 11, close: 12.5 },
      { high: 12, low: 10, close: 10.5 },
    ];
    const seen = bars.map((bar) => [adx.update(bar), adx.plusDi(), adx.minusDi()]);
    expect(seen[0]).toEqual([undefined, undefined, undefined]);
    expect(seen[1]).toEqual([undefined, undefined, undefined]);
    expect(seen[2]?.[0]).toBeUndefined();
    expect(seen[2]?.[1]).toBeCloseTo(400 / 7, 12);
    expect(seen[2]?.[2]).toBe(0);
    expect(seen[3]?.[0]).toBeCloseTo(50, 12);
    expect(seen[3]?.[1]).toBeCloseTo(400 / 17, 12);
    expect(seen[3]?.[2]).toBeCloseTo(400 / 17, 12);
    expect(seen[4]?.[0]).toBeCloseTo(175 / 3, 12);
    expect(seen[4]?.[1]).toBeCloseTo(400 / 9, 12);
    expect(seen[4]?.[2]).toBeCloseTo(80 / 9, 12);
    expect(seen[5]?.[0]).toBeCloseTo(175 / 6, 12);
    expect([adx.diWarmup, adx.warmup]).toEqual([3, 4]);
  });

  it("reads 0 for the DIs and DX of a market that never moved, not 0/0", () => {
    const adx = new Adx(3);
    for (let i = 0; i < 10; i += 1) adx.update({ high: 5, low: 5, close: 5 });
    expect([adx.plusDi(), adx.minusDi(), adx.value()]).toEqual([0, 0, 0]);
  });

  it("counts an equal move up and down as no direction", () => {
    // up = 1, down = 1 on bar 2 (an outside bar): both DMs 0, so both DIs are 0 at bar 2 with period 1.
    const adx = new Adx(1);
    adx.update({ high: 10, low: 9, close: 9.5 });
    adx.update({ high: 11, low: 8, close: 9.5 });
    expect([adx.plusDi(), adx.minusDi(), adx.value()]).toEqual([0, 0, 0]);
  });

  it("throws a typed error naming the indicator on a non-finite price, changing nothing", () => {
    const adx = new Adx(2);
    const clean = new Adx(2);
    for (const bar of [
      { high: 10, low: 9, close: 9.5 },
      { high: 11, low: 10, close: 10.5 },
    ]) {
      adx.update(bar);
      clean.update(bar);
    }
    expect(() => adx.update({ high: Number.NaN, low: 9, close: 9.5 })).toThrow(IndicatorInputError);
    expect(() => adx.update({ high: 12, low: Number.NEGATIVE_INFINITY, close: 9.5 })).toThrow(/^adx\(2\)/);
    const next = { high: 12, low: 10, close: 11.5 };
    adx.update(next);
    clean.update(next);
    expect([adx.plusDi(), adx.minusDi()]).toEqual([clean.plusDi(), clean.minusDi()]);
  });

  it("starts over after reset()", () => {
    const adx = new Adx(1);
    for (const close of [1, 2, 3]) adx.update({ high: close + 1, low: close, close });
    adx.reset();
    expect([adx.value(), adx.plusDi(), adx.minusDi(), adx.isReady()]).toEqual([undefined, undefined, undefined, false]);
    expect(adx.update({ high: 2, low: 1, close: 1.5 })).toBeUndefined();
    // up 1, down −1 → +DM 1 of TR 1.5: +DI 200/3, −DI 0, DX = ADX(1) = 100
    expect(adx.update({ high: 3, low: 2, close: 2.5 })).toBe(100);
  });
});
