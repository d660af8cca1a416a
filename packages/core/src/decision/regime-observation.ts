import type { FeatureVector } from "../features/feature-vector";
import type { RegimeObservation } from "../regime/regime-detector";

/** The features the regime detector observes, in observation order. */
export const regimeObservationFeatures = ["log_return_1", "volatility_20"] as const;

/**
 * The regime detector's observation for a feature vector: [log_return_1, volatility_20], or
 * undefined while either is still warming up (or not finite). The one definition shared by live
 * filtering and the training bootstrap's fit, so both see the same numbers.
 */
export function regimeObservation(vector: Pick<FeatureVector, "features">): RegimeObservation | undefined {
  const logReturn = vector.features.log_return_1;
  const volatility = vector.features.volatility_20;
  if (logReturn === undefined || volatility === undefined) return undefined;
  if (!Number.isFinite(logReturn) || !Number.isFinite(volatility)) return undefined;
  return [logReturn, volatility];
}
