import { FeaturePipeline, type FeatureVector, featureDefinitions } from "../features/index";
import { type Bar, barEndTime, type Timeframe, timeframeMs } from "../market/bar";
import type { Clock } from "../ports/clock";
import { errorMessage, FeaturesUnavailableError, NoFeatureDataError, UnknownSymbolError } from "./feature-errors";
import { type BarReader, minutesPer, SeriesReader } from "./series-reader";
import { aggregateBars, TimeframeAggregator } from "./timeframe-aggregator";
import { warmupWindowBars } from "./warmup-window";

/** One bar of history and the features known at its end. */
export interface HistoryRow {
  readonly bar: Bar;
  readonly features: FeatureVector;
}

export interface HistorySource {
  readonly bars: BarReader;
  readonly clock: Clock;
}

export interface HistoryOptions {
  /** Bars read from the database at a time; default 5,000. Memory is bounded by it, not by the range. */
  readonly pageSize?: number;
  /** Bars fed to the pipeline for the first row, that row included; default from the registry (warmup-window.ts). */
  readonly warmupBars?: number;
}

export const defaultHistoryPageSize = 5_000;

/**
 * Bars of (symbol, timeframe) opening in [from, to) (epoch ms) with their feature vectors,
 * computed incrementally by one pipeline: it first takes the warm-up window before `from`, then
 * every bar of the range in pages of `pageSize`, so a year of 1-minute bars streams through in
 * constant memory. 5min/1hour bars are aggregated from stored 1-minute bars unless the timeframe
 * is stored (series-reader.ts); only complete bars are returned.
 *
 * Every row's vector is what the live pipeline computes for that bar (same code, the bars in the
 * same order); it is also what `FeatureService.get` answers as of the bar's end, up to the
 * warm-up window's residual weight on recursive features (warmup-window.ts).
 *
 * Errors come from the iteration: RangeError (bad range), UnknownSymbolError or
 * NoFeatureDataError when there is no row at all (raised before any row, since rows are
 * produced only once the first page is read), FeaturesUnavailableError when the stored bars
 * cannot be read (at the first read, or mid-stream).
 */
export function streamHistory(
  source: HistorySource,
  symbol: string,
  timeframe: Timeframe,
  from: number,
  to: number,
  options: HistoryOptions = {},
): AsyncIterable<HistoryRow> {
  for (const [label, time] of [
    ["from", from],
    ["to", to],
  ] as const) {
    if (!Number.isSafeInteger(time) || time < 0)
      throw new RangeError(`${label} must be epoch milliseconds, got ${time}`);
  }
  if (from >= to) throw new RangeError(`from (${from}) must be before to (${to})`);
  const pageSize = options.pageSize ?? defaultHistoryPageSize;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50_000) {
    throw new RangeError(`pageSize must be an integer in 1..50000, got ${pageSize}`);
  }
  const warmupBars = options.warmupBars ?? warmupWindowBars(featureDefinitions);
  if (!Number.isInteger(warmupBars) || warmupBars < 1) {
    throw new RangeError(`warmupBars must be a positive integer, got ${warmupBars}`);
  }
  return rows(source, { symbol, timeframe, from, to, pageSize, warmupBars });
}

interface Range {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly from: number;
  readonly to: number;
  readonly pageSize: number;
  readonly warmupBars: number;
}

async function* rows(source: HistorySource, range: Range): AsyncGenerator<HistoryRow> {
  const bars = readingBars(source.bars);
  const series = new SeriesReader(bars, source.clock);
  const pipeline = new FeaturePipeline();
  const row = (bar: Bar): HistoryRow => ({ bar, features: pipeline.update(bar) });
  let produced = 0;
  const stored = await series.isStored(range.symbol, range.timeframe, range.to);
  const rangeBars = stored ? storedBars(bars, range) : aggregatedBars(bars, series, source.clock, range);
  for await (const bar of rangeBars) {
    if (bar.time < range.from) {
      // Warm-up: taken by the pipeline, not returned.
      pipeline.update(bar);
      continue;
    }
    produced += 1;
    yield row(bar);
  }
  if (produced > 0) return;
  if (!(await bars.knownSymbol(range.symbol))) throw new UnknownSymbolError(range.symbol);
  throw new NoFeatureDataError(
    range.symbol,
    range.timeframe,
    `no complete bar opening between ${new Date(range.from).toISOString()} and ${new Date(range.to).toISOString()}`,
  );
}

/** The warm-up window before `from`, then the range, of a series read as stored. */
async function* storedBars(bars: BarReader, range: Range): AsyncGenerator<Bar> {
  const { symbol, timeframe } = range;
  if (range.warmupBars > 1) yield* await bars.barsBefore(symbol, timeframe, range.from, range.warmupBars - 1);
  yield* pages(bars, symbol, timeframe, range.from, range.to, range.pageSize);
}

/**
 * The warm-up buckets before the range's first bucket, then the range's buckets, aggregated from
 * 1-minute pages by one TimeframeAggregator. The last bucket is emitted only when complete.
 */
async function* aggregatedBars(bars: BarReader, series: SeriesReader, clock: Clock, range: Range): AsyncGenerator<Bar> {
  const { symbol, timeframe } = range;
  if (timeframe === "1min") throw new RangeError("1min bars are stored, never aggregated");
  const size = timeframeMs[timeframe];
  // Buckets opening in [from, to) hold the minutes in [first, end).
  const first = Math.ceil(range.from / size) * size;
  const end = Math.ceil(range.to / size) * size;
  if (range.warmupBars > 1) {
    const requested = range.warmupBars * minutesPer(timeframe);
    const minutes = await series.minutesBefore(symbol, first, requested);
    // Minutes of the range follow these, so every warm-up bucket is complete; with a full window
    // the first may have been cut by the window rather than by a gap, and is left out.
    const buckets = aggregateBars(minutes, timeframe);
    yield* buckets.slice(minutes.length === requested ? 1 : 0).slice(-(range.warmupBars - 1));
  }
  const aggregator = new TimeframeAggregator({ timeframes: [timeframe] });
  for await (const minute of pages(bars, symbol, "1min", first, end, range.pageSize)) {
    yield* aggregator.update(minute);
  }
  const last = aggregator.pending(symbol)[0];
  if (last === undefined) return;
  const lastEnd = barEndTime(last);
  if (lastEnd <= clock.now() || (await series.hasMinuteFrom(symbol, lastEnd))) yield* aggregator.flush(lastEnd);
}

/** Bars opening in [from, to), oldest first, read `pageSize` at a time. */
async function* pages(
  bars: BarReader,
  symbol: string,
  timeframe: Timeframe,
  from: number,
  to: number,
  pageSize: number,
): AsyncGenerator<Bar> {
  let cursor = from;
  while (cursor < to) {
    const page = await bars.barsBetween(symbol, timeframe, cursor, to, { limit: pageSize });
    yield* page;
    const last = page.at(-1);
    if (page.length < pageSize || last === undefined) return;
    cursor = last.time + 1;
  }
}

/** The reader with every failure turned into "the stored bars cannot be read" (503). */
function readingBars(bars: BarReader): BarReader {
  const unreadable = (error: unknown): never => {
    throw new FeaturesUnavailableError(`the stored bars cannot be read (${errorMessage(error)})`, { cause: error });
  };
  return {
    barsBetween: (...args) => bars.barsBetween(...args).catch(unreadable),
    barsBefore: (...args) => bars.barsBefore(...args).catch(unreadable),
    minuteBucketsBefore: (...args) => bars.minuteBucketsBefore(...args).catch(unreadable),
    knownSymbol: (symbol) => bars.knownSymbol(symbol).catch(unreadable),
  };
}

/** A page of history for a paginating client (the console). */
export interface HistoryPage {
  readonly rows: readonly HistoryRow[];
  /** `from` of the next page (the open time of its first bar), or null after the last page. */
  readonly nextCursor: number | null;
}

/**
 * Up to `limit` rows of [cursor ?? from, to), and where the next page starts. Each page warms its
 * own pipeline up before its first bar, so pages agree with the stream to the warm-up window's
 * residual on recursive features and exactly on the others.
 */
export async function readHistoryPage(
  source: HistorySource,
  request: {
    readonly symbol: string;
    readonly timeframe: Timeframe;
    readonly from: number;
    readonly to: number;
    readonly limit: number;
    readonly cursor?: number;
  },
  options: Omit<HistoryOptions, "pageSize"> = {},
): Promise<HistoryPage> {
  if (!Number.isInteger(request.limit) || request.limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${request.limit}`);
  }
  const from = request.cursor ?? request.from;
  if (from < request.from) throw new RangeError(`cursor ${from} is before the range's start ${request.from}`);
  const pageSize = Math.min(50_000, (request.limit + 1) * minutesPer(request.timeframe));
  const rows: HistoryRow[] = [];
  for await (const row of streamHistory(source, request.symbol, request.timeframe, from, request.to, {
    ...options,
    pageSize,
  })) {
    if (rows.length === request.limit) return { rows, nextCursor: row.bar.time };
    rows.push(row);
  }
  return { rows, nextCursor: null };
}
