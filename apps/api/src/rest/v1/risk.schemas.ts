import {
  portfolioStateSchema,
  preTradeRejectionCodes,
  preTradeRejectionDescriptions,
  riskActorRoles,
  riskAlertEvent,
  riskChangeReasonSchema,
  riskLimitPatchSchema,
  riskLimitSetSchema,
  riskMetricsSchema,
  tradingStateNameSchema,
} from "@tradeops/core";
import { z } from "zod";
import { symbolParam } from "./common.schemas";

const position = z
  .object({
    quantity: z.number().int("quantity must be a whole number of shares").nonnegative(),
    avg_cost: z.number().finite().positive().optional(),
    current_price: z.number().finite().positive(),
  })
  .strict();

/** Cash and positions must add up to total_value when both are given (a cent or 0.1%, the larger). */
function consistentTotal(state: {
  total_value: number;
  cash?: number | undefined;
  positions: Record<string, { quantity: number; current_price: number }>;
}): boolean {
  if (state.cash === undefined) return true;
  const invested = Object.values(state.positions).reduce((sum, p) => sum + p.quantity * p.current_price, 0);
  return Math.abs(state.cash + invested - state.total_value) <= Math.max(0.01, 1e-3 * state.total_value);
}

const portfolioStateOverride = z
  .object({
    total_value: z.number().finite().positive(),
    /** Negative: borrowed (a margin account), which is how leverage above 1 can be described. */
    cash: z.number().finite().optional(),
    /** Default: total_value (no P&L yet today). */
    day_open_value: z.number().finite().positive().optional(),
    positions: z.record(symbolParam, position).default({}),
  })
  .strict()
  .refine(consistentTotal, {
    message: "total_value must equal cash plus the positions' market value",
    path: ["total_value"],
  })
  .describe(
    "Checks the trade against this portfolio instead of the live one: nothing is reserved, the throttle " +
      "and duplicate detection do not apply, and the last price is estimated_price. Limits and the trading " +
      "state in force still apply.",
  );

/** The spec's POST /api/v1/risk/check request. */
export const riskCheckRequest = z
  .object({
    symbol: symbolParam,
    action: z.enum(["BUY", "SELL"]),
    quantity: z.number().int("quantity must be a whole number of shares").positive().max(Number.MAX_SAFE_INTEGER),
    estimated_price: z.number().finite().positive(),
    /** Additive: the client's order id, for duplicate detection by id (else by client, symbol, side, quantity, price). */
    order_id: z.string().min(1).max(200).optional(),
    portfolio_state: portfolioStateOverride.optional(),
  })
  .strict();

export type RiskCheckRequest = z.output<typeof riskCheckRequest>;

const rejectionCode = z.enum(preTradeRejectionCodes).meta({
  description: `Why the order was refused:\n${preTradeRejectionCodes
    .map((code) => `- \`${code}\`: ${preTradeRejectionDescriptions[code]}`)
    .join("\n")}`,
  "x-enum-descriptions": { ...preTradeRejectionDescriptions },
});

const rejectionReason = z.object({
  code: rejectionCode,
  message: z.string(),
  /** The limit the order was measured against, in the unit of `proposed`. */
  limit: z.number(),
  proposed: z.number(),
});

const tradingStateName = tradingStateNameSchema;

const riskCheckApproved = z.object({
  approved: z.literal(true),
  risk_assessment: z.object({
    position_after_trade: z.object({ quantity: z.number(), market_value: z.number(), pct_portfolio: z.number() }),
    portfolio_impact: z.object({
      concentration_increase: z.number(),
      correlation_change: z.number().nullable(),
      var_increase: z.number().nullable(),
      var_after: z.number().nullable(),
    }),
    limit_utilization: z.object({
      position_size: z.number(),
      sector_exposure: z.number(),
      leverage: z.number(),
      daily_loss: z.number(),
      var: z.number().nullable(),
      order_value: z.number(),
      order_quantity: z.number(),
    }),
  }),
  warnings: z.array(z.string()),
  timestamp: z.string(),
  reservation_id: z
    .string()
    .optional()
    .describe(
      "Checks of the live portfolio only: the approval reserves its exposure until it fills, is cancelled " +
        "(POST /api/v1/risk/reservations/{id}/cancel) or expires.",
    ),
  reservation_expires_at: z.string().optional(),
  limits_version: z.number().int(),
  trading_state: tradingStateName,
});

const riskCheckRejected = z.object({
  approved: z.literal(false),
  rejection_reasons: z.array(rejectionReason).min(1),
  allowed_quantity: z
    .number()
    .int()
    .nonnegative()
    .describe("The largest quantity of this order (symbol, side, price) that passes every control; 0 if none."),
  warnings: z.array(z.string()),
  timestamp: z.string(),
  limits_version: z.number().int(),
  trading_state: tradingStateName,
});

export const riskCheckResponse = z.discriminatedUnion("approved", [riskCheckApproved, riskCheckRejected]);

export type RiskCheckResponse = z.input<typeof riskCheckResponse>;

export const reservationParams = z.object({ id: z.string().min(1).max(200) });

export const reservationCancelResponse = z.object({
  reservation_id: z.string(),
  cancelled: z.literal(true),
  timestamp: z.string(),
});

/** The spec's "Risk State Schema", with the trading state and limit version in force. */
export const riskStateResponse = z.object({
  portfolio_id: z.string(),
  portfolio: portfolioStateSchema,
  risk_metrics: riskMetricsSchema,
  limit_utilization: z.object({
    max_position_size_pct: z.number(),
    max_sector_exposure_pct: z.number(),
    leverage_ratio: z.number(),
    daily_loss_limit_pct: z.number(),
  }),
  limits: z.object({
    max_position_size_pct: z.number(),
    max_sector_exposure_pct: z.number(),
    daily_loss_limit_pct: z.number(),
    max_leverage: z.number().optional(),
  }),
  daily_pnl: z.number(),
  realized_pnl: z.number(),
  last_updated: z.string(),
  trading_state: tradingStateName.nullable(),
  limits_version: z.number().int().nullable(),
});

export type RiskStateResponse = z.input<typeof riskStateResponse>;

export const hrpResponse = z.object({
  as_of: z.string(),
  /** Bars the covariance was estimated from. */
  observations: z.number().int(),
  symbols: z.array(
    z.object({
      symbol: z.string(),
      /** Hierarchical-risk-parity target weight; the targets sum to 1. */
      target_weight: z.number(),
      /** The position's share of the invested value (cash excluded), comparable with the target. */
      current_weight: z.number(),
    }),
  ),
});

export type HrpResponse = z.input<typeof hrpResponse>;

export const alertsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });

export const alertsResponse = z.object({ alerts: z.array(riskAlertEvent) });

/** A limit set as the API shows it: the core's `RiskLimitSet`, version included. */
export const riskLimitSetResponse = riskLimitSetSchema;

export const tradingStateResponse = z.object({
  state: tradingStateName,
  setBy: z.string(),
  role: z.enum(riskActorRoles),
  reason: z.string(),
  /** Epoch ms. */
  time: z.number(),
});

export const auditEntryResponse = z.object({
  /** Stable for an entry: derived from its content (the trail stores no id). */
  id: z.string(),
  /** Epoch ms. */
  time: z.number(),
  actor: z.string(),
  /** The actor's role when the change was made; null for entries that do not record it. */
  role: z.enum(riskActorRoles).nullable(),
  action: z.string(),
  reason: z.string().nullable(),
  old: z.unknown(),
  new: z.unknown(),
});

export const riskControlsResponse = z.object({
  limits: riskLimitSetResponse,
  tradingState: tradingStateResponse,
  /** Newest first, at most 50. */
  audit: z.array(auditEntryResponse),
});

export type RiskControlsResponse = z.input<typeof riskControlsResponse>;

export const reviseLimitsRequest = z
  .object({
    /** Any subset of the limits (not `version`), each replaced whole; checked as a whole set too. */
    limits: riskLimitPatchSchema,
    reason: riskChangeReasonSchema,
  })
  .strict();

export const tradingStateRequest = z
  .object({
    state: tradingStateName,
    reason: riskChangeReasonSchema,
  })
  .strict();
