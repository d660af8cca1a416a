import { type Bar, barEndTime, type Timeframe, timeframeMs } from "../market/bar";
import type { Clock } from "../ports/clock";
import type { MarketDataRepository } from "../ports/repositories";
import { bucketStart } from "./timeframe-aggregator";

/** What reading a series needs from the database. */
export type BarReader = Pick<
  MarketDataRepository,
  "barsBetween" | "barsBefore" | "minuteBucketsBefore" | "knownSymbol"
>;

/** A bound past every stored bar: "no upper bound" in the repository's reads. */
export const endOfTime = Number.MAX_SAFE_INTEGER;

/** The most bars asked of the repository in one read (it refuses more than 100,000). */
const maxBarsPerRead = 50_000;

/** 1-minute bars per bar of `timeframe`. */
export function minutesPer(timeframe: Timeframe): number {
  return timeframeMs[timeframe] / timeframeMs["1min"];
}

/**
 * How a series is read from the stored bars. 1-minute bars are read as stored. A 5-minute or
 * 1-hour series is read as stored when the symbol has stored bars of that timeframe (a source
 * that delivers them), and otherwise aggregated from the stored 1-minute bars in the database
 * (`minuteBucketsBefore`, held to the live stream's TimeframeAggregator by a contract test), so
 * history and live bars cannot differ and a 1-hour window does not move every minute.
 *
 * Only complete bars are ever returned. A stored bar is complete by definition (sources store
 * finished bars). An aggregated bucket is complete when its last minute is stored, when a later
 * minute is stored, or when the clock has passed its end (its missing minutes will not come).
 */
export class SeriesReader {
  constructor(
    private readonly bars: BarReader,
    private readonly clock: Clock,
  ) {}

  /**
   * The last `count` complete bars of the series ending at or before `at` (epoch ms; default the
   * latest), oldest first: the bar the features are wanted for and the warm-up window before it.
   */
  async window(symbol: string, timeframe: Timeframe, count: number, at?: number): Promise<Bar[]> {
    if (timeframe === "1min" || (await this.isStored(symbol, timeframe, at))) {
      // A stored bar opening at or before `at - size` ends at or before `at`.
      const before = at === undefined ? endOfTime : Math.max(0, at - timeframeMs[timeframe] + 1);
      return this.bars.barsBefore(symbol, timeframe, before, count);
    }
    // Minutes of the buckets ending at or before `at`; one bucket more than asked, in case the
    // last turns out incomplete.
    const requested = (count + 1) * minutesPer(timeframe);
    const boundary = at === undefined ? endOfTime : bucketStart(at, timeframe);
    const read = await this.bars.minuteBucketsBefore(symbol, timeframe, boundary, requested);
    let buckets = read.bars;
    // With a full window the first bucket may have been cut by the window rather than by a gap.
    if (read.minutes === requested) buckets = buckets.slice(1);
    const last = buckets.at(-1);
    if (
      last !== undefined &&
      read.lastMinuteTime !== null &&
      !(await this.#complete(last, read.lastMinuteTime, at === undefined))
    ) {
      buckets = buckets.slice(0, -1);
    }
    return buckets.slice(-count);
  }

  /** The latest `count` 1-minute bars opening before `before`, oldest first, in reads the repository accepts. */
  async minutesBefore(symbol: string, before: number, count: number): Promise<Bar[]> {
    const chunks: Bar[][] = [];
    let remaining = count;
    let bound = before;
    while (remaining > 0) {
      const size = Math.min(remaining, maxBarsPerRead);
      const chunk = await this.bars.barsBefore(symbol, "1min", bound, size);
      chunks.unshift(chunk);
      const first = chunk[0];
      if (chunk.length < size || first === undefined) break;
      remaining -= size;
      bound = first.time;
    }
    return chunks.flat();
  }

  /** Whether the series is read from stored bars of its own timeframe (see the class comment). */
  async isStored(symbol: string, timeframe: Timeframe, before?: number): Promise<boolean> {
    if (timeframe === "1min") return true;
    const any = await this.bars.barsBefore(symbol, timeframe, before ?? endOfTime, 1);
    return any.length > 0;
  }

  /**
   * Whether an aggregated bucket whose last stored minute (so far) opens at `lastMinute` is
   * complete. `newest`: that minute is known to be the symbol's newest stored one, so no later
   * one exists.
   */
  async #complete(bucket: Bar, lastMinute: number, newest: boolean): Promise<boolean> {
    const end = barEndTime(bucket);
    if (lastMinute + timeframeMs["1min"] === end || end <= this.clock.now()) return true;
    if (newest) return false;
    return this.hasMinuteFrom(bucket.symbol, end);
  }

  /** Whether a 1-minute bar of the symbol opening at or after `time` is stored. */
  async hasMinuteFrom(symbol: string, time: number): Promise<boolean> {
    const later = await this.bars.barsBetween(symbol, "1min", time, endOfTime, { limit: 1 });
    return later.length > 0;
  }
}
