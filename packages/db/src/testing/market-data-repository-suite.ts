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

  it("reads a series' bars in [from, to), oldest first, the earliest `limit` of them, page after page", async () => {
    await repository().upsertInstruments([
      { symbol: "IBM", name: "IBM", sector: "Technology" },
      { symbol: "HPQ", name: "HP", sector: "Technology" },
    ]);
    // Written newest first, and next to another symbol's and another timeframe's bars, none of which may leak in.
    const ibm = Array.from({ length: 30 }, (_, i) => bar("IBM", i));
    await repository().upsertBars([
      ...[...ibm].reverse(),
      ...ibm.map((b) => ({ ...b, symbol: "HPQ" })),
      ...ibm.slice(0, 6).map((b) => ({ ...b, timeframe: "5min" as const, time: start + 5 * (b.time - start) })),
    ]);
    const read = (from: number, to: number, limit: number) =>
      repository().barsBetween("IBM", "1min", start + from * minute, start + to * minute, { limit });
    expect(await read(3, 7, 100)).toEqual([3, 4, 5, 6].map((i) => bar("IBM", i)));
    expect(await read(3, 7, 2)).toEqual([3, 4].map((i) => bar("IBM", i)));
    expect(await read(7, 7, 10)).toEqual([]);
    expect(await read(9, 3, 10)).toEqual([]);
    expect(await read(-100, 1_000, 100)).toHaveLength(30);
    // Paging: each page starts one millisecond after the previous page's last bar.
    const pages: number[][] = [];
    let from = start;
    for (;;) {
      const page = await repository().barsBetween("IBM", "1min", from, Number.MAX_SAFE_INTEGER, { limit: 8 });
      if (page.length === 0) break;
      pages.push(page.map((b) => (b.time - start) / minute));
      from = (page.at(-1)?.time ?? 0) + 1;
    }
    expect(pages.map((page) => page.length)).toEqual([8, 8, 8, 6]);
    expect(pages.flat()).toEqual(ibm.map((_, i) => i));
    expect(await repository().barsBetween("IBM", "5min", start, start + 60 * minute, { limit: 10 })).toEqual(
      ibm.slice(0, 6).map((b) => ({ ...b, timeframe: "5min", time: start + 5 * (b.time - start) })),
    );
  });

  it("reads the latest `count` bars opening strictly before a time, oldest first", async () => {
    await repository().upsertInstruments([{ symbol: "ORCL", name: "Oracle", sector: "Technology" }]);
    await repository().upsertBars(Array.from({ length: 20 }, (_, i) => bar("ORCL", i)));
    const before = (time: number, count: number) =>
      repository().barsBefore("ORCL", "1min", start + time * minute, count);
    expect(await before(10, 3)).toEqual([7, 8, 9].map((i) => bar("ORCL", i)));
    // Strictly before: a bar opening exactly at `before` is not part of its window; a millisecond later it is.
    expect(await repository().barsBefore("ORCL", "1min", start + 10 * minute + 1, 1)).toEqual([bar("ORCL", 10)]);
    expect(await before(2, 5)).toEqual([bar("ORCL", 0), bar("ORCL", 1)]);
    expect(await before(0, 5)).toEqual([]);
    expect(await repository().barsBefore("ORCL", "1min", Number.MAX_SAFE_INTEGER, 2)).toEqual([
      bar("ORCL", 18),
      bar("ORCL", 19),
    ]);
    expect(await repository().barsBefore("ORCL", "5min", Number.MAX_SAFE_INTEGER, 2)).toEqual([]);
    expect(await repository().barsBefore("NOPE", "1min", Number.MAX_SAFE_INTEGER, 2)).toEqual([]);
  });

  it("reads across day partitions in time order", async () => {
    await repository().upsertInstruments([{ symbol: "DIA", name: "Dow ETF", sector: "Index" }]);
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    // Around two midnights, and far from any partition created ahead of time (the DEFAULT one).
    const times = [-400, -1, 0, 1].flatMap((day) => [-2, -1, 0, 1].map((m) => today + day * 86_400_000 + m * minute));
    await repository().upsertBars(times.map((time, i) => ({ ...bar("DIA", i), time })));
    const all = await repository().barsBetween("DIA", "1min", 0, Number.MAX_SAFE_INTEGER, { limit: 100 });
    expect(all.map((b) => b.time)).toEqual(times);
    const window = await repository().barsBefore("DIA", "1min", today + minute, 5);
    expect(window.map((b) => b.time)).toEqual(times.slice(6, 11));
  });

  it("aggregates the latest minutes into UTC buckets in the database, as the live aggregator does", async () => {
    await repository().upsertInstruments([{ symbol: "QQQ", name: "Nasdaq ETF", sector: "Index" }]);
    const hour = 60 * minute;
    const base = Date.UTC(2025, 9, 21, 13, 0);
    // Minutes 0-4 and 6-9 of 13:00-13:09 (5 missing), 55-59 of the 13:00 hour, then 14:00-14:02.
    const offsets = [0, 1, 2, 3, 4, 6, 7, 8, 9, 55, 56, 57, 58, 59, 60, 61, 62];
    // Volumes whose sum depends on the order of addition: 0.1 + 0.2 + 0.3 is not 0.1 + (0.2 + 0.3).
    const volumes = [0.1, 0.2, 0.3, 7, 1e-3, 0.7, 0.1, 0.2, 0.3, 5, 1, 2, 3, 4, 0.1, 0.2, 0.3];
    const minutes = offsets.map((m, i) => ({
      ...bar("QQQ", i),
      time: base + m * minute,
      high: 101 + ((i * 7) % 5),
      low: 99 - ((i * 3) % 4),
      volume: volumes[i] ?? 0,
    }));
    await repository().upsertBars(minutes);

    /** The aggregation rule worked out here, independently: first open, max high, min low, last close, volumes summed in time order. */
    const expected = (rows: typeof minutes, size: number, timeframe: "5min" | "1hour") => {
      const buckets = new Map<number, typeof minutes>();
      for (const row of rows) {
        const key = Math.floor(row.time / size) * size;
        buckets.set(key, [...(buckets.get(key) ?? []), row]);
      }
      return [...buckets].map(([time, group]) => ({
        symbol: "QQQ",
        timeframe,
        time,
        open: group[0]?.open,
        high: Math.max(...group.map((r) => r.high)),
        low: Math.min(...group.map((r) => r.low)),
        close: group.at(-1)?.close,
        volume: group.reduce((sum, r) => sum + r.volume, 0),
      }));
    };

    const fives = await repository().minuteBucketsBefore("QQQ", "5min", base + 2 * hour, 1_000);
    expect(fives).toEqual({
      bars: expected(minutes, 5 * minute, "5min"),
      minutes: 17,
      lastMinuteTime: base + 62 * minute,
    });
    expect(fives.bars[0]?.volume).toBe(0.1 + 0.2 + 0.3 + 7 + 1e-3);

    // The latest 12 minutes before 14:02: the window cuts the 13:05 bucket, which is returned as read.
    const hours = await repository().minuteBucketsBefore("QQQ", "1hour", base + 62 * minute, 12);
    expect(hours).toEqual({
      bars: expected(minutes.slice(4, 16), hour, "1hour"),
      minutes: 12,
      lastMinuteTime: base + 61 * minute,
    });

    const none = await repository().minuteBucketsBefore("QQQ", "1hour", base, 10);
    expect(none).toEqual({ bars: [], minutes: 0, lastMinuteTime: null });
    await expect(repository().minuteBucketsBefore("QQQ", "1hour", base, 0)).rejects.toThrow(/minutes/);
  });

  it("knows the registered instruments, with or without bars", async () => {
    await repository().upsertInstruments([{ symbol: "T", name: "AT&T", sector: "Telecom" }]);
    expect(await repository().knownSymbol("T")).toBe(true);
    expect(await repository().knownSymbol("XYZW")).toBe(false);
    expect(await repository().knownSymbol("t")).toBe(false);
  });

  it("refuses a read it cannot answer sensibly", async () => {
    await expect(repository().barsBefore("IBM", "1min", start, 0)).rejects.toThrow(/count/);
    await expect(repository().barsBetween("IBM", "1min", start, start + minute, { limit: 100_001 })).rejects.toThrow(
      /limit/,
    );
    await expect(repository().barsBetween("IBM", "1min", -1, start, { limit: 1 })).rejects.toThrow(/from/);
    await expect(repository().barsBefore("IBM", "1min", 1.5, 1)).rejects.toThrow(/before/);
  });
}
