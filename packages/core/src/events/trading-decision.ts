import { z } from "zod";

const probability = z.number().min(0).max(1);

/** The spec's `trading_decision` event: one per decision, consumed by forensics. */
export const tradingDecisionEvent = z.object({
  event_type: z.literal("trading_decision"),
  timestamp: z.iso.datetime({ offset: true }),
  decision_id: z.uuid(),
  symbol: z.string().min(1).max(32),
  action: z.enum(["BUY", "SELL", "HOLD"]),
  quantity: z.number().nonnegative().finite(),
  confidence: probability,
  regime_probs: z.object({ bull: probability, bear: probability, sideways: probability }),
  strategy_weights: z.record(z.string(), probability),
  features: z.record(z.string(), z.number().finite()),
  risk_checks: z.record(z.string(), z.boolean()),
  // Beyond the spec's example, optional so that a spec-minimal producer still validates: what
  // forensics needs to explain the decision exactly as it was made.
  /** Price the decision was made at (the last close). */
  price: z.number().finite().positive().optional(),
  /** The blended specialist score in [-1, 1] the action was derived from. */
  score: z.number().min(-1).max(1).optional(),
  /** Entropy (nats) of the regime probabilities. */
  regime_entropy: z.number().nonnegative().optional(),
  /** Specialist name -> `name@version` of the model that scored it. */
  model_versions: z.record(z.string(), z.string()).optional(),
  /** Whether the pre-trade risk check approved the trade; absent when no check ran. */
  risk_approved: z.boolean().optional(),
  processing_time_ms: z.number().nonnegative().finite().optional(),
  /** `live` for the platform's own loop, `api` for POST /api/v1/predict. */
  source: z.enum(["live", "api"]).optional(),
});

export type TradingDecisionEvent = z.infer<typeof tradingDecisionEvent>;
