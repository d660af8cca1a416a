import { z } from "zod";
import { riskLimitSetSchema } from "../risk/risk-limits";
import { tradingStateRecordSchema } from "../risk/trading-state";

/**
 * A change to a portfolio's risk controls, announced on `risk.controls.v1` after it is stored.
 * It carries the whole current control state (limits and trading state), so a process that missed
 * an earlier event still ends up with the latest: each receiver keeps the limits of the highest
 * version and the trading state of the latest time.
 */
export const riskControlsEvent = z.object({
  event_type: z.literal("risk_controls"),
  timestamp: z.iso.datetime({ offset: true }),
  portfolio_id: z.string().min(1),
  /** What this event changed. */
  change: z.enum(["limits", "trading_state"]),
  limits: riskLimitSetSchema,
  trading_state: tradingStateRecordSchema,
});

export type RiskControlsEvent = z.output<typeof riskControlsEvent>;
