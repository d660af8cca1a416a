import { assertPeriod } from "./indicator";

/**
 * A fixed-capacity ring buffer of the latest numbers: O(1) push, the oldest value evicted once
 * full. The building block of every windowed indicator. It stores whatever it is given; the
 * indicators that own one validate their inputs first.
 */
export class RollingWindow {
  readonly capacity: number;
  readonly #buffer: Float64Array;
  /** Physical index of the oldest value. */
  #start = 0;
  #size = 0;

  constructor(capacity: number) {
    assertPeriod("RollingWindow capacity", capacity);
    this.capacity = capacity;
    this.#buffer = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  get isFull(): boolean {
    return this.#size === this.capacity;
  }

  /** Appends `x`; returns the value it evicted, or undefined while the window was not yet full. */
  push(x: number): number | undefined {
    if (this.#size < this.capacity) {
      this.#buffer[(this.#start + this.#size) % this.capacity] = x;
      this.#size += 1;
      return undefined;
    }
    const evicted = this.#buffer[this.#start];
    this.#buffer[this.#start] = x;
    this.#start = (this.#start + 1) % this.capacity;
    return evicted;
  }

  /** The value `i` pushes ago: 0 is the newest, `size - 1` the oldest; undefined outside that. */
  ago(i: number): number | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.#size) return undefined;
    return this.#buffer[(this.#start + this.#size - 1 - i) % this.capacity];
  }

  newest(): number | undefined {
    return this.ago(0);
  }

  oldest(): number | undefined {
    return this.ago(this.#size - 1);
  }

  /** The values, oldest first (a copy). */
  toArray(): number[] {
    const out: number[] = [];
    this.forEach((x) => {
      out.push(x);
    });
    return out;
  }

  /** Visits the values oldest first, without copying them. */
  forEach(visit: (x: number) => void): void {
    const end = this.#start + this.#size;
    // The stored values are at most two runs of the buffer: start..end, then 0..the wrapped rest.
    for (const x of this.#buffer.subarray(this.#start, Math.min(end, this.capacity))) visit(x);
    if (end > this.capacity) for (const x of this.#buffer.subarray(0, end - this.capacity)) visit(x);
  }

  clear(): void {
    this.#start = 0;
    this.#size = 0;
  }
}
