import { z } from "zod";
import { sampleCovariance } from "./covariance";
import { type HrpOptions, hierarchicalRiskParity } from "./hrp";
import { completeRows, type ReturnsWindow } from "./returns-window";

/** HRP target weights for the console: weights by symbol, the seriated order and the dendrogram. */
export const hrpTargetSchema = z.object({
  /** The symbols asked for, in that order (merge numbers 0 … n − 1 refer to them). */
  symbols: z.array(z.string()),
  weights: z.record(z.string(), z.number().min(0).max(1)),
  /** The quasi-diagonal order, as symbols. */
  order: z.array(z.string()),
  merges: z.array(
    z.object({
      left: z.number().int().nonnegative(),
      right: z.number().int().nonnegative(),
      distance: z.number().finite().nonnegative(),
      size: z.number().int().min(2),
    }),
  ),
  /** Bars the covariance was estimated from (every symbol has a return in each). */
  observations: z.number().int().nonnegative(),
});
export type HrpTarget = z.infer<typeof hrpTargetSchema>;

export interface HrpTargetOptions extends HrpOptions {
  /** Only the latest this many bars of the window; default all of it. */
  readonly lookbackBars?: number;
  /** Fewest complete bars to estimate from; default 30. */
  readonly minObservations?: number;
}

/**
 * Hierarchical-risk-parity target weights for `symbols` from the covariance of their one-bar simple
 * returns over the bars of the window (or its latest `lookbackBars`) where all of them have one.
 * Throws a RangeError, saying why, for fewer than `minObservations` such bars or a symbol whose
 * price never moved (its inverse variance is infinite).
 */
export function hrpTargetWeights(
  returns: ReturnsWindow,
  symbols: readonly string[],
  options: HrpTargetOptions = {},
): HrpTarget {
  if (symbols.length === 0) throw new RangeError("HRP needs at least one symbol");
  if (new Set(symbols).size !== symbols.length) throw new RangeError("symbols must be distinct");
  const minObservations = Math.max(2, options.minObservations ?? 30);
  const lookback = options.lookbackBars ?? returns.length;
  if (!Number.isSafeInteger(lookback) || lookback < 1) {
    throw new RangeError(`lookbackBars must be a positive integer, got ${lookback}`);
  }
  const aligned = completeRows(
    symbols.map((symbol) => {
      const series = returns.simpleReturns(symbol);
      return series.subarray(Math.max(0, series.length - lookback));
    }),
  );
  if (aligned.rows < minObservations) {
    throw new RangeError(`${aligned.rows} bars where every symbol has a return; HRP needs ${minObservations}`);
  }
  const covariance = sampleCovariance(aligned.columns);
  const still = symbols.filter((_, i) => !((covariance[i]?.[i] ?? 0) > 0));
  if (still.length > 0) throw new RangeError(`no price movement in the window for ${still.join(", ")}`);
  const result = hierarchicalRiskParity(covariance, options);
  return {
    symbols: [...symbols],
    weights: Object.fromEntries(symbols.map((symbol, i) => [symbol, result.weights[i] ?? 0])),
    order: result.order.map((i) => symbols[i] ?? ""),
    merges: result.merges,
    observations: aligned.rows,
  };
}
