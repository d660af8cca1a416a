import { Ema } from "./ema";
import { assertFiniteInput, assertPeriod, type Indicator, IndicatorInputError } from "./indicator";

/**
 * Wilder's Relative Strength Index of a price series, 0..100. Each input after the first gives a
 * change; gains (max(change, 0)) and losses (max(−change, 0)) are averaged with Wilder's smoothing
 * seeded by their simple average over the first `period` changes, and
 * RSI = 100 − 100/(1 + avgGain/avgLoss) = 100·avgGain/(avgGain + avgLoss).
 * The second form is used: it gives 100 when there were no losses, without dividing by zero.
 * A window with no movement at all (both averages 0) has no defined RSI; it reads 50, neutral,
 * rather than the 0 or 100 some libraries return, which would look like an extreme.
 * Warm-up: period + 1 prices (period changes).
 */
export class Rsi implements Indicator<number, number> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly #gains: Ema;
  readonly #losses: Ema;
  #previous: number | undefined;
  #value: number | undefined;

  constructor(period = 14) {
    assertPeriod("Rsi period", period);
    this.period = period;
    this.warmup = period + 1;
    this.name = `rsi(${period})`;
    this.#gains = new Ema(period, "wilder");
    this.#losses = new Ema(period, "wilder");
  }

  update(price: number): number | undefined {
    assertFiniteInput(this.name, price);
    const previous = this.#previous;
    if (previous === undefined) {
      this.#previous = price;
      return undefined;
    }
    const change = price - previous;
    // Only ±1e308-scale prices get here; refusing keeps the state as it was, like any bad input.
    if (!Number.isFinite(change)) throw new IndicatorInputError(this.name, price, "within range of the previous price");
    this.#previous = price;
    const averageGain = this.#gains.update(Math.max(change, 0));
    const averageLoss = this.#losses.update(Math.max(-change, 0));
    if (averageGain === undefined || averageLoss === undefined) return undefined;
    const total = averageGain + averageLoss;
    this.#value = total === 0 ? 50 : (100 * averageGain) / total;
    return this.#value;
  }

  value(): number | undefined {
    return this.#value;
  }

  isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#gains.reset();
    this.#losses.reset();
    this.#previous = undefined;
    this.#value = undefined;
  }
}
