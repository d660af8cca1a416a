import type { PortfolioSnapshotEvent } from "../events/portfolio-snapshot-event";
import type { Portfolio } from "./portfolio";
import { defaultRiskLimits, type RiskLimits } from "./risk-check";

/**
 * The portfolio's risk state at `time` (epoch ms) as the `risk.portfolio.v1` payload: the spec's
 * "Risk State Schema" portfolio part and limit utilisation, with the day's P&L.
 */
export function riskState(
  portfolio: Portfolio,
  options: { readonly portfolioId: string; readonly time: number; readonly limits?: RiskLimits },
): PortfolioSnapshotEvent {
  const limits = options.limits ?? defaultRiskLimits;
  const state = portfolio.snapshot();
  const total = state.total_value;
  let largest = 0;
  let gross = 0;
  const sectors = new Map<string, number>();
  for (const [symbol, position] of Object.entries(state.positions)) {
    largest = Math.max(largest, position.market_value);
    gross += position.market_value;
    const sector = portfolio.sectorOf(symbol);
    if (sector !== undefined) sectors.set(sector, (sectors.get(sector) ?? 0) + position.market_value);
  }
  const share = (value: number): number => (total > 0 ? value / total : 0);
  const dailyPnl = total - portfolio.dayOpenValue;
  return {
    event_type: "portfolio_snapshot",
    timestamp: new Date(options.time).toISOString(),
    portfolio_id: options.portfolioId,
    portfolio: state,
    realized_pnl: portfolio.realisedPnl,
    day_open_value: portfolio.dayOpenValue,
    daily_pnl: dailyPnl,
    limit_utilization: {
      max_position_size_pct: share(largest),
      max_sector_exposure_pct: share(Math.max(0, ...sectors.values())),
      leverage_ratio: share(gross),
      daily_loss_limit_pct: portfolio.dailyLossFraction(),
    },
    limits: {
      max_position_size_pct: limits.maxPositionShare,
      max_sector_exposure_pct: limits.maxSectorShare,
      daily_loss_limit_pct: limits.maxDailyLoss,
    },
  };
}
