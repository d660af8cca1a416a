import { assertFiniteInput, assertPeriod, type Indicator } from "./indicator";
import { RollingStats } from "./rolling-stats";

/**
 * Which inputs a score is measured against. `window`: the latest `period` inputs, the current one
 * included (the usual rolling z-score; bounded by (n − 1)/√n). `previous`: the `period` inputs
 * BEFORE the current one, so a spike is measured against a baseline it has not inflated.
 */
export type ScoreBaseline = "window" | "previous";

/**
 * Rolling z-score: (x − mean)/s, mean and SAMPLE standard deviation s (n − 1) of the baseline
 * inputs. A baseline of identical inputs has s = 0 and no score: the value is undefined (absent),
 * decided exactly (the baseline's inputs all equal), not from a rounded s.
 * Warm-up: `period` inputs (`window`) or period + 1 (`previous`).
 */
export class StandardScore implements Indicator<number, number> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly baseline: ScoreBaseline;
  readonly #stats: RollingStats;
  /** Consecutive inputs equal to the latest one. */
  #run = 0;
  #last = Number.NaN;
  #value: number | undefined;

  /** `period` >= 2: a sample deviation needs two values. */
  constructor(period: number, baseline: ScoreBaseline) {
    assertPeriod("StandardScore period", period, 2);
    this.period = period;
    this.baseline = baseline;
    this.warmup = baseline === "window" ? period : period + 1;
    this.name = `zscore(${period},${baseline})`;
    this.#stats = new RollingStats(period);
  }

  update(x: number): number | undefined {
    assertFiniteInput(this.name, x);
    if (this.baseline === "previous") {
      const before = this.#stats.value();
      const constantBefore = this.#run >= this.period;
      this.#take(x);
      this.#value =
        before === undefined || constantBefore ? undefined : score(x, before.mean, before.standardDeviation);
    } else {
      const now = this.#take(x);
      this.#value =
        now === undefined || this.#run >= this.period ? undefined : score(x, now.mean, now.standardDeviation);
    }
    return this.#value;
  }

  value(): number | undefined {
    return this.#value;
  }

  isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#stats.reset();
    this.#run = 0;
    this.#last = Number.NaN;
    this.#value = undefined;
  }

  #take(x: number): ReturnType<RollingStats["update"]> {
    this.#run = x === this.#last ? this.#run + 1 : 1;
    this.#last = x;
    return this.#stats.update(x);
  }
}

function score(x: number, mean: number, deviation: number): number | undefined {
  // s > 0 for any baseline that is not constant; a denormal s could still overflow the division.
  const z = (x - mean) / deviation;
  return Number.isFinite(z) ? z : undefined;
}
