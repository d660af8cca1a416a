import type { Bar } from "../../market/bar";
import { Prng } from "../../random/prng";

export interface MinuteBarsOptions {
  readonly symbol: string;
  /** Open time of the first bar; a whole UTC minute. */
  readonly start: number;
  readonly count: number;
  readonly seed: number;
  /** Chance that a minute has no bar (a gap); default 0. */
  readonly gapProbability?: number;
  readonly startPrice?: number;
}

const minute = 60_000;

/**
 * A deterministic random-walk 1-minute series: consistent OHLC (low <= open/close <= high),
 * non-integer volumes (so sums exercise floating point), and optional missing minutes.
 */
export function minuteBars(options: MinuteBarsOptions): Bar[] {
  const random = Prng.fromSeed(options.seed);
  const gap = options.gapProbability ?? 0;
  const bars: Bar[] = [];
  let close = options.startPrice ?? 100;
  for (let i = 0; i < options.count; i++) {
    const open = close;
    close = open * Math.exp((random.next() - 0.5) * 0.004);
    if (random.next() < gap) continue;
    const high = Math.max(open, close) * (1 + random.next() * 0.001);
    const low = Math.min(open, close) * (1 - random.next() * 0.001);
    bars.push({
      symbol: options.symbol,
      timeframe: "1min",
      time: options.start + i * minute,
      open,
      high,
      low,
      close,
      volume: Math.round(random.next() * 1e6) / 100,
    });
  }
  return bars;
}
