import { type Bar, barEndTime, type Timeframe, timeframeMs } from "../market/bar";

/** The timeframes built from 1-minute bars. */
export type AggregatedTimeframe = Exclude<Timeframe, "1min">;

export const aggregatedTimeframes: readonly AggregatedTimeframe[] = Object.freeze(["5min", "1hour"]);

/** Open time of the UTC-aligned bucket of `timeframe` holding `time` (epoch ms). */
export function bucketStart(time: number, timeframe: Timeframe): number {
  const size = timeframeMs[timeframe];
  return Math.floor(time / size) * size;
}

/**
 * Why the aggregator refused a 1-minute bar (it changed nothing): `not-1min` (another timeframe),
 * `unaligned` (its time is not a whole UTC minute), `out-of-order` (not later than the symbol's
 * last bar) or `late` (its bucket was already emitted by a flush).
 */
export type AggregationRejection = "not-1min" | "unaligned" | "out-of-order" | "late";

export class AggregationRejectedError extends Error {
  override readonly name = "AggregationRejectedError";

  constructor(
    readonly reason: AggregationRejection,
    readonly bar: Bar,
    detail: string,
  ) {
    super(`bar ${bar.symbol}/${bar.timeframe} at ${bar.time} not aggregated (${reason}): ${detail}`);
  }
}

interface OpenBucket {
  readonly symbol: string;
  readonly timeframe: AggregatedTimeframe;
  readonly time: number;
  readonly open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

interface SymbolState {
  /** Open time of the symbol's last accepted 1-minute bar. */
  lastTime: number;
  readonly open: Map<AggregatedTimeframe, OpenBucket>;
}

export interface TimeframeAggregatorOptions {
  /** The timeframes to build, each bar emitted in this order; default 5min then 1hour. */
  readonly timeframes?: readonly AggregatedTimeframe[];
}

/**
 * Builds complete 5-minute and 1-hour bars from the 1-minute stream, per symbol, in buckets
 * aligned to UTC (a 5-minute bar opens at :00, :05, ...; an hourly one on the hour).
 *
 * A bucket is emitted only when it is complete, never partially:
 * - when its last minute arrives (the bar ending on the bucket's end),
 * - when the first bar of a later bucket arrives (the bucket's last minutes were missing), or
 * - on `flush(time)` once `time` has reached the bucket's end (a quiet symbol's boundary).
 *
 * OHLCV: open of the first minute present, highest high, lowest low, close of the last minute
 * present, sum of the volumes (added in time order, so a batch run gives the same bits). A bucket
 * with missing minutes is built from the minutes present; a bucket with no minute at all is not
 * emitted (no synthetic bar is invented for a gap).
 */
export class TimeframeAggregator {
  readonly timeframes: readonly AggregatedTimeframe[];
  readonly #finest: AggregatedTimeframe;
  readonly #symbols = new Map<string, SymbolState>();
  /** A bar opening before this is late: a flush declared its (finest) bucket final. */
  #flushedBefore = Number.NEGATIVE_INFINITY;

  constructor(options: TimeframeAggregatorOptions = {}) {
    const timeframes = options.timeframes ?? aggregatedTimeframes;
    if (timeframes.length === 0 || new Set(timeframes).size !== timeframes.length) {
      throw new RangeError(`timeframes must be distinct and at least one, got [${timeframes.join(", ")}]`);
    }
    this.timeframes = Object.freeze([...timeframes]);
    this.#finest = [...timeframes].sort((a, b) => timeframeMs[a] - timeframeMs[b])[0] ?? "5min";
  }

  /**
   * Takes the next 1-minute bar of its symbol and returns the bars it completes, oldest first.
   * Throws AggregationRejectedError, having changed nothing, on a bar it cannot take.
   */
  update(bar: Bar): Bar[] {
    const state = this.#accept(bar);
    const completed: Bar[] = [];
    const end = bar.time + timeframeMs["1min"];
    for (const timeframe of this.timeframes) {
      const time = bucketStart(bar.time, timeframe);
      const current = state.open.get(timeframe);
      if (current !== undefined && current.time !== time) {
        completed.push(closeBucket(current));
        state.open.delete(timeframe);
      }
      const bucket = current !== undefined && current.time === time ? current : startBucket(bar, timeframe, time);
      if (bucket !== current) {
        state.open.set(timeframe, bucket);
      } else {
        bucket.high = Math.max(bucket.high, bar.high);
        bucket.low = Math.min(bucket.low, bar.low);
        bucket.close = bar.close;
        bucket.volume += bar.volume;
      }
      if (end === time + timeframeMs[timeframe]) {
        completed.push(closeBucket(bucket));
        state.open.delete(timeframe);
      }
    }
    return sortByEnd(completed);
  }

  /**
   * Declares `time` reached: emits every open bucket (of every symbol) whose end is at or before
   * it, so a symbol that stopped trading still gets its last bar. From then on a bar of a bucket
   * that ended by `time` is refused as `late`, whether that bucket had bars or not: it is final.
   */
  flush(time: number): Bar[] {
    const completed: Bar[] = [];
    for (const state of this.#symbols.values()) {
      for (const [timeframe, bucket] of state.open) {
        if (bucket.time + timeframeMs[timeframe] > time) continue;
        completed.push(closeBucket(bucket));
        state.open.delete(timeframe);
      }
    }
    if (Number.isFinite(time)) {
      this.#flushedBefore = Math.max(this.#flushedBefore, bucketStart(time, this.#finest));
    }
    return sortByEnd(completed);
  }

  /** The buckets in progress (never emitted as bars): for diagnostics and tests. */
  pending(symbol: string): Bar[] {
    const state = this.#symbols.get(symbol);
    return state ? [...state.open.values()].map(closeBucket) : [];
  }

  #accept(bar: Bar): SymbolState {
    if (bar.timeframe !== "1min") {
      throw new AggregationRejectedError("not-1min", bar, "only 1min bars are aggregated");
    }
    if (!Number.isSafeInteger(bar.time) || bar.time % timeframeMs["1min"] !== 0) {
      throw new AggregationRejectedError("unaligned", bar, "a 1min bar opens on a whole UTC minute");
    }
    const state = this.#symbols.get(bar.symbol);
    if (state !== undefined && bar.time <= state.lastTime) {
      throw new AggregationRejectedError("out-of-order", bar, `not later than the last bar (${state.lastTime})`);
    }
    if (bar.time < this.#flushedBefore) {
      throw new AggregationRejectedError("late", bar, `its bucket is final: flushed up to ${this.#flushedBefore}`);
    }
    if (state === undefined) {
      const created: SymbolState = { lastTime: bar.time, open: new Map() };
      this.#symbols.set(bar.symbol, created);
      return created;
    }
    state.lastTime = bar.time;
    return state;
  }
}

function startBucket(bar: Bar, timeframe: AggregatedTimeframe, time: number): OpenBucket {
  return {
    symbol: bar.symbol,
    timeframe,
    time,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
  };
}

function closeBucket(bucket: OpenBucket): Bar {
  return {
    symbol: bucket.symbol,
    timeframe: bucket.timeframe,
    time: bucket.time,
    open: bucket.open,
    high: bucket.high,
    low: bucket.low,
    close: bucket.close,
    volume: bucket.volume,
  };
}

/** By completion time; stable, so bars completing together keep the aggregator's timeframe order. */
function sortByEnd(bars: Bar[]): Bar[] {
  return bars.length < 2 ? bars : bars.sort((a, b) => barEndTime(a) - barEndTime(b));
}

/**
 * Aggregates a stored 1-minute history (any interleaving of symbols, each in time order) into
 * one timeframe: exactly the bars the incremental aggregator emits over the same bars, followed by
 * a flush at `completeAt` (default: every bucket counts as complete). Pass the present time as
 * `completeAt` so a bucket still in progress is left out.
 */
export function aggregateBars(
  bars: Iterable<Bar>,
  timeframe: AggregatedTimeframe,
  options: { readonly completeAt?: number } = {},
): Bar[] {
  const aggregator = new TimeframeAggregator({ timeframes: [timeframe] });
  const out: Bar[] = [];
  for (const bar of bars) out.push(...aggregator.update(bar));
  out.push(...aggregator.flush(options.completeAt ?? Number.POSITIVE_INFINITY));
  return out;
}
