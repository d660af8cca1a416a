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
});

export type TradingDecisionEvent = z.infer<typeof tradingDecisionEvent>;
