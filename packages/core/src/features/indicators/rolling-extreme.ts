import { assertFiniteInput, assertPeriod, type Indicator } from "./indicator";

export type ExtremeKind = "max" | "min";

/**
 * The highest (`max`) or lowest (`min`) of the latest `period` inputs in amortised O(1) per update:
 * a monotonic deque of the inputs that can still become the extreme (each newer than, and beyond,
 * every one behind it). A new input drops the candidates it dominates from the back; the front
 * leaves once it falls out of the window. Each input enters and leaves once, so a scan of the
 * window per update is never needed.
 */
export class RollingExtreme implements Indicator<number, number> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly kind: ExtremeKind;
  /** The deque as a ring buffer of (input number, value) pairs; at most `period` candidates. */
  readonly #positions: Float64Array;
  readonly #values: Float64Array;
  #head = 0;
  #length = 0;
  #seen = 0;
  #value: number | undefined;

  constructor(period: number, kind: ExtremeKind) {
    assertPeriod("RollingExtreme period", period);
    this.period = period;
    this.kind = kind;
    this.warmup = period;
    this.name = `rolling_${kind}(${period})`;
    this.#positions = new Float64Array(period);
    this.#values = new Float64Array(period);
  }

  update(x: number): number | undefined {
    assertFiniteInput(this.name, x);
    const position = this.#seen;
    this.#seen += 1;
    const capacity = this.period;
    // The front is the oldest candidate: gone once `period` newer inputs arrived.
    if (this.#length > 0 && (this.#positions[this.#head] as number) <= position - capacity) {
      this.#head = (this.#head + 1) % capacity;
      this.#length -= 1;
    }
    // Candidates behind the new input that it equals or beats can never be the extreme again.
    while (this.#length > 0) {
      const back = (this.#head + this.#length - 1) % capacity;
      const candidate = this.#values[back] as number;
      if (this.kind === "max" ? candidate > x : candidate < x) break;
      this.#length -= 1;
    }
    const slot = (this.#head + this.#length) % capacity;
    this.#positions[slot] = position;
    this.#values[slot] = x;
    this.#length += 1;
    this.#value = this.#seen >= capacity ? (this.#values[this.#head] as number) : undefined;
    return this.#value;
  }

  value(): number | undefined {
    return this.#value;
  }

  isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#head = 0;
    this.#length = 0;
    this.#seen = 0;
    this.#value = undefined;
  }
}
