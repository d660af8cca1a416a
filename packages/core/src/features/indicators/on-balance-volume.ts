import { assertFiniteFields, type Indicator, IndicatorInputError, type OhlcvInput } from "./indicator";

export type CloseVolume = Pick<OhlcvInput, "close" | "volume">;

/**
 * Granville's On-Balance Volume: the running sum, from the second bar, of +volume when the close
 * rose, −volume when it fell and 0 when it did not move. The first bar has no direction, so the
 * sum starts with the second (OBV_2 = ±volume_2); the level itself is arbitrary (it depends on
 * where the series began) and is meant to be read through its changes. Warm-up: 2 bars.
 */
export class OnBalanceVolume implements Indicator<CloseVolume, number> {
  readonly name = "obv";
  readonly warmup = 2;
  #previousClose: number | undefined;
  #value: number | undefined;

  update(bar: CloseVolume): number | undefined {
    assertFiniteFields(this.name, bar, ["close", "volume"]);
    if (bar.volume < 0) throw new IndicatorInputError(this.name, bar.volume, "a non-negative volume");
    const previous = this.#previousClose;
    if (previous === undefined) {
      this.#previousClose = bar.close;
      return undefined;
    }
    const signed = bar.close > previous ? bar.volume : bar.close < previous ? -bar.volume : 0;
    const next = (this.#value ?? 0) + signed;
    // Only 1e308-scale volumes overflow; refusing keeps the state as it was.
    if (!Number.isFinite(next)) throw new IndicatorInputError(this.name, bar.volume, "a volume the sum can hold");
    this.#previousClose = bar.close;
    this.#value = next;
    return next;
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
