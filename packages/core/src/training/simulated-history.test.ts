import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type Bar, timeframeMs } from "../market/bar";
import { type BarHistory, historyDataHash, sha256Hex, simulateHistory } from "./simulated-history";

const now = Date.UTC(2025, 0, 6, 14, 30, 25);

describe("simulateHistory", () => {
  it("gives every symbol `bars` aligned bars, the last one completing when the minute of `now` starts", () => {
    const history = simulateHistory({ seed: 3, symbols: 4, bars: 50, timeframe: "1min", now });
    expect(history.symbols).toHaveLength(4);
    expect(history.regimes).toHaveLength(50);
    const lastEnd = Date.UTC(2025, 0, 6, 14, 30);
    for (const [s, series] of history.bars.entries()) {
      expect(series).toHaveLength(50);
      expect(series.every((bar, t) => bar.time === lastEnd - (50 - t) * timeframeMs["1min"])).toBe(true);
      expect(series.every((bar) => bar.symbol === history.symbols[s] && bar.timeframe === "1min")).toBe(true);
    }
  });

  it("is deterministic in the seed", () => {
    const a = simulateHistory({ seed: 3, symbols: 2, bars: 30, timeframe: "5min", now });
    const b = simulateHistory({ seed: 3, symbols: 2, bars: 30, timeframe: "5min", now });
    const c = simulateHistory({ seed: 4, symbols: 2, bars: 30, timeframe: "5min", now });
    expect(b).toEqual(a);
    expect(c.bars[0]?.[0]?.close).not.toBe(a.bars[0]?.[0]?.close);
  });
});

function bar(time: number, close: number, volume: number): Bar {
  return { symbol: "QVXL", timeframe: "1min", time, open: close - 1, high: close + 2, low: close - 3, close, volume };
}

describe("historyDataHash", () => {
  const history: BarHistory = {
    timeframe: "1min",
    symbols: ["QVXL"],
    bars: [[bar(60_000, 100.5, 1_000), bar(120_000, 101.25, 1_500)]],
  };

  it("is the SHA-256 of the documented encoding", async () => {
    // The encoding built independently with node's Buffer and hashed with node:crypto.
    const header = Buffer.from('{"format":"tradeops.bar-history","version":1,"timeframe":"1min","symbols":["QVXL"]}');
    const count = Buffer.alloc(4);
    count.writeUInt32LE(2);
    const values = [60_000, 99.5, 102.5, 97.5, 100.5, 1_000, 120_000, 100.25, 103.25, 98.25, 101.25, 1_500];
    const body = Buffer.alloc(values.length * 8);
    for (const [i, value] of values.entries()) body.writeDoubleLE(value, i * 8);
    const expected = createHash("sha256")
      .update(Buffer.concat([header, count, body]))
      .digest("hex");
    expect(await historyDataHash(history)).toBe(expected);
  });

  it("changes when any number changes by one ulp", async () => {
    const base = await historyDataHash(history);
    const first = history.bars[0]?.[0] as Bar;
    const nudged: BarHistory = {
      ...history,
      bars: [[{ ...first, volume: 1_000.0000000000001 }, history.bars[0]?.[1] as Bar]],
    };
    expect(await historyDataHash(nudged)).not.toBe(base);
  });

  it("sha256Hex matches the FIPS 180-2 test vector", async () => {
    expect(await sha256Hex(new TextEncoder().encode("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});
