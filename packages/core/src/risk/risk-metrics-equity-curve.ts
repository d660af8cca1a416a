import { assertInterval, SlotRing, slotOf } from "./returns-window-slots";

export interface EquityCurveOptions {
  /** The sampling clock (ms), e.g. 60,000: one value per one-minute bar. */
  readonly intervalMs: number;
  /** Intervals kept, e.g. 30 × 390 + 1 for thirty 390-bar days and the value the first return starts from. */
  readonly capacity: number;
}

/**
 * The portfolio's total value sampled once per interval, over the latest `capacity` intervals: the
 * equity curve the Sharpe ratio and the drawdown are read from.
 *
 * Record the value after the interval's marks are applied (the last record in an interval wins).
 * An interval without a record is missing (NaN), not carried forward: a copied value would be a
 * fake zero return that lowers the measured volatility. Records older than the window are ignored.
 * The curve assumes no deposits or withdrawals (the portfolio has none): a cash transfer would
 * read as a return. O(1) per record.
 */
export class EquityCurve {
  readonly intervalMs: number;
  readonly capacity: number;
  readonly #ring: SlotRing;
  #firstSlot = -1;
  #newestSlot = -1;

  constructor(options: EquityCurveOptions) {
    assertInterval(options.intervalMs);
    this.intervalMs = options.intervalMs;
    this.capacity = options.capacity;
    this.#ring = new SlotRing(options.capacity);
  }

  /** Intervals in the window: from the first record, at most `capacity`. */
  get length(): number {
    if (this.#newestSlot < 0) return 0;
    return this.#newestSlot - Math.max(this.#firstSlot, this.#newestSlot - this.capacity + 1) + 1;
  }

  /** Records the total value at `time` (epoch ms); false when older than the window. */
  record(time: number, value: number): boolean {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`value must be finite and positive, got ${value}`);
    const slot = slotOf(time, this.intervalMs);
    if (this.#newestSlot >= 0 && slot <= this.#newestSlot - this.capacity) return false;
    this.#ring.set(slot, value);
    if (this.#firstSlot < 0 || slot < this.#firstSlot) this.#firstSlot = slot;
    if (slot > this.#newestSlot) this.#newestSlot = slot;
    return true;
  }

  /** The values of the latest `count` intervals (default: the whole window), oldest first, NaN where missing. */
  values(count: number = this.length): Float64Array {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be an integer >= 0, got ${count}`);
    const n = Math.min(count, this.length);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 1) out[i] = this.#ring.get(this.#newestSlot - n + 1 + i);
    return out;
  }
}
