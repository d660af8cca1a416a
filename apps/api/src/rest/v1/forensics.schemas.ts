import { z } from "zod";

export const forensicsParams = z.object({ decision_id: z.uuid({ error: "decision_id must be a UUID" }) });

/** The spec's GET /api/v1/forensics/{decision_id} response. */
export const forensicsResponse = z.object({
  decision_id: z.uuid(),
  symbol: z.string(),
  timestamp: z.string(),
  action: z.enum(["BUY", "SELL", "HOLD"]),
  explanations: z.object({
    shap_values: z.record(z.string(), z.number()),
    base_value: z.number(),
    model_output: z.number(),
    regime_reasoning: z.string(),
    strategy_selection: z.string(),
  }),
  execution_details: z.object({
    executed: z.boolean(),
    execution_price: z.number().nullable(),
    slippage: z.number().nullable(),
    pnl_realized: z.number().nullable(),
  }),
  audit_trail: z.object({
    risk_checks_passed: z.array(z.string()),
    approvals: z.array(z.string()),
    processing_time_ms: z.number().nullable(),
    events: z.array(z.object({ time: z.string(), actor: z.string(), action: z.string() })),
  }),
});
