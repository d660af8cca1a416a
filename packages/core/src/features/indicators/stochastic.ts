import { assertFiniteFields, assertPeriod, type Indicator, type OhlcvInput } from "./indicator";
import { RollingExtreme } from "./rolling-extreme";
import { Sma } from "./sma";

export type HighLowClose = Pick<OhlcvInput, "high" | "low" | "close">;

/**
 * Lane's fast stochastic oscillator: %K = 100·(close − LL)/(HH − LL), HH and LL the highest high
 * and lowest low of the latest `kPeriod` bars (the current one included), and %D the SMA of the
 * last `dPeriod` %K values. Where HH = LL (every high and low of the window equal: no range at
 * all) %K is undefined mathematically; it reads 50, the middle of the range, as the RSI of a
 * motionless window does, rather than 0 or 100, which would look like an extreme.
 * `value()` is %K, from the `kPeriod`-th bar; `percentD()` from the (kPeriod + dPeriod − 1)-th (`dWarmup`).
 */
export class Stochastic implements Indicator<HighLowClose, number> {
  readonly name: string;
  readonly warmup: number;
  readonly dWarmup: number;
  readonly #highest: RollingExtreme;
  readonly #lowest: RollingExtreme;
  readonly #average: Sma;
  #k: number | undefined;
  #d: number | undefined;

  constructor(kPeriod = 14, dPeriod = 3) {
    assertPeriod("Stochastic %K period", kPeriod);
    assertPeriod("Stochastic %D period", dPeriod);
    this.name = `stochastic(${kPeriod},${dPeriod})`;
    this.warmup = kPeriod;
    this.dWarmup = kPeriod + dPeriod - 1;
    this.#highest = new RollingExtreme(kPeriod, "max");
    this.#lowest = new RollingExtreme(kPeriod, "min");
    this.#average = new Sma(dPeriod);
  }

  /** Takes the next bar and returns %K. */
  update(bar: HighLowClose): number | undefined {
    assertFiniteFields(this.name, bar, ["high", "low", "close"]);
    const highest = this.#highest.update(bar.high);
    const lowest = this.#lowest.update(bar.low);
    if (highest === undefined || lowest === undefined) return undefined;
    const range = highest - lowest;
    const k = range === 0 ? 50 : (100 * (bar.close - lowest)) / range;
    this.#k = k;
    this.#d = this.#average.update(k);
    return k;
  }

  /** %K, 0..100. */
  value(): number | undefined {
    return this.#k;
  }

  /** %D: the mean of the last `dPeriod` %K values, defined from bar `dWarmup`. */
  percentD(): number | undefined {
    return this.#d;
  }

  isReady(): boolean {
    return this.#k !== undefined;
  }

  reset(): void {
    this.#highest.reset();
    this.#lowest.reset();
    this.#average.reset();
    this.#k = undefined;
    this.#d = undefined;
  }
}
