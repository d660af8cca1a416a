import { type Bar, type Timeframe, timeframeMs } from "../market/bar";
import type { Tick } from "./tick";

interface OpenBar {
  symbol: string;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * Turns trades into complete OHLCV bars, per symbol, incrementally. A symbol's bar is emitted
 * when one of its trades in a later interval arrives, or when `flush` passes the bar's end
 * (quiet symbols, end of a session). Open = first trade's price, high/low = extremes, close =
 * last trade's price, volume = sum of sizes; an interval without trades yields no bar (nothing is
 * invented). Trades must come in time order per symbol and not before `closedBefore`: `TickGuard`
 * sees to both, and a violation here is a programming error that throws.
 */
export class TickToBarAggregator {
  readonly timeframe: Timeframe;
  readonly #intervalMs: number;
  readonly #open = new Map<string, OpenBar>();
  #closedBefore = Number.NEGATIVE_INFINITY;

  constructor(options: { timeframe?: Timeframe } = {}) {
    this.timeframe = options.timeframe ?? "1min";
    this.#intervalMs = timeframeMs[this.timeframe];
  }

  /** Every interval starting before this time is closed: a trade in one of them is late. */
  get closedBefore(): number {
    return this.#closedBefore;
  }

  /** Adds a trade; returns the symbol's previous bar when this trade starts a later interval. */
  add(tick: Tick): Bar[] {
    const start = Math.floor(tick.time / this.#intervalMs) * this.#intervalMs;
    if (start < this.#closedBefore) {
      throw new RangeError(`tick of ${tick.symbol} at ${tick.time} falls in an interval already closed`);
    }
    const current = this.#open.get(tick.symbol);
    if (current && start === current.time) {
      if (tick.price > current.high) current.high = tick.price;
      if (tick.price < current.low) current.low = tick.price;
      current.close = tick.price;
      current.volume += tick.size;
      return [];
    }
    if (current && start < current.time) {
      throw new RangeError(`tick of ${tick.symbol} at ${tick.time} is older than its open bar`);
    }
    this.#open.set(tick.symbol, {
      symbol: tick.symbol,
      time: start,
      open: tick.price,
      high: tick.price,
      low: tick.price,
      close: tick.price,
      volume: tick.size,
    });
    return current ? [this.#complete(current)] : [];
  }

  /**
   * Closes every interval that ends at or before `until` (epoch ms) and returns the bars of those
   * that had trades, ordered by time then symbol. Trades in them arriving later are late.
   */
  flush(until: number): Bar[] {
    const boundary = Math.floor(until / this.#intervalMs) * this.#intervalMs;
    if (boundary <= this.#closedBefore) return [];
    this.#closedBefore = boundary;
    const closed: Bar[] = [];
    for (const [symbol, bar] of this.#open) {
      if (bar.time < boundary) {
        closed.push(this.#complete(bar));
        this.#open.delete(symbol);
      }
    }
    return closed.sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  /** Symbols with a bar in progress. */
  get openBars(): number {
    return this.#open.size;
  }

  #complete(bar: OpenBar): Bar {
    return {
      symbol: bar.symbol,
      timeframe: this.timeframe,
      time: bar.time,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: bar.volume,
    };
  }
}
