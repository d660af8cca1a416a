import { expect, it } from "vitest";
import { PrismaMarketDataRepository } from "../repositories/market-data-repository";
import type { BarRecord } from "../repositories/repository-ports";
import { useMigratedDatabase } from "./migrated-database";
import type { TestDatabaseFactory } from "./test-database";

const start = Date.UTC(2025, 9, 21, 13, 30);
const minute = 60_000;

/** Bar i of a deterministic 1-minute series: a close of 100 + i/100 and a 0.5 range either side. */
function bar(symbol: string, i: number): BarRecord {
  const close = 100 + i / 100;
  return {
    symbol,
    timeframe: "1min",
    time: start + i * minute,
    open: close - 0.25,
    high: close + 0.5,
    low: close - 0.5,
    close,
    volume: 1000 + i,
  };
}

/** The MarketDataRepository against a migrated database. */
export function marketDataRepositorySuite(createFactory: () => Promise<TestDatabaseFactory>): void {
  const db = useMigratedDatabase(createFactory);
  const repository = () => new PrismaMarketDataRepository(db.prisma);

  async function storedBars(symbol: string) {
    const rows = await db.prisma.marketBar.findMany({
      where: { symbol },
      orderBy: [{ timeframe: "asc" }, { time: "asc" }],
    });
    return rows.map(({ time, ...rest }) => ({ ...rest, time: time.getTime() }));
  }

  it("inserts instruments, updates their name and sector, and leaves `active` alone", async () => {
    await repository().upsertInstruments([
      { symbol: "AAPL", name: "Apple", sector: "Technology" },
      { symbol: "MSFT", name: "Microsoft", sector: "Technology" },
    ]);
    await db.prisma.instrument.update({ where: { symbol: "MSFT" }, data: { active: false } });
    await repository().upsertInstruments([
      { symbol: "MSFT", name: "Microsoft Corp.", sector: "Software" },
      { symbol: "BRK.B", name: "Berkshire", sector: "Financials" },
      // The last record of a symbol in one batch wins.
      { symbol: "BRK.B", name: "Berkshire Hathaway", sector: "Financials" },
    ]);
    const rows = await db.prisma.instrument.findMany({ orderBy: { symbol: "asc" }, omit: { createdAt: true } });
    expect(rows).toEqual([
      { symbol: "AAPL", name: "Apple", sector: "Technology", active: true },
      { symbol: "BRK.B", name: "Berkshire Hathaway", sector: "Financials", active: true },
      { symbol: "MSFT", name: "Microsoft Corp.", sector: "Software", active: false },
    ]);
  });

  it("rejects an instrument the symbols table would refuse, writing none of the batch", async () => {
    await expect(
      repository().upsertInstruments([
        { symbol: "NVDA", name: "Nvidia", sector: "Technology" },
        { symbol: "aapl", name: "lower case", sector: "Technology" },
      ]),
    ).rejects.toThrow(/symbol/);
    expect(await db.prisma.instrument.findUnique({ where: { symbol: "NVDA" } })).toBeNull();
  });

  it("stores bars exactly and counts only the rows it wrote", async () => {
    await repository().upsertInstruments([{ symbol: "XOM", name: "Exxon", sector: "Energy" }]);
    const bars = [bar("XOM", 0), bar("XOM", 1), { ...bar("XOM", 0), timeframe: "5min" as const }];
    expect(await repository().upsertBars(bars)).toBe(3);
    expect(await storedBars("XOM")).toEqual([
      { symbol: "XOM", timeframe: "1min", time: start, open: 99.75, high: 100.5, low: 99.5, close: 100, volume: 1000 },
      bar("XOM", 1),
      { symbol: "XOM", timeframe: "5min", time: start, open: 99.75, high: 100.5, low: 99.5, close: 100, volume: 1000 },
    ]);
  });

  it("reports the open time of the latest stored bar of a timeframe, null when there is none", async () => {
    await repository().upsertInstruments([{ symbol: "BP", name: "BP", sector: "Energy" }]);
    expect(await repository().latestBarTime("1day")).toBeNull();
    const hourly = [3, 0, 7, 5].map((i) => ({ ...bar("BP", i * 60), timeframe: "1hour" as const }));
    await repository().upsertBars(hourly);
    expect(await repository().latestBarTime("1hour")).toBe(start + 7 * 60 * minute);
    expect(await repository().latestBarTime("1day")).toBeNull();
  });

  it("is idempotent: a replayed bar is neither duplicated nor changed, and a batch may repeat a key", async () => {
    await repository().upsertInstruments([{ symbol: "CVX", name: "Chevron", sector: "Energy" }]);
    expect(await repository().upsertBars([bar("CVX", 0), bar("CVX", 1)])).toBe(2);
    const replay = [bar("CVX", 0), { ...bar("CVX", 1), close: 100.2, high: 100.6 }, bar("CVX", 2), bar("CVX", 2)];
    expect(await repository().upsertBars(replay)).toBe(1);
    expect(await repository().upsertBars(replay)).toBe(0);
    expect(await storedBars("CVX")).toEqual([0, 1, 2].map((i) => bar("CVX", i)));
  });

  it("writes a 10,000-bar batch in one go and a replay of it writes nothing", async () => {
    await repository().upsertInstruments([{ symbol: "SPY", name: "S&P 500 ETF", sector: "Index" }]);
    const bars = Array.from({ length: 10_000 }, (_, i) => bar("SPY", i));
    expect(await repository().upsertBars(bars)).toBe(10_000);
    expect(await repository().upsertBars(bars)).toBe(0);
    const stats = await db.prisma.marketBar.aggregate({
      where: { symbol: "SPY" },
      _count: true,
      _min: { time: true },
      _max: { time: true },
      _sum: { volume: true },
    });
    expect(stats._count).toBe(10_000);
    expect(stats._min.time).toEqual(new Date(start));
    // The last bar opens 9,999 minutes (6 d 22 h 39 min) after 13:30 on 21 October.
    expect(stats._max.time).toEqual(new Date("2025-10-28T12:09:00Z"));
    // Σ (1000 + i) for i < 10,000 = 10,000,000 + 49,995,000.
    expect(stats._sum.volume).toBe(59_995_000);
    const last = await db.prisma.marketBar.findFirstOrThrow({ where: { symbol: "SPY" }, orderBy: { time: "desc" } });
    expect(last.close).toBeCloseTo(199.99, 10);
  });

  it("writes a batch whole or not at all", async () => {
    await repository().upsertInstruments([{ symbol: "KO", name: "Coca-Cola", sector: "Staples" }]);
    // The second bar's symbol is not a registered instrument: the foreign key fails the statement.
    await expect(repository().upsertBars([bar("KO", 0), bar("PEP", 0)])).rejects.toThrow(/foreign key/i);
    await expect(repository().upsertBars([bar("KO", 0), { ...bar("KO", 1), high: 99 }])).rejects.toThrow(
      /low must be <= open and close/,
    );
    await expect(repository().upsertBars([bar("KO", 0), { ...bar("KO", 1), volume: Number.NaN }])).rejects.toThrow(
      /"volume"/,
    );
    expect(await storedBars("KO")).toEqual([]);
    expect(await repository().upsertBars([])).toBe(0);
  });

  it("routes bars of several days, today's included, into the time-partitioned table", async () => {
    await repository().upsertInstruments([{ symbol: "QQQ", name: "Nasdaq 100 ETF", sector: "Index" }]);
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const days = [-400, -1, 0, 3].map((offset) => today + offset * 86_400_000 + 14 * 3_600_000);
    const bars = days.map((time, i) => ({ ...bar("QQQ", i), time }));
    expect(await repository().upsertBars(bars)).toBe(4);
    expect((await storedBars("QQQ")).map((row) => row.time)).toEqual(days);
  });
}
