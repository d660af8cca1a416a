import type { FeatureDefinition } from "../features/index";

/**
 * How little of a recursive feature's value may still come from before the window: the weight
 * left on everything older than the window. 1e-9 of a price-scale difference keeps a recomputed
 * value within the 1e-6 tolerance features are judged to against a computation over all history.
 */
export const recursiveResidualWeight = 1e-9;

/**
 * Bars to feed a fresh pipeline, target bar included, so every feature's value at the target is
 * what a pipeline fed all history would give:
 * - a feature with a finite window depends on exactly `warmup` bars: it is exact;
 * - a recursive feature (EMA, Wilder's smoothing) gives bar k back weight decaying at least like
 *   (1 - 1/warmup)^k — an EMA over n bars seeded by their SMA has warm-up n and factor
 *   1 - 2/(n+1); Wilder's smoothing over n has warm-up n+1 and factor 1 - 1/n — so after
 *   `warmup + ln(residual) / ln(1 - 1/warmup)` bars the seed's weight is below `residual`.
 * A cumulative feature with no decay (a running total) depends on where the series starts
 * however long the window: it is relative to the window's first bar.
 */
export function warmupWindowBars(
  definitions: readonly Pick<FeatureDefinition, "warmup" | "window">[],
  residual: number = recursiveResidualWeight,
): number {
  if (!(residual > 0 && residual < 1)) throw new RangeError(`residual must be in (0, 1), got ${residual}`);
  let bars = 1;
  for (const { warmup, window } of definitions) {
    const decayBars =
      window === "recursive" && warmup > 1 ? Math.ceil(Math.log(residual) / Math.log(1 - 1 / warmup)) : 0;
    bars = Math.max(bars, warmup + decayBars);
  }
  return bars;
}
