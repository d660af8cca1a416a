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

/** Bars of several series merged as a live feed delivers them: by open time, then symbol. */
export function interleave(series: readonly (readonly Bar[])[]): Bar[] {
  return series.flat().sort((a, b) => a.time - b.time || a.symbol.localeCompare(b.symbol));
}

export interface TickWalkOptions extends RandomWalkOptions {
  /** Price grid; every price is a whole number of ticks. */
  readonly tick?: number;
  /** Every `flatEvery` bars, the last `flatLength` are motionless: open = high = low = close. */
  readonly flatEvery?: number;
  readonly flatLength?: number;
  /** ...and the last `zeroVolumeLength` of those trade nothing (the others a constant 500). */
  readonly zeroVolumeLength?: number;
}

/**
 * A random walk on a tick grid with the awkward cases real bars have: unchanged closes, equal
 * highs or lows, opening gaps, zero-volume bars, and regular motionless, partly volumeless
 * stretches long enough to make every window constant (no spread, no range, no movement).
 */
export function tickWalkBars(count: number, options: TickWalkOptions = {}): Bar[] {
  const uniform = seededUniform(options.seed ?? 1);
  const timeframe = options.timeframe ?? "1min";
  const symbol = options.symbol ?? "TEST";
  const sigma = options.volatility ?? 0.0003;
  const tick = options.tick ?? 0.01;
  const flatEvery = options.flatEvery ?? 400;
  const flatLength = options.flatLength ?? 80;
  const zeroVolumeLength = options.zeroVolumeLength ?? 25;
  const step = timeframeMs[timeframe];
  const onGrid = (price: number) => Math.max(1, Math.round(price / tick)) * tick;
  let time = options.startTime ?? Date.UTC(2025, 9, 21, 13, 30);
  let close = onGrid(options.startPrice ?? 20);
  const bars: Bar[] = [];
  for (let i = 0; i < count; i += 1) {
    const phase = i % flatEvery;
    if (phase >= flatEvery - flatLength) {
      const volume = phase >= flatEvery - zeroVolumeLength ? 0 : 500;
      bars.push({ symbol, timeframe, time, open: close, high: close, low: close, close, volume });
    } else {
      const gapped = uniform() < 0.1;
      const open = gapped ? onGrid(close + (uniform() < 0.5 ? -tick : tick)) : close;
      close = onGrid(open * Math.exp(sigma * normal(uniform)));
      const high = Math.max(open, close) + (uniform() < 0.5 ? 0 : tick);
      const low = Math.max(tick, Math.min(open, close) - (uniform() < 0.5 ? 0 : tick));
      const volume = uniform() < 0.05 ? 0 : Math.round(1_000 * Math.exp(0.5 * normal(uniform)));
      bars.push({ symbol, timeframe, time, open, high, low, close, volume });
    }
    time += step;
  }
  return bars;
}
