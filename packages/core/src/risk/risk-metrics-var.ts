import { bilinear, type DenseMatrix } from "./covariance";

/** Φ⁻¹(0.95): the standard normal's 95% quantile. */
export const NORMAL_QUANTILE_95 = 1.6448536269514722;

/**
 * The p-quantile of an ASCENDING sorted sample by linear interpolation between order statistics:
 * with h = (n − 1)·p, Q = x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) (0-based) — Hyndman & Fan's
 * definition 7, the default of R's `quantile`, NumPy's `percentile` and Excel's PERCENTILE.INC.
 */
export function empiricalQuantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("the quantile of an empty sample is undefined");
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const below = Math.floor(h);
  const lower = sorted[below] ?? Number.NaN;
  if (below + 1 >= n) return lower;
  const upper = sorted[below + 1] ?? Number.NaN;
  return lower + (h - below) * (upper - lower);
}

export interface HistoricalVarInput {
  /** Money held in each asset now (signed: a short is negative). */
  readonly exposures: readonly number[];
  /** Per asset, its one-interval LOG returns on a common clock, oldest first, NaN where missing. */
  readonly logReturns: readonly ArrayLike<number>[];
  /** The VaR horizon in intervals, e.g. 390 one-minute bars for one trading day. */
  readonly horizonBars: number;
  /** Default 0.95. */
  readonly confidence?: number;
}

export interface VarEstimate {
  /** The loss (positive money) not exceeded with probability `confidence`; negative when even that tail gains. */
  readonly value: number;
  /** Scenarios the estimate rests on (historical) or observations behind the covariance (parametric). */
  readonly observations: number;
}

/**
 * Value at risk by historical simulation with full revaluation over OVERLAPPING horizon windows.
 *
 * Scenario k replays the `horizonBars` consecutive intervals k … k + h − 1 on today's holdings:
 * asset i's return over them is e^(Σ r) − 1 (log returns add up), so the scenario's P&L is
 * Σᵢ exposureᵢ · (e^(Σₜ rᵢₜ) − 1) — exact for a position held through the window, no
 * linearisation. Only windows where every asset has all its returns count. VaR is minus the
 * (1 − confidence) quantile of the scenario P&Ls (`empiricalQuantile`, definition 7).
 *
 * Why overlapping windows: thirty days hold only thirty disjoint one-day returns, whose 5% quantile
 * is an interpolation near the second-worst day; every window start gives T − h + 1 scenarios from
 * the same data. They overlap, so they are not independent (the estimate's effective sample is still
 * about T / h), but the estimator uses every path through the data instead of one arbitrary split.
 * With h = 1 it is plain one-interval historical VaR.
 *
 * Undefined (undefined result) when no window is complete. Cost O(T · assets) via prefix sums.
 */
export function historicalVar(input: HistoricalVarInput): VarEstimate | undefined {
  const { exposures, logReturns, horizonBars } = input;
  const confidence = input.confidence ?? 0.95;
  assertConfidence(confidence);
  assertHorizon(horizonBars);
  if (exposures.length !== logReturns.length) {
    throw new RangeError(`${exposures.length} exposures but ${logReturns.length} return series`);
  }
  const length = logReturns[0]?.length ?? 0;
  if (logReturns.some((series) => series.length !== length)) throw new RangeError("return series differ in length");
  // missing[t]: intervals before t where some asset has no return; sums[i][t]: asset i's Σ r before t.
  const missing = new Int32Array(length + 1);
  const sums = logReturns.map(() => new Float64Array(length + 1));
  for (let t = 0; t < length; t += 1) {
    let complete = true;
    for (let i = 0; i < logReturns.length; i += 1) {
      const r = logReturns[i]?.[t] ?? Number.NaN;
      const prefix = sums[i] ?? new Float64Array(0);
      if (Number.isFinite(r)) prefix[t + 1] = (prefix[t] ?? 0) + r;
      else {
        prefix[t + 1] = prefix[t] ?? 0;
        complete = false;
      }
    }
    missing[t + 1] = (missing[t] ?? 0) + (complete ? 0 : 1);
  }
  const pnl: number[] = [];
  for (let k = 0; k + horizonBars <= length; k += 1) {
    if (missing[k + horizonBars] !== missing[k]) continue;
    let total = 0;
    for (let i = 0; i < exposures.length; i += 1) {
      const prefix = sums[i] ?? new Float64Array(0);
      total += (exposures[i] ?? 0) * Math.expm1((prefix[k + horizonBars] ?? 0) - (prefix[k] ?? 0));
    }
    pnl.push(total);
  }
  if (pnl.length === 0) return undefined;
  pnl.sort((a, b) => a - b);
  return { value: -empiricalQuantile(pnl, 1 - confidence), observations: pnl.length };
}

export interface ParametricVarInput {
  /** Money held in each asset now (signed). */
  readonly exposures: readonly number[];
  /** Covariance of the assets' one-interval SIMPLE returns. */
  readonly covariance: DenseMatrix;
  readonly horizonBars: number;
  /** Default `NORMAL_QUANTILE_95`. */
  readonly zScore?: number;
}

/**
 * Variance–covariance (delta-normal) value at risk: z · √(h · vᵀ Σ v), v the exposures in money,
 * Σ the one-interval covariance of simple returns (so vᵀΣv is the variance of one interval's P&L).
 *
 * Assumptions, stated: P&L linear in the returns, normally distributed with ZERO mean (the mean
 * return over a month of minutes is estimated far less precisely than it matters at a one-day
 * horizon, so it is left out, as is usual for short horizons), and returns independent across
 * intervals, so the h-interval variance is h times the one-interval variance (the square-root-of-
 * time rule).
 */
export function parametricVar(input: ParametricVarInput): number {
  const { exposures, covariance, horizonBars } = input;
  const z = input.zScore ?? NORMAL_QUANTILE_95;
  assertHorizon(horizonBars);
  if (covariance.length !== exposures.length) {
    throw new RangeError(`${exposures.length} exposures but a ${covariance.length}-row covariance`);
  }
  const variance = bilinear(exposures, covariance, exposures);
  // A covariance estimated from complete rows is positive semi-definite: a negative value is rounding.
  return z * Math.sqrt(horizonBars * Math.max(0, variance));
}

function assertConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
}

function assertHorizon(horizonBars: number): void {
  if (!Number.isSafeInteger(horizonBars) || horizonBars < 1) {
    throw new RangeError(`horizonBars must be a positive integer, got ${horizonBars}`);
  }
}
