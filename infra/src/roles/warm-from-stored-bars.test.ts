import type { Bar, Logger } from "@tradeops/core";
import { describe, expect, it } from "vitest";
import { warmFromStoredBars } from "./warm-from-stored-bars";

const t0 = Date.UTC(2026, 0, 5, 14, 30);
const bar = (symbol: string, minute: number): Bar => ({
  symbol,
  timeframe: "1min",
  time: t0 + minute * 60_000,
  open: 10,
  high: 11,
  low: 9,
  close: 10,
  volume: 100,
});

function logger(): Logger & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  const ignore = () => {};
  const log: Logger & { warnings: unknown[] } = {
    warnings,
    debug: ignore,
    info: ignore,
    warn: (fields: unknown) => {
      warnings.push(fields);
    },
    error: ignore,
    child: () => log,
  };
  return log;
}

describe("warmFromStoredBars", () => {
  it("feeds each symbol's latest stored bars in time order across symbols and says how far each got", async () => {
    const stored: Record<string, Bar[]> = {
      AAA: Array.from({ length: 300 }, (_, i) => bar("AAA", i)),
      BBB: [bar("BBB", 298), bar("BBB", 299)],
    };
    const asked: { symbol: string; before: number; count: number }[] = [];
    const taken: Bar[] = [];
    const warmedTo = await warmFromStoredBars(
      {
        warmUp: async (b) => {
          taken.push(b);
          // The engine refuses the odd bar (e.g. out of order): it does not count as taken.
          return !(b.symbol === "BBB" && b.time === t0 + 299 * 60_000);
        },
      },
      {
        symbols: ["AAA", "BBB"],
        bars: {
          barsBefore: async (symbol, _timeframe, before, count) => {
            asked.push({ symbol, before, count });
            return (stored[symbol] ?? []).filter((b) => b.time < before).slice(-count);
          },
        },
        now: t0 + 300 * 60_000,
        logger: logger(),
      },
    );
    expect(asked).toEqual([
      { symbol: "AAA", before: t0 + 300 * 60_000 + 1, count: 240 },
      { symbol: "BBB", before: t0 + 300 * 60_000 + 1, count: 240 },
    ]);
    expect(taken).toHaveLength(242);
    expect(taken[0]).toEqual(bar("AAA", 60));
    // Time order across symbols: minute 298 of AAA, then of BBB, then 299 of each.
    expect(taken.slice(-4).map((b) => [b.symbol, (b.time - t0) / 60_000])).toEqual([
      ["AAA", 298],
      ["BBB", 298],
      ["AAA", 299],
      ["BBB", 299],
    ]);
    expect(warmedTo).toEqual(
      new Map([
        ["AAA", t0 + 299 * 60_000],
        ["BBB", t0 + 298 * 60_000],
      ]),
    );
  });

  it("starts a symbol cold when its bars cannot be read, and says so", async () => {
    const log = logger();
    const warmedTo = await warmFromStoredBars(
      { warmUp: async () => true },
      {
        symbols: ["AAA"],
        bars: { barsBefore: async () => Promise.reject(new Error("database unreachable")) },
        now: t0,
        logger: log,
      },
    );
    expect(warmedTo.size).toBe(0);
    expect(log.warnings).toHaveLength(1);
  });
});
