import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client";
import type { BarRecord, InstrumentRecord, MarketDataRepository, StoredBar } from "./repository-ports";

const instrumentSchema = z.object({
  // The symbols table's own CHECK, so a bad symbol is named here rather than failing the batch.
  symbol: z.string().regex(/^[A-Z0-9][A-Z0-9._/-]{0,31}$/, "a symbol of capitals, digits, '.', '_', '/' or '-'"),
  name: z.string(),
  sector: z.string(),
});

const price = z.number().finite().positive();

const barSchema = z
  .object({
    symbol: z.string().min(1),
    timeframe: z.enum(["1min", "5min", "1hour", "1day"]),
    time: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    open: price,
    high: price,
    low: price,
    close: price,
    // NaN would pass the table's CHECKs (PostgreSQL orders NaN above every number): finite() keeps it out.
    volume: z.number().finite().nonnegative(),
  })
  .refine((bar) => bar.low <= Math.min(bar.open, bar.close) && bar.high >= Math.max(bar.open, bar.close), {
    message: "low must be <= open and close, high >= open and close",
  });

/**
 * Instruments and OHLCV bars. Each call is one statement, so a batch is written whole or not at all.
 */
export class PrismaMarketDataRepository implements MarketDataRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /** Inserts missing instruments and updates the name/sector of existing ones; `active` is left alone. */
  async upsertInstruments(instruments: readonly InstrumentRecord[]): Promise<void> {
    const parsed = z.array(instrumentSchema).parse(instruments);
    // ON CONFLICT DO UPDATE may not touch one row twice in a statement: the last record of a symbol wins.
    const bySymbol = new Map(parsed.map((instrument) => [instrument.symbol, instrument]));
    if (bySymbol.size === 0) return;
    const rows = [...bySymbol.values()];
    await this.#prisma.$executeRaw`
      INSERT INTO symbols (symbol, name, sector)
      SELECT * FROM unnest(
        ${rows.map((row) => row.symbol)}::text[],
        ${rows.map((row) => row.name)}::text[],
        ${rows.map((row) => row.sector)}::text[]
      )
      ON CONFLICT (symbol) DO UPDATE SET name = excluded.name, sector = excluded.sector
      WHERE (symbols.name, symbols.sector) IS DISTINCT FROM (excluded.name, excluded.sector)`;
  }

  /**
   * Inserts the bars not stored yet and returns how many that was. A bar already stored under its
   * (symbol, timeframe, time) is kept as it is: a replay writes nothing, and a batch may repeat a
   * key. The symbols must be registered instruments (foreign key).
   *
   * One multi-row INSERT of UNNESTed column arrays: 8 parameters whatever the batch size, where
   * `createMany` binds 8 per row and splits large batches (about 6x slower on 10k bars).
   */
  async upsertBars(bars: readonly BarRecord[]): Promise<number> {
    const parsed = z.array(barSchema).parse(bars);
    if (parsed.length === 0) return 0;
    return this.#prisma.$executeRaw`
      INSERT INTO market_bars (symbol, timeframe, time, open, high, low, close, volume)
      SELECT * FROM unnest(
        ${parsed.map((bar) => bar.symbol)}::text[],
        ${parsed.map((bar) => bar.timeframe)}::text[],
        ${parsed.map((bar) => new Date(bar.time))}::timestamptz[],
        ${parsed.map((bar) => bar.open)}::float8[],
        ${parsed.map((bar) => bar.high)}::float8[],
        ${parsed.map((bar) => bar.low)}::float8[],
        ${parsed.map((bar) => bar.close)}::float8[],
        ${parsed.map((bar) => bar.volume)}::float8[]
      )
      ON CONFLICT (symbol, timeframe, time) DO NOTHING`;
  }

  /** Open time (epoch ms) of the latest stored bar of a timeframe, or null when none is stored. */
  async latestBarTime(timeframe: BarRecord["timeframe"]): Promise<number | null> {
    const latest = await this.#prisma.marketBar.findFirst({
      where: { timeframe },
      orderBy: { time: "desc" },
      select: { time: true },
    });
    return latest ? latest.time.getTime() : null;
  }

  /**
   * Bars of one series opening in [from, to), oldest first, the earliest `limit` of them. One index
   * range scan of the primary key (symbol, timeframe, time) in each day partition the range touches.
   */
  async barsBetween<T extends BarTimeframe>(
    symbol: string,
    timeframe: T,
    from: number,
    to: number,
    options: { readonly limit: number },
  ): Promise<StoredBar<T>[]> {
    const query = barsBetweenSchema.parse({ symbol, timeframe, from, to, limit: options.limit });
    if (query.from >= query.to) return [];
    const rows = await this.#prisma.$queryRaw<BarRow[]>`
      SELECT time, open, high, low, close, volume FROM market_bars
      WHERE symbol = ${query.symbol} AND timeframe = ${query.timeframe}
        AND time >= ${new Date(query.from)}::timestamptz AND time < ${new Date(query.to)}::timestamptz
      ORDER BY time
      LIMIT ${query.limit}`;
    return rows.map((row) => storedBar(row, symbol, timeframe));
  }

  /**
   * The latest `count` bars of one series opening strictly before `before`, oldest first: the
   * warm-up window of a computation ending there. Read newest first, so the scan stops after
   * `count` rows however long the history.
   */
  async barsBefore<T extends BarTimeframe>(
    symbol: string,
    timeframe: T,
    before: number,
    count: number,
  ): Promise<StoredBar<T>[]> {
    const query = barsBeforeSchema.parse({ symbol, timeframe, before, count });
    const rows = await this.#prisma.$queryRaw<BarRow[]>`
      SELECT time, open, high, low, close, volume FROM market_bars
      WHERE symbol = ${query.symbol} AND timeframe = ${query.timeframe}
        AND time < ${new Date(query.before)}::timestamptz
      ORDER BY time DESC
      LIMIT ${query.count}`;
    return rows.reverse().map((row) => storedBar(row, symbol, timeframe));
  }

  /**
   * The latest `minutes` 1-minute bars opening before `before`, aggregated into UTC-aligned
   * `timeframe` buckets, oldest first. The database scans the minutes and returns one row per
   * bucket; the volumes come back in time order and are added here, one after the other as the
   * live aggregator adds them, so the two give the same bits.
   */
  async minuteBucketsBefore<T extends "5min" | "1hour">(
    symbol: string,
    timeframe: T,
    before: number,
    minutes: number,
  ): Promise<{ bars: StoredBar<T>[]; minutes: number; lastMinuteTime: number | null }> {
    const query = minuteBucketsSchema.parse({ symbol, timeframe, before, minutes });
    const size = bucketMs[query.timeframe];
    const rows = await this.#prisma.$queryRaw<BucketRow[]>`
      WITH recent AS (
        SELECT time, open, high, low, close, volume FROM market_bars
        WHERE symbol = ${query.symbol} AND timeframe = '1min' AND time < ${new Date(query.before)}::timestamptz
        ORDER BY time DESC
        LIMIT ${query.minutes}
      )
      SELECT (floor(extract(epoch FROM time) * 1000 / ${size}::bigint) * ${size}::bigint)::float8 AS bucket,
        (array_agg(open ORDER BY time))[1] AS open,
        max(high) AS high,
        min(low) AS low,
        (array_agg(close ORDER BY time DESC))[1] AS close,
        array_agg(volume ORDER BY time) AS volumes,
        count(*)::int AS minutes,
        max(time) AS last_time
      FROM recent
      GROUP BY 1
      ORDER BY 1`;
    let read = 0;
    let lastMinuteTime: number | null = null;
    const bars = rows.map((row): StoredBar<T> => {
      read += row.minutes;
      lastMinuteTime = row.last_time.getTime();
      let volume = 0;
      for (const value of row.volumes) volume += value;
      return {
        symbol,
        timeframe,
        time: row.bucket,
        open: row.open,
        high: row.high,
        low: row.low,
        close: row.close,
        volume,
      };
    });
    return { bars, minutes: read, lastMinuteTime };
  }

  /** Whether `symbol` is a registered instrument, with or without stored bars. */
  async knownSymbol(symbol: string): Promise<boolean> {
    const found = await this.#prisma.instrument.findUnique({ where: { symbol }, select: { symbol: true } });
    return found !== null;
  }
}

type BarTimeframe = BarRecord["timeframe"];

interface BarRow {
  readonly time: Date;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

function storedBar<T extends BarTimeframe>(row: BarRow, symbol: string, timeframe: T): StoredBar<T> {
  return {
    symbol,
    timeframe,
    time: row.time.getTime(),
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    volume: row.volume,
  };
}

interface BucketRow {
  readonly bucket: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volumes: number[];
  readonly minutes: number;
  readonly last_time: Date;
}

const bucketMs = { "5min": 5 * 60_000, "1hour": 60 * 60_000 } as const;

/**
 * The latest instant a query bound may name: the end of year 9999, which PostgreSQL and a
 * JavaScript Date both represent exactly. A later bound means "no bound" and is clamped to it.
 */
const latestQueryTime = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const queryTime = z
  .number()
  .int()
  .nonnegative()
  .transform((time) => Math.min(time, latestQueryTime));

/** One read of history is bounded, so a caller cannot ask the database for a year of bars at once. */
const maxBarsPerRead = 100_000;

const seriesQuery = {
  symbol: z.string().min(1),
  timeframe: z.enum(["1min", "5min", "1hour", "1day"]),
};

const barsBetweenSchema = z.object({
  ...seriesQuery,
  from: queryTime,
  to: queryTime,
  limit: z.number().int().positive().max(maxBarsPerRead),
});

const barsBeforeSchema = z.object({
  ...seriesQuery,
  before: queryTime,
  count: z.number().int().positive().max(maxBarsPerRead),
});

/** Minutes aggregated in one read: the database returns a row per bucket, not per minute. */
const maxMinutesAggregated = 1_000_000;

const minuteBucketsSchema = z.object({
  symbol: z.string().min(1),
  timeframe: z.enum(["5min", "1hour"]),
  before: queryTime,
  minutes: z.number().int().positive().max(maxMinutesAggregated),
});
