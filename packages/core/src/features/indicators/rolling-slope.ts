import { assertFiniteInput, assertPeriod, type Indicator } from "./indicator";
import { RollingWindow } from "./rolling-window";

/**
 * The least-squares slope of the latest `period` inputs against their position (0 the oldest,
 * period − 1 the newest): Σ(k − k̄)(y_k − ȳ) / Σ(k − k̄)², in input units per input, O(1) per update.
 *
 * With S = Σy and T = Σk·y over the window, the numerator is T − k̄·S and the denominator the
 * constant n(n² − 1)/12. When y_n enters and y_0 leaves, every position drops by one:
 * T' = T − (S − y_0) + (n − 1)·y_n and S' = S − y_0 + y_n. The sums are kept of y − K, K a recent
 * input (the slope does not depend on a shift), so a level far from 0 (an OBV after a million bars)
 * does not swamp its changes; both are recomputed exactly from the window every `period` updates,
 * which bounds the rounding the sliding updates accumulate (amortised O(1)).
 */
export class RollingSlope implements Indicator<number, number> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly #window: RollingWindow;
  readonly #center: number;
  readonly #denominator: number;
  #shift = 0;
  #sum = 0;
  #weightedSum = 0;
  #updatesSinceExact = 0;
  #value: number | undefined;

  /** `period` >= 2: a slope needs two points. */
  constructor(period: number) {
    assertPeriod("RollingSlope period", period, 2);
    this.period = period;
    this.warmup = period;
    this.name = `slope(${period})`;
    this.#window = new RollingWindow(period);
    this.#center = (period - 1) / 2;
    this.#denominator = (period * (period * period - 1)) / 12;
  }

  update(y: number): number | undefined {
    assertFiniteInput(this.name, y);
    if (this.#window.size === 0) this.#shift = y;
    const d = y - this.#shift;
    const evicted = this.#window.push(y);
    if (evicted === undefined) {
      this.#weightedSum += (this.#window.size - 1) * d;
      this.#sum += d;
    } else {
      const dOld = evicted - this.#shift;
      this.#weightedSum += (this.period - 1) * d - (this.#sum - dOld);
      this.#sum += d - dOld;
      this.#updatesSinceExact += 1;
      if (this.#updatesSinceExact >= this.period) this.#recomputeExactly();
    }
    this.#value = this.#window.isFull ? (this.#weightedSum - this.#center * this.#sum) / this.#denominator : undefined;
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
    this.#shift = 0;
    this.#sum = 0;
    this.#weightedSum = 0;
    this.#updatesSinceExact = 0;
    this.#value = undefined;
  }

  /** Re-centres K on the newest input and sums the window afresh. */
  #recomputeExactly(): void {
    const shift = this.#window.newest() ?? 0;
    let sum = 0;
    let weightedSum = 0;
    let k = 0;
    this.#window.forEach((y) => {
      const d = y - shift;
      sum += d;
      weightedSum += k * d;
      k += 1;
    });
    this.#shift = shift;
    this.#sum = sum;
    this.#weightedSum = weightedSum;
    this.#updatesSinceExact = 0;
  }
}
