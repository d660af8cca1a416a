/**
 * A fixed-capacity ring of numbers indexed by slot (an integer clock: bar time / bar interval),
 * remembering the latest `capacity` slots. Each cell stores the slot it was written for, so a cell
 * left over from an older lap of the ring reads as missing: advancing the clock clears nothing,
 * which keeps every write O(1) however far it jumps.
 */
export class SlotRing {
  readonly capacity: number;
  readonly #values: Float64Array;
  /** The slot each cell was last written for; NaN for a cell never written. */
  readonly #stamps: Float64Array;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`SlotRing capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#values = new Float64Array(capacity);
    this.#stamps = new Float64Array(capacity).fill(Number.NaN);
  }

  set(slot: number, value: number): void {
    const cell = this.#cell(slot);
    this.#values[cell] = value;
    this.#stamps[cell] = slot;
  }

  /** The value written for `slot`, or NaN when none was or a later slot has since taken its cell. */
  get(slot: number): number {
    const cell = this.#cell(slot);
    return this.#stamps[cell] === slot ? (this.#values[cell] ?? Number.NaN) : Number.NaN;
  }

  #cell(slot: number): number {
    if (!Number.isSafeInteger(slot) || slot < 0)
      throw new RangeError(`slot must be a non-negative integer, got ${slot}`);
    return slot % this.capacity;
  }
}

/** The slot (bar index since the epoch) of `time` (epoch ms) on a clock of `intervalMs`. */
export function slotOf(time: number, intervalMs: number): number {
  if (!(Number.isFinite(time) && time >= 0)) throw new RangeError(`time must be finite and >= 0, got ${time}`);
  return Math.floor(time / intervalMs);
}

export function assertInterval(intervalMs: number): void {
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) {
    throw new RangeError(`intervalMs must be a positive integer, got ${intervalMs}`);
  }
}
