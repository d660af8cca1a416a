import { RollingStats } from "../features/indicators/rolling-stats";
import { type SpecialistName, specialistNames } from "../models/specialist";

export interface SpecialistPerformanceOptions {
  /** Signal P&Ls per ratio; default 390 (a US trading day of one-minute bars). At least 2. */
  readonly window?: number;
}

/**
 * How well each specialist's signal has recently paid, on one series (one symbol).
 *
 * After each bar, every specialist's "signal P&L" is r · s: the bar's realised simple return
 * r = close_t / close_{t−1} − 1 times the score s ∈ [−1, 1] the specialist gave at the previous
 * close (its signed conviction, as if it had held s units of exposure over the bar). The ratio is
 * mean / sample standard deviation of the last `window` signal P&Ls — a per-bar Sharpe ratio,
 * positive for a specialist whose calls have been right — and 0 until `window` P&Ls exist, or
 * when they are all equal (no spread, no evidence). O(1) per bar (RollingStats).
 *
 * Only scores followed by the very next bar count: when a bar goes unscored (a missing feature),
 * the next return is judged against nothing and the ratios simply wait.
 */
export class SpecialistPerformance {
  readonly window: number;
  readonly #stats: Record<SpecialistName, RollingStats>;
  #lastPrice: number | undefined;
  #held: Readonly<Record<SpecialistName, number>> | undefined;
  #samples = 0;

  constructor(options: SpecialistPerformanceOptions = {}) {
    this.window = options.window ?? 390;
    this.#stats = {
      bull_specialist: new RollingStats(this.window),
      bear_specialist: new RollingStats(this.window),
      sideways_specialist: new RollingStats(this.window),
    };
  }

  /** Signal P&Ls recorded so far. */
  get samples(): number {
    return this.#samples;
  }

  /**
   * The bar's close: judges the scores held since the previous close against the return to this
   * one, then drops them (they were a call for one bar).
   */
  observe(price: number): void {
    if (!(Number.isFinite(price) && price > 0)) throw new RangeError(`price must be finite and positive, got ${price}`);
    const held = this.#held;
    const last = this.#lastPrice;
    if (held !== undefined && last !== undefined) {
      const realised = price / last - 1;
      for (const name of specialistNames) this.#stats[name].update(realised * held[name]);
      this.#samples += 1;
    }
    this.#held = undefined;
    this.#lastPrice = price;
  }

  /** The scores given at the latest close, to be judged against the next bar's return. */
  hold(scores: Readonly<Record<SpecialistName, number>>): void {
    for (const name of specialistNames) {
      const score = scores[name];
      if (!Number.isFinite(score)) throw new RangeError(`${name} score must be finite, got ${score}`);
    }
    this.#held = { ...scores };
  }

  ratio(name: SpecialistName): number {
    const moments = this.#stats[name].value();
    // A spread at rounding level of the mean is no spread: the ratio would be noise of order 1e16.
    if (moments === undefined || !(moments.standardDeviation > 1e-12 * Math.abs(moments.mean))) return 0;
    return moments.mean / moments.standardDeviation;
  }

  ratios(): Record<SpecialistName, number> {
    return {
      bull_specialist: this.ratio("bull_specialist"),
      bear_specialist: this.ratio("bear_specialist"),
      sideways_specialist: this.ratio("sideways_specialist"),
    };
  }
}
