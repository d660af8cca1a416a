import { assertPeriod, assertPositiveInput, type Indicator } from "./indicator";
import { RollingWindow } from "./rolling-window";

/** `simple`: p_t/p_{t−k} − 1. `log`: ln(p_t/p_{t−k}). */
export type ReturnKind = "simple" | "log";

/**
 * The return over the last `period` inputs of a price series (inputs, not clock time: a gap in
 * the bars is not filled). Prices must be positive: a log return of 0 is undefined and a simple
 * return from 0 is infinite. Warm-up: period + 1 prices.
 */
export class Returns implements Indicator<number, number> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly kind: ReturnKind;
  readonly #prices: RollingWindow;
  #value: number | undefined;

  constructor(period: number, kind: ReturnKind = "simple") {
    assertPeriod("Returns period", period);
    this.period = period;
    this.kind = kind;
    this.warmup = period + 1;
    this.name = kind === "log" ? `log_return(${period})` : `return(${period})`;
    this.#prices = new RollingWindow(period + 1);
  }

  update(price: number): number | undefined {
    assertPositiveInput(this.name, price);
    this.#prices.push(price);
    const base = this.#prices.isFull ? this.#prices.oldest() : undefined;
    if (base === undefined) return undefined;
    const ratio = price / base;
    this.#value = this.kind === "log" ? Math.log(ratio) : ratio - 1;
    return this.#value;
  }

  value(): number | undefined {
    return this.#value;
  }

  isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#prices.clear();
    this.#value = undefined;
  }
}
