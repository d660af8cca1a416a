import { assertInterval, SlotRing, slotOf } from "./returns-window-slots";

export interface ReturnsWindowOptions {
  /** The bar clock (ms): a symbol has at most one return per interval, e.g. 60,000 for one-minute bars. */
  readonly intervalMs: number;
  /** Intervals kept, e.g. 30 × 390: thirty 390-bar trading days of one-minute bars. */
  readonly capacity: number;
}

interface Series {
  readonly returns: SlotRing;
  /** The latest close and its slot; the close before it and its slot (−1: none). */
  lastSlot: number;
  lastPrice: number;
  previousSlot: number;
  previousPrice: number;
}

/** Complete rows of one-interval simple returns for a set of symbols (see `completeSimpleReturns`). */
export interface AlignedReturns {
  /** One column per symbol asked for, in that order; every column has `rows` entries, oldest first. */
  readonly columns: Float64Array[];
  readonly rows: number;
}

/**
 * The latest `capacity` intervals of one-interval returns of every symbol, aligned on a common bar
 * clock: interval k of every symbol's series is the same wall-clock interval.
 *
 * - What is stored: the LOG return ln(close_t / close_{t−1}) of each bar against the close of the
 *   bar just before it, at the slot of bar t (slot = ⌊bar time / intervalMs⌋). Log returns add up
 *   over time, which is how the risk metrics build a horizon's return from one-bar returns;
 *   `simpleReturns` gives e^r − 1 for combining symbols (a portfolio's return is the value-weighted
 *   sum of SIMPLE returns).
 * - Missing values: a return exists only between closes of two consecutive intervals. A symbol
 *   without a bar in an interval has no return there, nor in the next interval (the move across the
 *   gap is not smeared into a one-interval return: that would inflate its variance). Missing
 *   entries read as NaN; `completeSimpleReturns` then keeps only the intervals where every symbol
 *   asked for has a return (listwise deletion), which keeps a covariance estimated from them
 *   positive semi-definite, as VaR and HRP need — pairwise-complete estimates are not.
 * - Order: bars of one symbol must arrive in time order; a bar older than that symbol's latest is
 *   ignored, while a second close for the symbol's latest interval replaces the first (a corrected
 *   bar). Symbols interleave freely, and one symbol's history may be fed after another's. Symbols
 *   are added on their first bar.
 * - Cost: `observe` is O(1) (a map look-up and one ring write); reading a series is O(capacity).
 *
 * Time only comes from the bars: the window never reads a clock.
 */
export class ReturnsWindow {
  readonly intervalMs: number;
  readonly capacity: number;
  readonly #series = new Map<string, Series>();
  #firstSlot = -1;
  #newestSlot = -1;

  constructor(options: ReturnsWindowOptions) {
    assertInterval(options.intervalMs);
    if (!Number.isSafeInteger(options.capacity) || options.capacity < 2) {
      throw new RangeError(`capacity must be an integer >= 2, got ${options.capacity}`);
    }
    this.intervalMs = options.intervalMs;
    this.capacity = options.capacity;
  }

  /** Every symbol seen, in order of first appearance. */
  get symbols(): string[] {
    return [...this.#series.keys()];
  }

  has(symbol: string): boolean {
    return this.#series.has(symbol);
  }

  /** The slot of the window's first interval (index 0 of every series), undefined before any bar. */
  get startSlot(): number | undefined {
    if (this.#newestSlot < 0) return undefined;
    return Math.max(this.#firstSlot, this.#newestSlot - this.capacity + 1);
  }

  /** Intervals in the window: from the first bar ever seen, at most `capacity`. */
  get length(): number {
    const start = this.startSlot;
    return start === undefined ? 0 : this.#newestSlot - start + 1;
  }

  /** Open time (epoch ms) of the bars of interval `index` of the window. */
  timeAt(index: number): number {
    const start = this.startSlot;
    if (start === undefined || !Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`index must be an integer in [0, ${this.length}), got ${index}`);
    }
    return (start + index) * this.intervalMs;
  }

  /**
   * Records the close of `symbol`'s bar opened at `time` (epoch ms). Returns false when it was
   * ignored, being older than the symbol's latest bar. A bar older than the window only sets the
   * price the symbol's next return starts from.
   */
  observe(symbol: string, time: number, price: number): boolean {
    if (!(Number.isFinite(price) && price > 0)) throw new RangeError(`price must be finite and positive, got ${price}`);
    const slot = slotOf(time, this.intervalMs);
    let series = this.#series.get(symbol);
    if (series === undefined) {
      series = {
        returns: new SlotRing(this.capacity),
        lastSlot: -1,
        lastPrice: Number.NaN,
        previousSlot: -1,
        previousPrice: Number.NaN,
      };
      this.#series.set(symbol, series);
    }
    if (slot < series.lastSlot) return false;
    if (slot > series.lastSlot) {
      series.previousSlot = series.lastSlot;
      series.previousPrice = series.lastPrice;
      series.lastSlot = slot;
    }
    series.lastPrice = price;
    // A bar before the window still sets the price the next bar's return starts from, but its own
    // return is not kept: its ring cell belongs to an interval inside the window.
    const inWindow = this.#newestSlot < 0 || slot > this.#newestSlot - this.capacity;
    if (inWindow && series.previousSlot === slot - 1) series.returns.set(slot, Math.log(price / series.previousPrice));
    if (this.#firstSlot < 0 || slot < this.#firstSlot) this.#firstSlot = slot;
    if (slot > this.#newestSlot) this.#newestSlot = slot;
    return true;
  }

  /** `symbol`'s log returns over the window, oldest first, NaN where missing (all NaN for an unknown symbol). */
  logReturns(symbol: string): Float64Array {
    const out = new Float64Array(this.length).fill(Number.NaN);
    const series = this.#series.get(symbol);
    const start = this.startSlot;
    if (series === undefined || start === undefined) return out;
    for (let i = 0; i < out.length; i += 1) out[i] = series.returns.get(start + i);
    return out;
  }

  /** `symbol`'s simple returns e^r − 1 over the window, oldest first, NaN where missing. */
  simpleReturns(symbol: string): Float64Array {
    const out = this.logReturns(symbol);
    for (let i = 0; i < out.length; i += 1) out[i] = Math.expm1(out[i] ?? Number.NaN);
    return out;
  }

  /** The simple returns of `symbols` over the intervals where every one of them has a return. */
  completeSimpleReturns(symbols: readonly string[]): AlignedReturns {
    return completeRows(symbols.map((symbol) => this.simpleReturns(symbol)));
  }
}

/** The rows (indices) where every column is finite, gathered into new columns (listwise deletion). */
export function completeRows(columns: readonly ArrayLike<number>[]): AlignedReturns {
  const length = columns[0]?.length ?? 0;
  if (columns.some((column) => column.length !== length)) throw new RangeError("columns must have equal lengths");
  const complete = new Uint8Array(length).fill(1);
  for (const column of columns) {
    for (let t = 0; t < length; t += 1) if (!Number.isFinite(column[t])) complete[t] = 0;
  }
  let rows = 0;
  for (let t = 0; t < length; t += 1) rows += complete[t] ?? 0;
  const gathered = columns.map((column) => {
    const out = new Float64Array(rows);
    let row = 0;
    for (let t = 0; t < length; t += 1) {
      if (complete[t] === 1) {
        out[row] = column[t] ?? Number.NaN;
        row += 1;
      }
    }
    return out;
  });
  return { columns: gathered, rows };
}
