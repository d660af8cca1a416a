import { describe, expect, it } from "vitest";
import { type Bar, barSchema } from "../market/bar";
import { Prng } from "../random/prng";
import type { Tick } from "./tick";
import { TickToBarAggregator } from "./tick-to-bar";

const at = (hhmmss: string) => Date.parse(`2026-01-05T${hhmmss}Z`);
const tick = (symbol: string, time: string, price: number, size: number): Tick => ({
  symbol,
  price,
  size,
  time: at(time),
});
const bar = (symbol: string, time: string, ohlcv: [number, number, number, number, number]): Bar => {
  const [open, high, low, close, volume] = ohlcv;
  return { symbol, timeframe: "1min", time: at(time), open, high, low, close, volume };
};

describe("TickToBarAggregator", () => {
  it("builds exact OHLCV bars, emitted when a later minute's tick arrives or a flush passes their end", () => {
    const bars = new TickToBarAggregator();
    // QXAB's 14:30 minute, worked out by hand: open 101.25 (first), high 101.50, low 101.00,
    // close 101.40 (last), volume 300 + 100 + 200 + 50 = 650.
    expect(bars.add(tick("QXAB", "14:30:00.123", 101.25, 300))).toEqual([]);
    expect(bars.add(tick("ZQTM", "14:30:30.000", 50, 1_000))).toEqual([]);
    expect(bars.add(tick("QXAB", "14:30:10.000", 101.5, 100))).toEqual([]);
    expect(bars.add(tick("QXAB", "14:30:20.500", 101.0, 200))).toEqual([]);
    expect(bars.add(tick("QXAB", "14:30:59.999", 101.4, 50))).toEqual([]);
    expect(bars.openBars).toBe(2);
    expect(bars.add(tick("QXAB", "14:31:05.000", 101.6, 10))).toEqual([
      bar("QXAB", "14:30:00", [101.25, 101.5, 101.0, 101.4, 650]),
    ]);
    // ZQTM had no trade at 14:31: its next trade closes the 14:30 bar and no 14:31 bar is invented.
    expect(bars.add(tick("ZQTM", "14:32:00.000", 51, 10))).toEqual([bar("ZQTM", "14:30:00", [50, 50, 50, 50, 1_000])]);
    // Flushing at 14:32:00.000 closes the minutes ending by then (QXAB 14:31), not ZQTM's 14:32.
    expect(bars.flush(at("14:32:00.000"))).toEqual([bar("QXAB", "14:31:00", [101.6, 101.6, 101.6, 101.6, 10])]);
    expect(bars.closedBefore).toBe(at("14:32:00"));
    expect(bars.flush(at("14:32:00.500"))).toEqual([]);
    expect(bars.flush(at("14:33:00.000"))).toEqual([bar("ZQTM", "14:32:00", [51, 51, 51, 51, 10])]);
    expect(bars.openBars).toBe(0);
  });

  it("refuses, as a programming error, a tick in a closed minute or older than its open bar", () => {
    const bars = new TickToBarAggregator();
    bars.add(tick("QXAB", "14:31:05.000", 100, 1));
    expect(() => bars.add(tick("QXAB", "14:30:59.000", 100, 1))).toThrow(RangeError);
    bars.flush(at("14:32:00"));
    expect(() => bars.add(tick("ZQTM", "14:31:59.999", 100, 1))).toThrow(RangeError);
    expect(bars.add(tick("ZQTM", "14:32:00.000", 100, 1))).toEqual([]);
  });

  it("flushes in time order, then symbol order", () => {
    const bars = new TickToBarAggregator();
    bars.add(tick("ZZZ", "14:30:01", 1, 1));
    bars.add(tick("AAA", "14:31:01", 2, 1));
    bars.add(tick("MMM", "14:30:02", 3, 1));
    expect(
      bars.flush(at("14:32:00")).map((b) => `${b.symbol}@${new Date(b.time).toISOString().slice(11, 16)}`),
    ).toEqual(["MMM@14:30", "ZZZ@14:30", "AAA@14:31"]);
  });

  it("aggregates 5-minute bars when asked", () => {
    const bars = new TickToBarAggregator({ timeframe: "5min" });
    bars.add(tick("QXAB", "14:30:00", 10, 1));
    bars.add(tick("QXAB", "14:34:59", 12, 2));
    expect(bars.add(tick("QXAB", "14:35:00", 11, 3))).toEqual([
      { symbol: "QXAB", timeframe: "5min", time: at("14:30:00"), open: 10, high: 12, low: 10, close: 12, volume: 3 },
    ]);
  });

  it("agrees with a batch grouping of a long random tick stream, every bar a valid bar", () => {
    const rng = Prng.fromSeed(42);
    const symbols = ["QXAB", "ZQTM", "XQRA"];
    const ticks: Tick[] = [];
    let time = at("14:30:00");
    const prices = new Map(symbols.map((s) => [s, 100]));
    for (let i = 0; i < 5_000; i++) {
      time += rng.int(400);
      const symbol = symbols[rng.int(symbols.length)] ?? "QXAB";
      const price = Math.max(0.01, (prices.get(symbol) ?? 100) + (rng.next() - 0.5));
      prices.set(symbol, price);
      ticks.push({ symbol, price, size: 1 + rng.int(500), time });
    }

    const incremental: Bar[] = [];
    const bars = new TickToBarAggregator();
    for (const t of ticks) incremental.push(...bars.add(t));
    incremental.push(...bars.flush(time + 60_000));

    // The reference: group the whole stream by (symbol, minute) after the fact.
    const groups = new Map<string, Tick[]>();
    for (const t of ticks) {
      const key = `${t.symbol}|${Math.floor(t.time / 60_000) * 60_000}`;
      groups.set(key, [...(groups.get(key) ?? []), t]);
    }
    const reference = [...groups.entries()].map(([key, group]): Bar => {
      const [symbol = "", minute = "0"] = key.split("|");
      const prices = group.map((t) => t.price);
      return {
        symbol,
        timeframe: "1min",
        time: Number(minute),
        open: prices[0] ?? Number.NaN,
        high: Math.max(...prices),
        low: Math.min(...prices),
        close: prices.at(-1) ?? Number.NaN,
        volume: group.reduce((sum, t) => sum + t.size, 0),
      };
    });
    const order = (a: Bar, b: Bar) => a.time - b.time || a.symbol.localeCompare(b.symbol);
    expect([...incremental].sort(order)).toEqual(reference.sort(order));
    for (const b of incremental) expect(barSchema.safeParse(b).success).toBe(true);
    // Emitted per symbol in time order.
    for (const symbol of symbols) {
      const times = incremental.filter((b) => b.symbol === symbol).map((b) => b.time);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });
});
