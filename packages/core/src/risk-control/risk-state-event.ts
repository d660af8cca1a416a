import type { PortfolioSnapshotEvent } from "../events/portfolio-snapshot-event";
import type { Portfolio } from "../risk/portfolio";
import type { RiskLimitSet } from "../risk/risk-limits";
import type { RiskMetrics } from "../risk/risk-metrics";
import type { TradingStateName } from "../risk/trading-state";

/**
 * The portfolio's risk state at `time` (epoch ms) as the `risk.portfolio.v1` payload: the spec's
 * "Risk State Schema" — portfolio, limit utilisation and, when given, the risk metrics with their
 * `last_updated` — with the day's P&L, the limits measured against, their version and the
 * trading state.
 */
export function riskStateEvent(
  portfolio: Portfolio,
  options: {
    readonly portfolioId: string;
    readonly time: number;
    readonly limits: RiskLimitSet;
    readonly tradingState: TradingStateName;
    readonly metrics?: RiskMetrics;
  },
): PortfolioSnapshotEvent {
  const { limits } = options;
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
  const timestamp = new Date(options.time).toISOString();
  return {
    event_type: "portfolio_snapshot",
    timestamp,
    portfolio_id: options.portfolioId,
    portfolio: state,
    realized_pnl: portfolio.realisedPnl,
    day_open_value: portfolio.dayOpenValue,
    daily_pnl: total - portfolio.dayOpenValue,
    limit_utilization: {
      max_position_size_pct: share(largest),
      max_sector_exposure_pct: share(Math.max(0, ...sectors.values())),
      leverage_ratio: share(gross),
      daily_loss_limit_pct: portfolio.dailyLossFraction(),
    },
    limits: {
      max_position_size_pct: limits.maxPositionShare,
      max_sector_exposure_pct: limits.maxSectorShare,
      daily_loss_limit_pct: limits.maxDailyLossShare,
      max_leverage: limits.maxLeverage,
    },
    ...(options.metrics === undefined ? {} : { risk_metrics: options.metrics, last_updated: timestamp }),
    limits_version: limits.version,
    trading_state: options.tradingState,
  };
}
