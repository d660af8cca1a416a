import { assertPositiveInput, type Indicator, type OhlcvInput } from "./indicator";

export type OpenClose = Pick<OhlcvInput, "open" | "close">;

/**
 * The opening gap: open_t / close_{t−1} − 1, how far a bar opened from where the previous one
 * closed (an overnight or halt gap on intraday bars, usually ~0 between consecutive minutes).
 * Prices must be positive. Warm-up: 2 bars.
 */
export class Gap implements Indicator<OpenClose, number> {
  readonly name = "gap";
  readonly warmup = 2;
  #previousClose: number | undefined;
  #value: number | undefined;

  update(bar: OpenClose): number | undefined {
    assertPositiveInput(this.name, bar.open);
    assertPositiveInput(this.name, bar.close);
    const previous = this.#previousClose;
    this.#previousClose = bar.close;
    this.#value = previous === undefined ? undefined : bar.open / previous - 1;
    return this.#value;
  }

  value(): number | undefined {
    return this.#value;
  }

  isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#previousClose = undefined;
    this.#value = undefined;
  }
}
