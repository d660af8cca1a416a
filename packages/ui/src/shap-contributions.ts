export interface ShapContribution {
  readonly feature: string;
  readonly value: number;
}

export interface ShapSummary {
  /** The `limit` largest contributions by |value|, largest first. */
  readonly top: readonly ShapContribution[];
  /** How many contributions `top` leaves out, and their sum. */
  readonly restCount: number;
  readonly restSum: number;
  /** Σ φ over every supplied feature. */
  readonly total: number;
}

/**
 * The features that moved the output most. Ties in |value| go to the feature name so the order never
 * depends on how the record was built; non-finite values carry no usable attribution and are dropped.
 */
export function summariseShap(shapValues: Readonly<Record<string, number>>, limit = 10): ShapSummary {
  const all = Object.entries(shapValues)
    .filter(([, value]) => Number.isFinite(value))
    .map(([feature, value]) => ({ feature, value }))
    .sort(
      (a, b) => Math.abs(b.value) - Math.abs(a.value) || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0),
    );
  const top = all.slice(0, Math.max(0, limit));
  const rest = all.slice(top.length);
  return {
    top,
    restCount: rest.length,
    restSum: rest.reduce((sum, entry) => sum + entry.value, 0),
    total: all.reduce((sum, entry) => sum + entry.value, 0),
  };
}
