import { z } from "zod";
import { hrpTargetSchema } from "../risk/hrp-target-weights";
import { riskMetricsSchema } from "../risk/risk-metrics";

const money = z.number().finite();
const share = z.number().finite().nonnegative();

/** One holding, as the spec's "Risk State Schema" lists it. */
export const positionSnapshotSchema = z.object({
  quantity: z.number().int().positive(),
  avg_cost: z.number().finite().positive(),
  current_price: z.number().finite().positive(),
  market_value: z.number().finite().nonnegative(),
  /** Market value over the portfolio's total value. */
  pct_portfolio: share,
  unrealized_pnl: money,
});

/** The spec's in-memory risk state's `portfolio` part. */
export const portfolioStateSchema = z.object({
  total_value: money,
  cash: money,
  positions: z.record(z.string(), positionSnapshotSchema),
});

/**
 * The portfolio's risk state as published on `risk.portfolio.v1` after each decision: the spec's
 * "Risk State Schema" (portfolio and limit utilisation, and on the periodic events the risk
 * metrics), plus the day's P&L and the limits the utilisation is measured against.
 */
export const portfolioSnapshotEvent = z.object({
  event_type: z.literal("portfolio_snapshot"),
  /** The state's as-of time (the spec's `last_updated`): the decision's time. */
  timestamp: z.iso.datetime({ offset: true }),
  portfolio_id: z.string().min(1),
  portfolio: portfolioStateSchema,
  realized_pnl: money,
  /** Total value when the current UTC day began (or when the portfolio started, on its first day). */
  day_open_value: money,
  daily_pnl: money,
  limit_utilization: z.object({
    /** Largest single position over total value; limit `limits.max_position_size_pct`. */
    max_position_size_pct: share,
    /** Largest sector's holdings over total value; limit `limits.max_sector_exposure_pct`. */
    max_sector_exposure_pct: share,
    /** Gross holdings over total value; v1 has no leverage, so at most 1. */
    leverage_ratio: share,
    /** The day's loss over the day's opening value, 0 on a winning day; limit `limits.daily_loss_limit_pct`. */
    daily_loss_limit_pct: share,
  }),
  limits: z.object({
    max_position_size_pct: share,
    max_sector_exposure_pct: share,
    daily_loss_limit_pct: share,
    /** Absent from events published before the limits were versioned. */
    max_leverage: z.number().finite().positive().optional(),
  }),
  /**
   * The spec's `risk_metrics` (VaR, beta, correlations, Sharpe, drawdown) from the returns window,
   * on the periodic risk-state events (absent on the per-decision ones, and before issue 5).
   */
  risk_metrics: riskMetricsSchema.optional(),
  /** Hierarchical-risk-parity target weights of the universe (null: too little history yet). */
  hrp_target: hrpTargetSchema.nullable().optional(),
  /** The spec's `last_updated`: when the metrics were computed. */
  last_updated: z.iso.datetime({ offset: true }).optional(),
  /** The limit set's version and the trading state in force (absent before issue 5). */
  limits_version: z.number().int().min(1).optional(),
  trading_state: z.enum(["ACTIVE", "REDUCING", "HALTED"]).optional(),
});

export type PortfolioSnapshotEvent = z.infer<typeof portfolioSnapshotEvent>;
export type PortfolioState = z.infer<typeof portfolioStateSchema>;
export type PositionSnapshot = z.infer<typeof positionSnapshotSchema>;
