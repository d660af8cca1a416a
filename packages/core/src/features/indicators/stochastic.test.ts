import { describe, expect, it } from "vitest";
import { IndicatorInputError } from "./indicator";
import { Stochastic } from "./stochastic";

/**
 * StockCharts' stochastic oscillator / Williams %R worked example (ChartSchool spreadsheet, 14
 * periods): its 30 highs and lows, the closes of days 14..30 and the Williams %R column it
 * publishes, rounded to 2; fast %K = %R + 100.
 */
const highs = [
  127.009, 127.6159, 126.5911, 127.3472, 128.173, 128.4317, 127.3671, 126.422, 126.8995, 126.8498, 125.646, 125.7156,
  127.1582, 127.7154, 127.6855, 128.2228, 128.2725, 128.0934, 128.2725, 127.7353, 128.77, 129.2873, 130.0633, 129.1182,
  129.2873, 128.4715, 128.0934, 128.6506, 129.1381, 128.6406,
];
const lows = [
  125.3574, 126.1633, 124.9296, 126.0937, 126.8199, 126.4817, 126.034, 124.8301, 126.3921, 125.7156, 124.5615, 124.5715,
  125.0689, 126.8597, 126.6309, 126.8001, 126.7105, 126.8001, 126.1335, 125.9245, 126.9891, 127.8148, 128.4715,
  128.0641, 127.6059, 127.596, 126.999, 126.8995, 127.4865, 127.397,
];
const closesFrom14 = [
  127.2876, 127.1781, 128.0138, 127.1085, 127.7253, 127.0587, 127.3273, 128.7103, 127.8745, 128.5809, 128.6008,
  127.9342, 128.1133, 127.596, 127.596, 128.6904, 128.2725,
];
const williamsR = [
  -29.56, -32.39, -10.8, -34.19, -18.25, -35.48, -25.47, -1.42, -29.9, -26.94, -26.58, -38.77, -39.04, -59.61, -59.61,
  -33.17, -43.27,
];

const round2 = (v: number | undefined) => (v === undefined ? v : Math.round(v * 100) / 100);

describe("Stochastic", () => {
  it("reproduces StockCharts' published %K (Williams %R + 100), and %D is the mean of the last three", () => {
    const stochastic = new Stochastic(14, 3);
    const k: (number | undefined)[] = [];
    const d: (number | undefined)[] = [];
    for (const [i, high] of highs.entries()) {
      const low = lows[i] as number;
      // Days 1..13 have no published close and no %K; any close in the range will do.
      const close = i >= 13 ? (closesFrom14[i - 13] as number) : (high + low) / 2;
      k.push(stochastic.update({ high, low, close }));
      d.push(stochastic.percentD());
    }
    expect(k.slice(0, 13)).toEqual(Array(13).fill(undefined));
    expect(k.slice(13).map(round2)).toEqual(williamsR.map((r) => round2(r + 100)));
    expect(d.slice(0, 15)).toEqual(Array(15).fill(undefined));
    for (let i = 15; i < 30; i += 1) {
      const publishedK = williamsR.slice(i - 15, i - 12).map((r) => r + 100);
      const mean = publishedK.reduce((a, b) => a + b, 0) / 3;
      // The published %K are rounded to 2 decimals, so their mean can differ by up to 0.005.
      expect(Math.abs((d[i] as number) - mean)).toBeLessThan(0.006);
    }
  });

  it("works a 3/2 case by hand, including a range-less window (50)", () => {
    // %K over 3 bars, %D over 2. Bar 3 (bars 1..3): HH 12, LL 9, close 11 → 100·2/3.
    // Bar 4 (2..4): HH 12, LL 9, close 9 → 0. Bar 5 (3..5): HH 11, LL 9, close 10 → 50.
    // Bar 6 (4..6): HH 10, LL 9, close 10 → 100. Bar 7 (5..7): HH = LL = 10, no range → 50;
    // %D = (100 + 50)/2 = 75.
    const stochastic = new Stochastic(3, 2);
    const bars = [
      { high: 10, low: 9, close: 9.5 },
      { high: 12, low: 10, close: 11 },
      { high: 11, low: 10, close: 11 },
      { high: 10, low: 9, close: 9 },
      { high: 10, low: 10, close: 10 },
      { high: 10, low: 10, close: 10 },
      { high: 10, low: 10, close: 10 },
    ];
    const k = bars.map((bar) => stochastic.update(bar));
    expect(k[0]).toBeUndefined();
    expect(k[1]).toBeUndefined();
    expect(k[2]).toBeCloseTo(200 / 3, 12);
    expect(k[3]).toBe(0);
    expect(k[4]).toBe(50);
    expect(k[5]).toBe(100);
    expect(k[6]).toBe(50);
    expect(stochastic.percentD()).toBe(75);
  });

  it("has %K from the kPeriod-th bar and %D from the (kPeriod + dPeriod − 1)-th", () => {
    const stochastic = new Stochastic(14, 3);
    expect([stochastic.warmup, stochastic.dWarmup]).toEqual([14, 16]);
    for (let i = 1; i <= 13; i += 1) stochastic.update({ high: 11 + (i % 3), low: 9, close: 10 });
    expect(stochastic.isReady()).toBe(false);
    stochastic.update({ high: 11, low: 9, close: 10 });
    expect([stochastic.isReady(), stochastic.percentD()]).toEqual([true, undefined]);
    stochastic.update({ high: 11, low: 9, close: 10 });
    expect(stochastic.percentD()).toBeUndefined();
    stochastic.update({ high: 11, low: 9, close: 10 });
    expect(stochastic.percentD()).toBeDefined();
  });

  it("throws a typed error naming the indicator and the field on a non-finite price, changing nothing", () => {
    const stochastic = new Stochastic(2, 2);
    stochastic.update({ high: 2, low: 1, close: 1.5 });
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => stochastic.update({ high: 2, low: bad, close: 1.5 })).toThrow(IndicatorInputError);
      expect(() => stochastic.update({ high: 2, low: 1, close: bad })).toThrow(/^stochastic\(2,2\).*finite close/);
    }
    expect(stochastic.update({ high: 3, low: 2, close: 3 })).toBe(100);
  });

  it("starts over after reset()", () => {
    const stochastic = new Stochastic(2, 2);
    for (const close of [1, 2, 3]) stochastic.update({ high: close, low: close - 1, close });
    stochastic.reset();
    expect([stochastic.value(), stochastic.percentD()]).toEqual([undefined, undefined]);
    expect(stochastic.update({ high: 5, low: 4, close: 4 })).toBeUndefined();
    expect(stochastic.update({ high: 6, low: 4, close: 5 })).toBe(50);
  });
});
