import { z } from "zod";

const probability = z.number().min(0).max(1);

/**
 * The `trading_decision` event as `packages/core/src/events/trading-decision.ts` defines it (this
 * package imports nothing internal, so the schema is repeated here; where the repositories are
 * wired, the compiler checks that the two types still match).
 *
 * Strict where core's schema strips: a field this package does not know would have no column to go
 * to, and a decision must be stored losslessly or not at all.
 */
export const tradingDecisionEventSchema = z.strictObject({
  event_type: z.literal("trading_decision"),
  timestamp: z.iso.datetime({ offset: true }),
  decision_id: z.uuid(),
  symbol: z.string().min(1).max(32),
  action: z.enum(["BUY", "SELL", "HOLD"]),
  quantity: z.number().nonnegative().finite(),
  confidence: probability,
  regime_probs: z.strictObject({ bull: probability, bear: probability, sideways: probability }),
  strategy_weights: z.record(z.string(), probability),
  features: z.record(z.string(), z.number().finite()),
  risk_checks: z.record(z.string(), z.boolean()),
  price: z.number().finite().positive().optional(),
  score: z.number().min(-1).max(1).optional(),
  regime_entropy: z.number().nonnegative().optional(),
  model_versions: z.record(z.string(), z.string()).optional(),
  risk_approved: z.boolean().optional(),
  processing_time_ms: z.number().nonnegative().finite().optional(),
  source: z.enum(["live", "api"]).optional(),
});

export type TradingDecisionEvent = z.infer<typeof tradingDecisionEventSchema>;
