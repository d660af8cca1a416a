import { z } from "zod";

/** The specialists' classes, in the order of the model's outputs: index 0 is SELL, 2 is BUY. */
export const signalClasses = ["SELL", "HOLD", "BUY"] as const;

export type SignalClass = (typeof signalClasses)[number];

export const signalClassIndex: Readonly<Record<SignalClass, number>> = { SELL: 0, HOLD: 1, BUY: 2 };

export const labelOptionsSchema = z.object({
  /** Bars ahead: the label of bar t looks at close[t + horizon]. */
  horizon: z.int().positive(),
  /** θ: a forward return above +θ is BUY, below −θ is SELL, anything in [−θ, θ] is HOLD. */
  threshold: z.number().finite().nonnegative(),
});

export type LabelOptions = z.input<typeof labelOptionsSchema>;

/**
 * Forward-return labels for a series of closes (oldest first, one per bar).
 *
 * No-overlap rule: the features of row t are computed from bars 0..t, the last being bar t's
 * close. The label of row t is r = close[t + h] / close[t] − 1, which depends only on the bars
 * t+1..t+h — its window starts strictly after the features' last input, so a label never reuses
 * information the features saw. The last h rows have no future close and get `null`. Consecutive
 * labels do overlap each other (rows t and t+1 share h − 1 bars), which is why a chronological
 * train/validation split must drop the h rows before the validation block (see `trainSpecialist`).
 */
export function forwardReturnLabels(closes: readonly number[], options: LabelOptions): (SignalClass | null)[] {
  const { horizon, threshold } = labelOptionsSchema.parse(options);
  for (const [t, close] of closes.entries()) {
    if (!(Number.isFinite(close) && close > 0))
      throw new RangeError(`close ${t} must be a positive number, got ${close}`);
  }
  return closes.map((close, t) => {
    const future = closes[t + horizon];
    if (future === undefined) return null;
    const forwardReturn = future / close - 1;
    if (forwardReturn > threshold) return "BUY";
    if (forwardReturn < -threshold) return "SELL";
    return "HOLD";
  });
}
