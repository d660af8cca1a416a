import { z } from "zod";

export const regimeLabels = ["bull", "bear", "sideways"] as const;
export type RegimeLabel = (typeof regimeLabels)[number];

/** Which fitted HMM state (index) carries each regime label. */
export const regimeStateLabelsSchema = z
  .object({
    bull: z.number().int().min(0).max(2),
    bear: z.number().int().min(0).max(2),
    sideways: z.number().int().min(0).max(2),
  })
  .refine((labels) => new Set([labels.bull, labels.bear, labels.sideways]).size === 3, {
    message: "bull, bear and sideways must be three different states",
  });
export type RegimeStateLabels = z.infer<typeof regimeStateLabelsSchema>;

/**
 * Names the three fitted states by their mean log return: the highest is bull, the lowest bear,
 * the remaining one sideways.
 *
 * Tie rule, for exactly equal mean returns: the state with the LOWER mean volatility ranks higher
 * (of two states that drift alike, the calmer one reads as bull and the more turbulent as bear);
 * if volatility ties too, the lower state index ranks higher. The result is therefore always a
 * permutation of {0, 1, 2}, and depends only on the means.
 */
export function labelStatesByMeanReturn(
  means: ReadonlyArray<ReadonlyArray<number>>,
  returnDimension = 0,
  volatilityDimension = 1,
): RegimeStateLabels {
  if (means.length !== 3) throw new RangeError(`regime labelling needs exactly 3 states, got ${means.length}`);
  const keyed = means.map((mean, state) => {
    const ret = mean[returnDimension];
    const vol = mean[volatilityDimension] ?? 0;
    if (ret === undefined || !Number.isFinite(ret) || !Number.isFinite(vol)) {
      throw new RangeError(`state ${state} has no finite mean return/volatility`);
    }
    return { state, ret, vol };
  });
  keyed.sort((a, b) => b.ret - a.ret || a.vol - b.vol || a.state - b.state);
  const [bull, sideways, bear] = keyed;
  if (!bull || !sideways || !bear) throw new RangeError("regime labelling needs exactly 3 states");
  return { bull: bull.state, bear: bear.state, sideways: sideways.state };
}

export interface RegimeProbabilities {
  readonly bull: number;
  readonly bear: number;
  readonly sideways: number;
}

/** Probabilities are carried on the grid of multiples of 2⁻⁵² (see `toRegimeProbabilities`). */
const GRID = 2 ** 52;

/**
 * The filtered state distribution as labelled regime probabilities whose sum is EXACTLY 1 in
 * IEEE-754 double arithmetic, whatever the order of addition (regime_history has a CHECK on the
 * sum; "sideways = 1 − bull − bear" alone does not guarantee it: for bull 0.01 and bear 0.06 it
 * gives 0.9299999999999999 and a sum of 0.9999999999999999).
 *
 * How: bull and bear are rounded to the nearest multiple of 2⁻⁵² (an error of at most 1.1e-16)
 * and sideways takes the remainder. All three are then integers times 2⁻⁵² with an integer total
 * of exactly 2⁵², and every partial sum of such numbers up to 1 is representable, so no addition
 * rounds. Each value lies in [0, 1].
 */
export function toRegimeProbabilities(
  stateProbabilities: ReadonlyArray<number>,
  labels: RegimeStateLabels,
): RegimeProbabilities {
  if (stateProbabilities.length !== 3) {
    throw new RangeError(`expected 3 state probabilities, got ${stateProbabilities.length}`);
  }
  let total = 0;
  for (const p of stateProbabilities) total += p;
  if (!(Math.abs(total - 1) <= 1e-9)) throw new RangeError(`state probabilities must sum to 1, got ${total}`);
  const units = (state: number): number => {
    const p = stateProbabilities[state];
    if (p === undefined || !Number.isFinite(p)) throw new RangeError(`state ${state} probability is not finite`);
    return Math.round(Math.min(1, Math.max(0, p)) * GRID);
  };
  const bull = units(labels.bull);
  const bear = Math.min(units(labels.bear), GRID - bull);
  const sideways = GRID - bull - bear;
  return { bull: bull / GRID, bear: bear / GRID, sideways: sideways / GRID };
}
