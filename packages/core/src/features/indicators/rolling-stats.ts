import { assertFiniteInput, assertPeriod, type Indicator } from "./indicator";
import { RollingWindow } from "./rolling-window";

/** Moments of the latest `period` inputs. */
export interface RollingMoments {
  readonly mean: number;
  /** Sample variance (divides by period − 1). */
  readonly variance: number;
  /** Sample standard deviation, √variance. */
  readonly standardDeviation: number;
}

/**
 * Below this fraction of its peak since the last exact recomputation, the sum of squared
 * deviations has lost too many digits to cancellation (a large value left the window) and is
 * recomputed: rounding error of order period·ε·peak stays below 1e-10 of the value.
 */
const cancellationRatio = 1e-4;

/**
 * Mean and sample variance of the latest `period` inputs in O(1) per update.
 *
 * Welford's recurrences with removal: when `x` enters and `old` leaves, with means m (before)
 * and m' (after), m' = m + (x − old)/n and M2' = M2 + (x − old)(x − m' + old − m). That avoids the
 * catastrophic cancellation of Σx² − (Σx)²/n, which loses every digit once the mean dwarfs the
 * spread (prices near 1e6 moving by 1e-3). Two further guards:
 * - The recurrences run on x − K, K a recent mean of the window: the rounding of a large mean
 *   would otherwise enter every step's deviation (relative error ~ ε·|mean|/σ, 1e-7 above),
 *   while x − K is exact for x within a factor 2 of K and small beside σ otherwise.
 * - Sliding updates accumulate rounding, so K and the moments are recomputed exactly (corrected
 *   two-pass over the window) after every `period` updates — amortised O(1) — and sooner when
 *   M2 collapses relative to its recent peak (a large value just left the window).
 */
export class RollingStats implements Indicator<number, RollingMoments> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly #window: RollingWindow;
  /** The shift K; every moment below is of x − K. */
  #shift = 0;
  #mean = 0;
  #m2 = 0;
  #peakM2 = 0;
  #updatesSinceExact = 0;
  #value: RollingMoments | undefined;

  /** `period` >= 2: a sample variance needs two values. */
  constructor(period: number) {
    assertPeriod("RollingStats period", period, 2);
    this.period = period;
    this.warmup = period;
    this.name = `rolling_stats(${period})`;
    this.#window = new RollingWindow(period);
  }

  update(x: number): RollingMoments | undefined {
    assertFiniteInput(this.name, x);
    if (this.#window.size === 0) this.#shift = x;
    const evicted = this.#window.push(x);
    const d = x - this.#shift;
    if (evicted === undefined) {
      const n = this.#window.size;
      const delta = d - this.#mean;
      this.#mean += delta / n;
      this.#m2 += delta * (d - this.#mean);
    } else {
      const dOld = evicted - this.#shift;
      const previousMean = this.#mean;
      this.#mean += (d - dOld) / this.period;
      this.#m2 += (d - dOld) * (d - this.#mean + dOld - previousMean);
      this.#updatesSinceExact += 1;
      if (this.#updatesSinceExact >= this.period || this.#m2 < this.#peakM2 * cancellationRatio) {
        this.#recomputeExactly();
      }
    }
    if (this.#m2 > this.#peakM2) this.#peakM2 = this.#m2;
    this.#value = this.#window.isFull ? this.#moments() : undefined;
    return this.#value;
  }

  value(): RollingMoments | undefined {
    return this.#value;
  }

  isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#window.clear();
    this.#shift = 0;
    this.#mean = 0;
    this.#m2 = 0;
    this.#peakM2 = 0;
    this.#updatesSinceExact = 0;
    this.#value = undefined;
  }

  #moments(): RollingMoments {
    // Rounding can leave M2 a hair below zero for a constant window; variance is never negative.
    const variance = Math.max(0, this.#m2) / (this.period - 1);
    return { mean: this.#shift + this.#mean, variance, standardDeviation: Math.sqrt(variance) };
  }

  /** Re-centres K on the window's mean, then a corrected two-pass (its residual term removes the rounding of the first pass's mean). */
  #recomputeExactly(): void {
    const n = this.#window.size;
    let sum = 0;
    this.#window.forEach((v) => {
      sum += v;
    });
    const shift = sum / n;
    let deviations = 0;
    let squares = 0;
    this.#window.forEach((v) => {
      const d = v - shift;
      deviations += d;
      squares += d * d;
    });
    this.#shift = shift;
    this.#mean = deviations / n;
    this.#m2 = squares - (deviations * deviations) / n;
    this.#peakM2 = this.#m2;
    this.#updatesSinceExact = 0;
  }
}
