import { z } from "zod";

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
 * "Risk State Schema" (portfolio and limit utilisation; the statistical risk metrics — VaR, beta,
 * correlations — are not computed in v1 and are left out rather than faked), plus the day's P&L
 * and the limits the utilisation is measured against.
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
  }),
});

export type PortfolioSnapshotEvent = z.infer<typeof portfolioSnapshotEvent>;
export type PortfolioState = z.infer<typeof portfolioStateSchema>;
export type PositionSnapshot = z.infer<typeof positionSnapshotSchema>;
