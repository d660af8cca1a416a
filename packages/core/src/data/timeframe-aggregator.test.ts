import { describe, expect, it } from "vitest";
import { type Bar, timeframeMs } from "../market/bar";
import { minuteBars } from "./testing/minute-bars";
import {
  type AggregatedTimeframe,
  AggregationRejectedError,
  aggregateBars,
  bucketStart,
  TimeframeAggregator,
} from "./timeframe-aggregator";

const minute = 60_000;
const t0 = Date.UTC(2026, 0, 5, 14, 0);

function m(symbol: string, index: number, o: number, h: number, l: number, c: number, v: number): Bar {
  return { symbol, timeframe: "1min", time: t0 + index * minute, open: o, high: h, low: l, close: c, volume: v };
}

/** The obvious definition, independent of the aggregator: group by bucket, then read OHLCV off each group. */
function naiveAggregate(bars: readonly Bar[], timeframe: AggregatedTimeframe): Bar[] {
  const size = timeframeMs[timeframe];
  const groups = new Map<string, Bar[]>();
  for (const bar of bars) {
    const key = `${bar.symbol}|${Math.floor(bar.time / size) * size}`;
    const group = groups.get(key) ?? [];
    group.push(bar);
    groups.set(key, group);
  }
  const out: Bar[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    const last = group[group.length - 1];
    if (first === undefined || last === undefined) continue;
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    for (const bar of group) {
      high = Math.max(high, bar.high);
      low = Math.min(low, bar.low);
      volume += bar.volume;
    }
    out.push({
      symbol: first.symbol,
      timeframe,
      time: Math.floor(first.time / size) * size,
      open: first.open,
      high,
      low,
      close: last.close,
      volume,
    });
  }
  return out;
}

const bySeries = (a: Bar, b: Bar) => a.symbol.localeCompare(b.symbol) || a.time - b.time;

describe("TimeframeAggregator", () => {
  it("builds 5-minute bars with exact OHLCV (worked by hand)", () => {
    const bars = [
      m("ABC", 0, 10, 11, 9.5, 10.5, 100),
      m("ABC", 1, 10.5, 12, 10.4, 11.8, 250),
      m("ABC", 2, 11.8, 11.9, 9, 9.2, 50.5),
      m("ABC", 3, 9.2, 10, 9.1, 9.9, 0),
      m("ABC", 4, 9.9, 10.2, 9.8, 10.1, 99.5),
      m("ABC", 5, 10.1, 10.3, 10, 10.2, 10),
    ];
    const aggregator = new TimeframeAggregator({ timeframes: ["5min"] });
    const emitted = bars.map((bar) => aggregator.update(bar));
    // Nothing until the bucket's last minute (14:04, ending 14:05) arrives; then exactly one bar.
    expect(emitted.slice(0, 4)).toEqual([[], [], [], []]);
    expect(emitted[4]).toEqual([
      { symbol: "ABC", timeframe: "5min", time: t0, open: 10, high: 12, low: 9, close: 10.1, volume: 500 },
    ]);
    expect(emitted[5]).toEqual([]);
    // The next bucket is in progress: visible as pending, never emitted.
    expect(aggregator.pending("ABC")).toEqual([
      {
        symbol: "ABC",
        timeframe: "5min",
        time: t0 + 5 * minute,
        open: 10.1,
        high: 10.3,
        low: 10,
        close: 10.2,
        volume: 10,
      },
    ]);
  });

  it("emits a bucket whose last minutes are missing when the next bucket's first bar arrives", () => {
    const aggregator = new TimeframeAggregator({ timeframes: ["5min"] });
    expect(aggregator.update(m("ABC", 1, 10, 10.5, 9.9, 10.2, 5))).toEqual([]);
    expect(aggregator.update(m("ABC", 2, 10.2, 10.3, 10.1, 10.25, 7))).toEqual([]);
    // 14:03 and 14:04 missing, then 14:07 (14:05 and 14:06 missing too).
    expect(aggregator.update(m("ABC", 7, 11, 11, 11, 11, 1))).toEqual([
      { symbol: "ABC", timeframe: "5min", time: t0, open: 10, high: 10.5, low: 9.9, close: 10.25, volume: 12 },
    ]);
    // A bucket with no minute at all (14:10-14:15) produces nothing.
    expect(aggregator.update(m("ABC", 16, 12, 12, 12, 12, 2))).toEqual([
      { symbol: "ABC", timeframe: "5min", time: t0 + 5 * minute, open: 11, high: 11, low: 11, close: 11, volume: 1 },
    ]);
  });

  it("emits a quiet symbol's bucket on a flush at or after its end, never before", () => {
    const aggregator = new TimeframeAggregator();
    aggregator.update(m("ABC", 61, 10, 10.5, 9.9, 10.2, 5));
    aggregator.update(m("XYZ", 62, 20, 21, 19, 20.5, 3));
    expect(aggregator.flush(t0 + 65 * minute - 1)).toEqual([]);
    expect(aggregator.flush(t0 + 65 * minute)).toEqual([
      {
        symbol: "ABC",
        timeframe: "5min",
        time: t0 + 60 * minute,
        open: 10,
        high: 10.5,
        low: 9.9,
        close: 10.2,
        volume: 5,
      },
      { symbol: "XYZ", timeframe: "5min", time: t0 + 60 * minute, open: 20, high: 21, low: 19, close: 20.5, volume: 3 },
    ]);
    // Flushing again emits nothing twice; the hour is still open.
    expect(aggregator.flush(t0 + 65 * minute)).toEqual([]);
    expect(aggregator.pending("ABC").map((bar) => bar.timeframe)).toEqual(["1hour"]);
    expect(aggregator.flush(t0 + 120 * minute).map((bar) => [bar.symbol, bar.timeframe, bar.time])).toEqual([
      ["ABC", "1hour", t0 + 60 * minute],
      ["XYZ", "1hour", t0 + 60 * minute],
    ]);
  });

  it("aligns 1-hour bars to UTC hours and builds the first from the minutes present", () => {
    const start = Date.UTC(2026, 0, 5, 13, 30);
    const bars = minuteBars({ symbol: "ABC", start, count: 150, seed: 3 });
    const hours = aggregateBars(bars, "1hour");
    expect(hours.map((bar) => new Date(bar.time).toISOString())).toEqual([
      "2026-01-05T13:00:00.000Z",
      "2026-01-05T14:00:00.000Z",
      "2026-01-05T15:00:00.000Z",
    ]);
    // 13:30-13:59, 14:00-14:59, 15:00-15:59: 30, 60 and 60 minutes.
    expect(hours[0]?.open).toBe(bars[0]?.open);
    expect(hours[0]?.close).toBe(bars[29]?.close);
    expect(hours[2]?.close).toBe(bars[149]?.close);
    expect(bucketStart(Date.UTC(2026, 0, 5, 13, 59, 59, 999), "1hour")).toBe(Date.UTC(2026, 0, 5, 13));
  });

  it("completes 5-minute and 1-hour bars at the same minute in timeframe order", () => {
    const aggregator = new TimeframeAggregator();
    const bars = minuteBars({ symbol: "ABC", start: t0, count: 60, seed: 4 });
    const emitted = bars.map((bar) => aggregator.update(bar));
    expect(emitted.filter((out) => out.length > 0)).toHaveLength(12);
    expect(emitted[59]?.map((bar) => bar.timeframe)).toEqual(["5min", "1hour"]);
  });

  it("gives identical bars incrementally, in batch, and by the naive definition over days of gappy, interleaved series", () => {
    const series = ["AAA", "BBB", "CCC"].map((symbol, i) =>
      minuteBars({ symbol, start: t0 - 37 * minute, count: 3 * 1440, seed: 10 + i, gapProbability: 0.2 }),
    );
    const interleaved = series.flat().sort((a, b) => a.time - b.time || a.symbol.localeCompare(b.symbol));
    const aggregator = new TimeframeAggregator();
    const incremental: Bar[] = [];
    for (const bar of interleaved) incremental.push(...aggregator.update(bar));
    incremental.push(...aggregator.flush(Number.POSITIVE_INFINITY));
    for (const timeframe of ["5min", "1hour"] as const) {
      const expected = naiveAggregate(interleaved, timeframe).sort(bySeries);
      const fromStream = incremental.filter((bar) => bar.timeframe === timeframe).sort(bySeries);
      const batch = aggregateBars(interleaved, timeframe).sort(bySeries);
      expect(fromStream).toEqual(expected);
      expect(batch).toEqual(expected);
      // Per series, one stored series at a time gives the same bars again.
      expect(series.flatMap((bars) => aggregateBars(bars, timeframe)).sort(bySeries)).toEqual(expected);
    }
  });

  it("leaves the bucket in progress out of a batch when told the present time", () => {
    const bars = minuteBars({ symbol: "ABC", start: t0, count: 13, seed: 5 });
    expect(aggregateBars(bars, "5min", { completeAt: t0 + 13 * minute }).map((bar) => bar.time)).toEqual([
      t0,
      t0 + 5 * minute,
    ]);
    expect(aggregateBars(bars, "5min", { completeAt: t0 + 15 * minute })).toHaveLength(3);
  });

  it("refuses, changing nothing, a bar it cannot take", () => {
    const aggregator = new TimeframeAggregator({ timeframes: ["5min"] });
    aggregator.update(m("ABC", 0, 10, 10, 10, 10, 1));
    aggregator.update(m("ABC", 2, 10, 11, 10, 11, 1));
    const reason = (bar: Bar) => {
      try {
        aggregator.update(bar);
      } catch (error) {
        if (error instanceof AggregationRejectedError) return error.reason;
        throw error;
      }
      return "accepted";
    };
    expect(reason({ ...m("ABC", 3, 10, 10, 10, 10, 1), timeframe: "5min" })).toBe("not-1min");
    expect(reason({ ...m("ABC", 3, 10, 10, 10, 10, 1), time: t0 + 3 * minute + 1 })).toBe("unaligned");
    expect(reason(m("ABC", 2, 10, 10, 10, 10, 1))).toBe("out-of-order");
    expect(reason(m("ABC", 1, 10, 10, 10, 10, 1))).toBe("out-of-order");
    expect(aggregator.flush(t0 + 5 * minute)).toEqual([
      { symbol: "ABC", timeframe: "5min", time: t0, open: 10, high: 11, low: 10, close: 11, volume: 2 },
    ]);
    // The flush made 14:00-14:05 final, for every symbol: a bar of it now is late.
    expect(reason(m("XYZ", 4, 10, 10, 10, 10, 1))).toBe("late");
    expect(reason(m("XYZ", 5, 10, 10, 10, 10, 1))).toBe("accepted");
    expect(() => new TimeframeAggregator({ timeframes: [] })).toThrow(RangeError);
    expect(() => new TimeframeAggregator({ timeframes: ["5min", "5min"] })).toThrow(RangeError);
  });
});
