import { describe, expect, it } from "vitest";
import { TickIngest } from "./tick-ingest";

const t0 = Date.parse("2026-01-05T14:30:00Z");
const trade = (symbol: string, offsetMs: number, price: number, size: number, seq?: number) => ({
  type: "trade",
  symbol,
  price,
  size,
  time: t0 + offsetMs,
  ...(seq === undefined ? {} : { seq }),
});

describe("TickIngest", () => {
  it("passes good trades to the bars and sets bad ones aside, in one pass over a message", () => {
    const ingest = new TickIngest({ source: "websocket" });
    expect(ingest.latestTime).toBeUndefined();
    const first = ingest.ticks(
      [
        trade("QXAB", 0, 10, 1, 1),
        { type: "trade", symbol: "QXAB" },
        trade("QXAB", 30_000, 12, 2, 2),
        trade("QXAB", 1, 10, 1, 1),
      ],
      t0 + 31_000,
    );
    expect(first.bars).toEqual([]);
    expect(first.rejections.map((r) => r.reason)).toEqual(["malformed", "duplicate"]);
    expect(ingest.latestTime).toBe(t0 + 30_000);
    const second = ingest.ticks([trade("QXAB", 61_000, 11, 5, 3)], t0 + 62_000);
    expect(second).toEqual({
      bars: [{ symbol: "QXAB", timeframe: "1min", time: t0, open: 10, high: 12, low: 10, close: 12, volume: 3 }],
      rejections: [],
    });
  });

  it("rejects as late a trade for a minute a flush already closed, even for a symbol that had no bar in it", () => {
    const ingest = new TickIngest({ source: "websocket" });
    ingest.ticks([trade("QXAB", 10_000, 10, 1)], t0);
    expect(ingest.flush(t0 + 62_000).map((b) => b.symbol)).toEqual(["QXAB"]);
    expect(ingest.closedBefore).toBe(t0 + 60_000);
    const result = ingest.ticks(
      [trade("ZQTM", 59_000, 10, 1), trade("QXAB", 59_500, 10, 1), trade("ZQTM", 60_000, 9, 1)],
      t0,
    );
    expect(result.rejections.map((r) => [r.symbol, r.reason])).toEqual([
      ["ZQTM", "late"],
      ["QXAB", "late"],
    ]);
    expect(ingest.flush(t0 + 120_000)).toEqual([
      { symbol: "ZQTM", timeframe: "1min", time: t0 + 60_000, open: 9, high: 9, low: 9, close: 9, volume: 1 },
    ]);
  });

  it("makes a dead-letter entry of a frame that is not JSON", () => {
    const ingest = new TickIngest({ source: "websocket" });
    expect(ingest.unparseable("{oops", "Unexpected token", 7)).toEqual({
      receivedAt: 7,
      source: "websocket",
      reason: "malformed",
      raw: "{oops",
      detail: "Unexpected token",
    });
  });
});
