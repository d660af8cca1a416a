import { assertNonNegativeInput, assertPeriod, type Indicator } from "./indicator";
import { Sma } from "./sma";

/**
 * Volume relative to normal: volume_t / mean(volume_{t−period} .. volume_{t−1}). The mean is of
 * the `period` bars BEFORE the current one, so a volume spike is measured against a baseline it
 * has not inflated (including it would cap the ratio at `period`). Warm-up: period + 1 volumes.
 * While the previous `period` bars traded nothing (a halt) the ratio is undefined and the value
 * is undefined too, rather than an infinite or arbitrary number.
 */
export class VolumeRatio implements Indicator<number, number> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly #previousMean: Sma;
  #value: number | undefined;

  constructor(period = 20) {
    assertPeriod("VolumeRatio period", period);
    this.period = period;
    this.warmup = period + 1;
    this.name = `volume_ratio(${period})`;
    this.#previousMean = new Sma(period);
  }

  update(volume: number): number | undefined {
    assertNonNegativeInput(this.name, volume);
    const baseline = this.#previousMean.value();
    this.#previousMean.update(volume);
    const ratio = baseline === undefined || baseline === 0 ? undefined : volume / baseline;
    // A denormal baseline could overflow the division; that is no more a measurement than 1/0.
    this.#value = ratio !== undefined && Number.isFinite(ratio) ? ratio : undefined;
    return this.#value;
  }

  value(): number | undefined {
    return this.#value;
  }

  isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#previousMean.reset();
    this.#value = undefined;
  }
}
