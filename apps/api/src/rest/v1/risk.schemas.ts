import { z } from "zod";
import { symbolParam } from "./common.schemas";

const position = z
  .object({
    quantity: z.number().finite().nonnegative(),
    avg_cost: z.number().finite().positive().optional(),
    current_price: z.number().finite().positive(),
  })
  .strict();

/** The spec's POST /api/v1/risk/check request. */
export const riskCheckRequest = z
  .object({
    symbol: symbolParam,
    action: z.enum(["BUY", "SELL"]),
    quantity: z.number().int("quantity must be a whole number of shares").positive(),
    estimated_price: z.number().finite().positive(),
    portfolio_state: z
      .object({
        total_value: z.number().finite().positive(),
        cash: z.number().finite().nonnegative().optional(),
        day_open_value: z.number().finite().positive().optional(),
        positions: z.record(symbolParam, position).default({}),
      })
      .strict()
      .optional(),
  })
  .strict();

const rejectionReason = z.object({
  code: z.string(),
  message: z.string(),
  limit: z.number(),
  proposed: z.number(),
});

const riskCheckApproved = z.object({
  approved: z.literal(true),
  risk_assessment: z.object({
    position_after_trade: z.object({ quantity: z.number(), market_value: z.number(), pct_portfolio: z.number() }),
    portfolio_impact: z.object({ concentration_increase: z.number() }).catchall(z.number()),
    limit_utilization: z.record(z.string(), z.number()),
  }),
  warnings: z.array(z.string()),
  timestamp: z.string(),
});

const riskCheckRejected = z.object({
  approved: z.literal(false),
  rejection_reasons: z.array(rejectionReason),
  allowed_quantity: z.number().int().nonnegative(),
  warnings: z.array(z.string()),
  timestamp: z.string(),
});

export const riskCheckResponse = z.discriminatedUnion("approved", [riskCheckApproved, riskCheckRejected]);
