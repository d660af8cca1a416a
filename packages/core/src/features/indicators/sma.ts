import { assertFiniteInput, assertPeriod, type Indicator } from "./indicator";
import { RollingWindow } from "./rolling-window";

/** Below this fraction of its recent peak magnitude the running sum is recomputed (see below). */
const cancellationRatio = 1e-4;

/**
 * Simple moving average of the latest `period` inputs, O(1) per update with a running sum.
 * A running sum drifts (each add-and-subtract rounds) and, worse, a window of zeros after large
 * values leaves a tiny residue instead of 0 — a volume ratio would then divide by it. So the sum
 * is recomputed from the window after every `period` updates (amortised O(1)) and whenever it
 * falls far below its recent peak magnitude; an all-zero window then averages to exactly 0.
 */
export class Sma implements Indicator<number, number> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly #window: RollingWindow;
  #sum = 0;
  #peakMagnitude = 0;
  #updatesSinceExact = 0;
  #value: number | undefined;

  constructor(period: number) {
    assertPeriod("Sma period", period);
    this.period = period;
    this.warmup = period;
    this.name = `sma(${period})`;
    this.#window = new RollingWindow(period);
  }

  update(x: number): number | undefined {
    assertFiniteInput(this.name, x);
    const evicted = this.#window.push(x);
    if (evicted === undefined) {
      this.#sum += x;
    } else {
      this.#sum += x - evicted;
      this.#updatesSinceExact += 1;
      if (this.#updatesSinceExact >= this.period || Math.abs(this.#sum) < this.#peakMagnitude * cancellationRatio) {
        this.#recomputeExactly();
      }
    }
    this.#peakMagnitude = Math.max(this.#peakMagnitude, Math.abs(this.#sum));
    this.#value = this.#window.isFull ? this.#sum / this.period : undefined;
    return this.#value;
  }

  value(): number | undefined {
    return this.#value;
  }

  isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#window.clear();
    this.#sum = 0;
    this.#peakMagnitude = 0;
    this.#updatesSinceExact = 0;
    this.#value = undefined;
  }

  #recomputeExactly(): void {
    let sum = 0;
    this.#window.forEach((v) => {
      sum += v;
    });
    this.#sum = sum;
    this.#peakMagnitude = Math.abs(sum);
    this.#updatesSinceExact = 0;
  }
}
