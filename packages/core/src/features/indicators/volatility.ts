import { assertPeriod, assertPositiveInput, type Indicator } from "./indicator";
import { Returns } from "./returns";
import { RollingStats } from "./rolling-stats";

/**
 * Realised volatility: the sample standard deviation (n − 1) of the last `period` one-bar log
 * returns of a price series, per bar and NOT annualised — annualising needs a bars-per-year figure
 * that differs by timeframe and trading calendar, and a model gains nothing from the constant
 * factor. Warm-up: period + 1 prices.
 */
export class Volatility implements Indicator<number, number> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly #logReturn = new Returns(1, "log");
  readonly #stats: RollingStats;
  #value: number | undefined;

  constructor(period = 20) {
    assertPeriod("Volatility period", period, 2);
    this.period = period;
    this.warmup = period + 1;
    this.name = `volatility(${period})`;
    this.#stats = new RollingStats(period);
  }

  update(price: number): number | undefined {
    assertPositiveInput(this.name, price);
    const logReturn = this.#logReturn.update(price);
    if (logReturn === undefined) return undefined;
    this.#value = this.#stats.update(logReturn)?.standardDeviation;
    return this.#value;
  }

  value(): number | undefined {
    return this.#value;
  }

  isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#logReturn.reset();
    this.#stats.reset();
    this.#value = undefined;
  }
}
