import { type Bar, type Timeframe, timeframeMs } from "../../market/bar";

/** mulberry32: a small seeded generator, so every test run sees the same bars. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A standard normal draw (Box–Muller). */
export function normal(uniform: () => number): number {
  const u = 1 - uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
}

export interface RandomWalkOptions {
  readonly symbol?: string;
  readonly timeframe?: Timeframe;
  readonly seed?: number;
  readonly startTime?: number;
  readonly startPrice?: number;
  /** Standard deviation of the one-bar log return. */
  readonly volatility?: number;
}

/**
 * Well-formed bars of a geometric random walk: consecutive bar times, close_t = close_{t−1}·e^{σz},
 * open at the previous close, high/low around both, volume lognormal around 10,000.
 */
export function randomWalkBars(count: number, options: RandomWalkOptions = {}): Bar[] {
  const uniform = seededUniform(options.seed ?? 1);
  const timeframe = options.timeframe ?? "1min";
  const symbol = options.symbol ?? "TEST";
  const sigma = options.volatility ?? 0.01;
  const step = timeframeMs[timeframe];
  let time = options.startTime ?? Date.UTC(2025, 9, 21, 13, 30);
  let close = options.startPrice ?? 100;
  const bars: Bar[] = [];
  for (let i = 0; i < count; i += 1) {
    const open = close;
    close = open * Math.exp(sigma * normal(uniform));
    const high = Math.max(open, close) * (1 + 0.002 * uniform());
    const low = Math.min(open, close) * (1 - 0.002 * uniform());
    const volume = Math.round(10_000 * Math.exp(0.5 * normal(uniform)));
    bars.push({ symbol, timeframe, time, open, high, low, close, volume });
    time += step;
  }
  return bars;
}

/** A bar with only the close (and volume) that matter, for hand-worked cases. */
export function barAt(
  index: number,
  close: number,
  volume = 1_000,
  symbol = "TEST",
  timeframe: Timeframe = "1min",
): Bar {
  return {
    symbol,
    timeframe,
    time: Date.UTC(2025, 0, 2, 14, 30) + index * timeframeMs[timeframe],
    open: close,
    high: close,
    low: close,
    close,
    volume,
  };
}
