import { assertFiniteInput, assertPeriod, type Indicator } from "./indicator";

/**
 * `standard`: α = 2/(period+1), the usual EMA (MACD's). `wilder`: α = 1/period, Wilder's
 * smoothing (RSI, and later ATR and ADX): avg' = (avg·(period−1) + x)/period.
 */
export type EmaSmoothing = "standard" | "wilder";

/**
 * Exponential moving average seeded by the simple average of the first `period` inputs (the
 * textbook convention, also Wilder's): undefined for the first period−1 inputs, the SMA at the
 * period-th, then avg' = avg + α(x − avg). Seeding with the first value instead would make the
 * early values depend heavily on one bar and disagree with every reference table.
 */
export class Ema implements Indicator<number, number> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly alpha: number;
  #seedSum = 0;
  #seen = 0;
  #value: number | undefined;

  constructor(period: number, smoothing: EmaSmoothing = "standard") {
    assertPeriod("Ema period", period);
    this.period = period;
    this.warmup = period;
    this.alpha = smoothing === "wilder" ? 1 / period : 2 / (period + 1);
    this.name = smoothing === "wilder" ? `wilder(${period})` : `ema(${period})`;
  }

  update(x: number): number | undefined {
    assertFiniteInput(this.name, x);
    if (this.#value !== undefined) {
      this.#value += this.alpha * (x - this.#value);
      return this.#value;
    }
    this.#seedSum += x;
    this.#seen += 1;
    if (this.#seen === this.period) this.#value = this.#seedSum / this.period;
    return this.#value;
  }

  value(): number | undefined {
    return this.#value;
  }

  isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#seedSum = 0;
    this.#seen = 0;
    this.#value = undefined;
  }
}
