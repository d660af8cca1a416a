import { type SpecialistName, specialistNames } from "../models/specialist";
import { equalWeights, type StrategyWeights } from "./strategy-weights";

/** The spec's tolerance on Σ weights (scenario 3). */
export const WEIGHT_SUM_TOLERANCE = 0.001;
/** Above this one weight is "suspicious, likely single-strategy collapse": flagged, kept. */
export const DOMINANT_WEIGHT = 0.99;

export const weightAnomalies = ["sum_not_one", "negative", "dominant", "non_finite", "all_zero"] as const;
export type WeightAnomaly = (typeof weightAnomalies)[number];

export interface WeightValidation {
  /** Weights safe to decide with: non-negative, summing to 1 (to rounding). */
  readonly weights: StrategyWeights;
  /** What was wrong with the raw output, in `weightAnomalies` order; empty when it was valid. */
  readonly anomalies: readonly WeightAnomaly[];
  /** True when the raw output could not be repaired and equal weights replaced it. */
  readonly fallback: boolean;
}

/**
 * Checks a meta-controller output as the spec's scenario 3 says, and repairs it:
 * - any NaN or ±Infinity: equal weights, flagged `non_finite` (nothing else is examined);
 * - a negative weight: clamped to 0, flagged `negative`;
 * - |Σ raw − 1| > 0.001: flagged `sum_not_one`;
 * - nothing positive left (all zero, or all clamped away): equal weights, flagged `all_zero`;
 * - otherwise the weights are divided by their sum, so they sum to 1 whatever drift there was
 *   (drift within the tolerance is repaired silently: it is rounding, not an anomaly);
 * - a corrected weight above 0.99: flagged `dominant` and kept.
 * Whether the output "needed correction" (see MetaControllerMonitor) is `needsCorrection`.
 */
export function validateWeights(raw: Readonly<Record<SpecialistName, number>>): WeightValidation {
  const values = specialistNames.map((name) => raw[name]);
  if (values.some((value) => !Number.isFinite(value))) {
    return freeze(equalWeights, ["non_finite"], true);
  }
  const flagged = new Set<WeightAnomaly>();
  let rawSum = 0;
  for (const value of values) rawSum += value;
  if (!(Math.abs(rawSum - 1) <= WEIGHT_SUM_TOLERANCE)) flagged.add("sum_not_one");
  if (values.some((value) => value < 0)) flagged.add("negative");
  let clamped = values.map((value) => Math.max(0, value));
  const largest = Math.max(...clamped);
  if (largest === 0) {
    flagged.add("all_zero");
    return freeze(equalWeights, ordered(flagged), true);
  }
  let sum = 0;
  for (const value of clamped) sum += value;
  if (!Number.isFinite(sum)) {
    // Weights near the top of the double range: scale by the largest first so Σ stays finite.
    clamped = clamped.map((value) => value / largest);
    sum = 0;
    for (const value of clamped) sum += value;
  }
  const weights: Record<SpecialistName, number> = { bull_specialist: 0, bear_specialist: 0, sideways_specialist: 0 };
  for (const [k, name] of specialistNames.entries()) weights[name] = (clamped[k] as number) / sum;
  if (specialistNames.some((name) => weights[name] > DOMINANT_WEIGHT)) flagged.add("dominant");
  return freeze(weights, ordered(flagged), false);
}

/** Whether the raw output had to be changed to be usable (a `dominant` weight alone is kept as is). */
export function needsCorrection(validation: WeightValidation): boolean {
  return validation.anomalies.some((anomaly) => anomaly !== "dominant");
}

function ordered(flagged: ReadonlySet<WeightAnomaly>): WeightAnomaly[] {
  return weightAnomalies.filter((anomaly) => flagged.has(anomaly));
}

function freeze(weights: StrategyWeights, anomalies: WeightAnomaly[], fallback: boolean): WeightValidation {
  return Object.freeze({
    weights: Object.freeze({ ...weights }),
    anomalies: Object.freeze(anomalies),
    fallback,
  });
}
