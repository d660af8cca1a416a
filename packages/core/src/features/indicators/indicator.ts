/**
 * An incremental indicator: a state machine fed one value at a time, O(1) per update, that can be
 * run identically over history (training, backfill) and live (inference). Before `warmup` inputs
 * it has no value: `undefined`, never a placeholder 0 a model could mistake for a measurement.
 */
export interface Indicator<In, Out> {
  /** Names the indicator and its parameters, e.g. `ema(12)`; errors carry it. */
  readonly name: string;
  /** Inputs needed before the first value: `update` returns undefined for the first `warmup - 1`. */
  readonly warmup: number;
  /** Takes the next input and returns the value it leads to. Throws IndicatorInputError on a bad input. */
  update(x: In): Out | undefined;
  /** The value after the latest input, or undefined while warming up. */
  value(): Out | undefined;
  /** Whether `value()` is defined. */
  isReady(): boolean;
  /** Back to the state before any input. */
  reset(): void;
}

/** The fields of a bar an indicator reading more than one price may use (a Bar is one). */
export interface OhlcvInput {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * An input an indicator cannot take (NaN, ±Infinity, a non-positive price...). Thrown before any
 * state changes, so the indicator carries on as if the input never came.
 */
export class IndicatorInputError extends Error {
  override readonly name = "IndicatorInputError";

  constructor(
    readonly indicator: string,
    readonly input: number,
    readonly requirement: string,
  ) {
    super(`${indicator}: input must be ${requirement}, got ${input}`);
  }
}

export function assertFiniteInput(indicator: string, x: number): void {
  if (!Number.isFinite(x)) throw new IndicatorInputError(indicator, x, "a finite number");
}

/** Checks every named field of a multi-field input is finite; the error names the field. */
export function assertFiniteFields(
  indicator: string,
  input: Partial<OhlcvInput>,
  fields: readonly (keyof OhlcvInput)[],
): void {
  for (const field of fields) {
    const x = input[field];
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new IndicatorInputError(indicator, Number(x), `a finite ${field}`);
    }
  }
}

export function assertPositiveInput(indicator: string, x: number): void {
  if (!(Number.isFinite(x) && x > 0)) throw new IndicatorInputError(indicator, x, "a finite positive number");
}

export function assertNonNegativeInput(indicator: string, x: number): void {
  if (!(Number.isFinite(x) && x >= 0)) throw new IndicatorInputError(indicator, x, "a finite non-negative number");
}

/** Periods are counts of inputs: a positive integer, at least `min`. */
export function assertPeriod(label: string, period: number, min = 1): void {
  if (!Number.isInteger(period) || period < min) {
    throw new RangeError(`${label} must be an integer >= ${min}, got ${period}`);
  }
}
