import { trueRange } from "./atr";
import { Ema } from "./ema";
import { assertFiniteFields, assertPeriod, type Indicator, IndicatorInputError } from "./indicator";
import type { HighLowClose } from "./stochastic";

/**
 * Wilder's Directional Movement System. From the second bar on, with up = high − previous high and
 * down = previous low − low: +DM = up when up > down and up > 0, else 0; −DM = down when down > up
 * and down > 0, else 0 (an equal move both ways is no direction); TR the true range. TR, +DM and
 * −DM are smoothed with Wilder's average seeded by the mean of their first `period` values —
 * the same ratios as Wilder's running sums (TR14 = TR14 − TR14/14 + TR), so the same DIs.
 * DX, then ADX = Wilder's smoothing of DX seeded by the mean of its first `period` values.
 * Conventions where Wilder divides by zero: with no true range at all in the smoothing (a motionless
 * market) both DIs are 0, and with both DIs 0 DX is 0 — no movement, no trend.
 * `value()` is the ADX, from bar 2·period; `plusDi()` and `minusDi()` from bar period + 1 (`diWarmup`).
 */
export class Adx implements Indicator<HighLowClose, number> {
  readonly name: string;
  readonly warmup: number;
  readonly diWarmup: number;
  readonly period: number;
  readonly #trueRange: Ema;
  readonly #plusDm: Ema;
  readonly #minusDm: Ema;
  readonly #adx: Ema;
  // The previous bar, as numbers: no object per bar on the hot path.
  #hasPrevious = false;
  #previousHigh = 0;
  #previousLow = 0;
  #previousClose = 0;
  #plusDi: number | undefined;
  #minusDi: number | undefined;
  #adxValue: number | undefined;

  constructor(period = 14) {
    assertPeriod("Adx period", period);
    this.period = period;
    this.name = `adx(${period})`;
    this.diWarmup = period + 1;
    this.warmup = 2 * period;
    this.#trueRange = new Ema(period, "wilder");
    this.#plusDm = new Ema(period, "wilder");
    this.#minusDm = new Ema(period, "wilder");
    this.#adx = new Ema(period, "wilder");
  }

  /** Takes the next bar and returns the ADX (undefined before bar 2·period). */
  update(bar: HighLowClose): number | undefined {
    assertFiniteFields(this.name, bar, ["high", "low", "close"]);
    if (!this.#hasPrevious) {
      this.#remember(bar);
      return undefined;
    }
    const up = bar.high - this.#previousHigh;
    const down = this.#previousLow - bar.low;
    const range = trueRange(bar, this.#previousClose);
    // Only ±1e308-scale prices overflow here; refusing keeps the state as it was.
    if (!Number.isFinite(up) || !Number.isFinite(down) || !Number.isFinite(range)) {
      throw new IndicatorInputError(this.name, bar.high, "within range of the previous bar");
    }
    this.#remember(bar);
    const smoothedRange = this.#trueRange.update(range);
    const plus = this.#plusDm.update(up > down && up > 0 ? up : 0);
    const minus = this.#minusDm.update(down > up && down > 0 ? down : 0);
    if (smoothedRange === undefined || plus === undefined || minus === undefined) return undefined;
    const plusDi = smoothedRange === 0 ? 0 : (100 * plus) / smoothedRange;
    const minusDi = smoothedRange === 0 ? 0 : (100 * minus) / smoothedRange;
    this.#plusDi = plusDi;
    this.#minusDi = minusDi;
    const sum = plusDi + minusDi;
    this.#adxValue = this.#adx.update(sum === 0 ? 0 : (100 * Math.abs(plusDi - minusDi)) / sum);
    return this.#adxValue;
  }

  /** +DI: 100 · smoothed +DM / smoothed TR, defined from bar `diWarmup`. */
  plusDi(): number | undefined {
    return this.#plusDi;
  }

  /** −DI: 100 · smoothed −DM / smoothed TR, defined from bar `diWarmup`. */
  minusDi(): number | undefined {
    return this.#minusDi;
  }

  /** ADX: Wilder's smoothing of DX = 100·|+DI − −DI|/(+DI + −DI), 0..100, defined from bar `warmup`. */
  value(): number | undefined {
    return this.#adxValue;
  }

  isReady(): boolean {
    return this.#adxValue !== undefined;
  }

  reset(): void {
    this.#trueRange.reset();
    this.#plusDm.reset();
    this.#minusDm.reset();
    this.#adx.reset();
    this.#hasPrevious = false;
    this.#plusDi = undefined;
    this.#minusDi = undefined;
    this.#adxValue = undefined;
  }

  #remember(bar: HighLowClose): void {
    this.#hasPrevious = true;
    this.#previousHigh = bar.high;
    this.#previousLow = bar.low;
    this.#previousClose = bar.close;
  }
}
