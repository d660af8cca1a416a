import { z } from "zod";
import { timeframes } from "../market/bar";
import type { RegimeEstimate } from "../regime/regime-detector";

const probability = z.number().min(0).max(1);

/**
 * One regime estimate as published on `market.regimes.v1`, in the spec's event style (snake_case,
 * ISO time). `timestamp` is the completion time of the bar whose observation produced it: filtered
 * probabilities, known at that moment and not before.
 */
export const regimeEstimateEvent = z.object({
  event_type: z.literal("regime_estimate"),
  timestamp: z.iso.datetime({ offset: true }),
  symbol: z.string().min(1).max(32),
  timeframe: z.enum(timeframes),
  regime_probs: z.object({ bull: probability, bear: probability, sideways: probability }),
  /** Entropy of the three probabilities in nats, in [0, ln 3]. */
  entropy: z
    .number()
    .min(0)
    .max(Math.log(3) + 1e-12),
  model_version: z.string().min(1),
});

export type RegimeEstimateEvent = z.infer<typeof regimeEstimateEvent>;

export function toRegimeEstimateEvent(
  estimate: RegimeEstimate,
  timeframe: RegimeEstimateEvent["timeframe"],
): RegimeEstimateEvent {
  return {
    event_type: "regime_estimate",
    timestamp: new Date(estimate.time).toISOString(),
    symbol: estimate.symbol,
    timeframe,
    regime_probs: { bull: estimate.bull, bear: estimate.bear, sideways: estimate.sideways },
    entropy: estimate.entropy,
    model_version: estimate.modelVersion,
  };
}

/** Back to the regime_history row shape, for the consumer that stores estimates. */
export function fromRegimeEstimateEvent(event: RegimeEstimateEvent): RegimeEstimate {
  return {
    symbol: event.symbol,
    time: Date.parse(event.timestamp),
    bull: event.regime_probs.bull,
    bear: event.regime_probs.bear,
    sideways: event.regime_probs.sideways,
    entropy: event.entropy,
    modelVersion: event.model_version,
  };
}
