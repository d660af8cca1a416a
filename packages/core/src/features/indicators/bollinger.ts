import { assertFiniteInput, assertPeriod, type Indicator } from "./indicator";
import { RollingStats } from "./rolling-stats";

/**
 * Bollinger Bands over the latest `period` prices: middle = their SMA, upper/lower = middle ±
 * `multiplier` × their POPULATION standard deviation (divides by n, as Bollinger and StockCharts
 * do). `value()` is the middle band; also
 * - %B = (price − lower)/(upper − lower): 0 at the lower band, 1 at the upper, outside 0..1 beyond;
 * - bandwidth = (upper − lower)/middle, a fraction (StockCharts shows it ×100).
 * A window of identical prices has no spread: bandwidth 0, and %B, 0/0, is undefined (absent).
 * "Identical" is decided exactly (the last `period` inputs equal), not by a rounded σ.
 * Warm-up: `period` prices.
 */
export class Bollinger implements Indicator<number, number> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly multiplier: number;
  readonly #stats: RollingStats;
  /** Consecutive inputs equal to the latest one. */
  #run = 0;
  #last = Number.NaN;
  #middle: number | undefined;
  #halfWidth = 0;
  #percentB: number | undefined;

  constructor(period = 20, multiplier = 2) {
    assertPeriod("Bollinger period", period, 2);
    if (!(Number.isFinite(multiplier) && multiplier > 0)) {
      throw new RangeError(`Bollinger multiplier must be a finite positive number, got ${multiplier}`);
    }
    this.period = period;
    this.multiplier = multiplier;
    this.warmup = period;
    this.name = `bollinger(${period},${multiplier})`;
    this.#stats = new RollingStats(period);
  }

  update(price: number): number | undefined {
    assertFiniteInput(this.name, price);
    const moments = this.#stats.update(price);
    this.#run = price === this.#last ? this.#run + 1 : 1;
    this.#last = price;
    if (moments === undefined) return undefined;
    const constant = this.#run >= this.period;
    const n = this.period;
    const deviation = constant ? 0 : Math.sqrt((moments.variance * (n - 1)) / n);
    this.#middle = moments.mean;
    this.#halfWidth = this.multiplier * deviation;
    this.#percentB = deviation === 0 ? undefined : (price - moments.mean) / (2 * this.#halfWidth) + 0.5;
    return this.#middle;
  }

  /** The middle band (SMA). */
  value(): number | undefined {
    return this.#middle;
  }

  upper(): number | undefined {
    return this.#middle === undefined ? undefined : this.#middle + this.#halfWidth;
  }

  lower(): number | undefined {
    return this.#middle === undefined ? undefined : this.#middle - this.#halfWidth;
  }

  /** Where the latest price sits between the bands; undefined while the window has no spread. */
  percentB(): number | undefined {
    return this.#percentB;
  }

  /** (upper − lower)/middle; undefined while the middle is 0 (only possible for non-price inputs). */
  bandwidth(): number | undefined {
    const middle = this.#middle;
    if (middle === undefined || middle === 0) return undefined;
    return (2 * this.#halfWidth) / middle;
  }

  isReady(): boolean {
    return this.#middle !== undefined;
  }

  reset(): void {
    this.#stats.reset();
    this.#run = 0;
    this.#last = Number.NaN;
    this.#middle = undefined;
    this.#halfWidth = 0;
    this.#percentB = undefined;
  }
}
