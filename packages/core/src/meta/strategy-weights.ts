import { type SpecialistName, specialistNames, specialistRegime } from "../models/specialist";
import type { RegimeProbabilities } from "../regime/regime-labels";

/** How much of the decision each specialist gets; valid weights are non-negative and sum to 1. */
export type StrategyWeights = Readonly<Record<SpecialistName, number>>;

/**
 * [1/3, 1/3, 1/3]: the spec's fallback when the meta-controller's output cannot be repaired. In
 * IEEE-754 doubles 1/3 + 1/3 + 1/3 is exactly 1, so the sum check passes without a fudged third
 * weight (the spec's [0.33, 0.33, 0.34] is the same idea on a two-decimal grid).
 */
export const equalWeights: StrategyWeights = Object.freeze({
  bull_specialist: 1 / 3,
  bear_specialist: 1 / 3,
  sideways_specialist: 1 / 3,
});

/**
 * Regime-based routing, the spec's stand-in for a disabled meta-controller: each specialist
 * weighted by the probability of the regime it is trained on. The regime detector's probabilities
 * already sum to exactly 1.
 */
export function regimeRoutingWeights(regime: RegimeProbabilities): StrategyWeights {
  return Object.freeze({
    bull_specialist: regime[specialistRegime.bull_specialist],
    bear_specialist: regime[specialistRegime.bear_specialist],
    sideways_specialist: regime[specialistRegime.sideways_specialist],
  });
}

/** All the weight on one specialist (a forced strategy, e.g. the API's `strategy_override`). */
export function singleStrategyWeights(chosen: SpecialistName): StrategyWeights {
  const weights: Record<SpecialistName, number> = { bull_specialist: 0, bear_specialist: 0, sideways_specialist: 0 };
  weights[chosen] = 1;
  return Object.freeze(weights);
}

/** The specialist with the largest weight (the first in `specialistNames` order on a tie). */
export function leadingSpecialist(weights: StrategyWeights): SpecialistName {
  let best: SpecialistName = specialistNames[0];
  for (const name of specialistNames) if (weights[name] > weights[best]) best = name;
  return best;
}
