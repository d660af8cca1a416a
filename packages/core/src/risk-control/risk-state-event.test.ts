import { describe, expect, it } from "vitest";
import { portfolioSnapshotEvent } from "../events/portfolio-snapshot-event";
import { Portfolio } from "../risk/portfolio";
import { defaultRiskLimitSet } from "../risk/risk-limits";
import { riskStateEvent } from "./risk-state-event";

const active = { limits: defaultRiskLimitSet, tradingState: "ACTIVE" } as const;

describe("riskStateEvent", () => {
  it("reports positions, daily P&L and limit utilisation as the spec's risk state", () => {
    const day = Date.parse("2024-03-04T15:00:00Z");
    const portfolio = new Portfolio({
      startingCash: 100_000,
      sectors: { AAA: "technology", BBB: "technology", CCC: "energy" },
    });
    portfolio.advanceTo(day);
    portfolio.applyFill({ symbol: "AAA", side: "BUY", quantity: 100, price: 200 });
    portfolio.applyFill({ symbol: "BBB", side: "BUY", quantity: 100, price: 100 });
    portfolio.applyFill({ symbol: "CCC", side: "BUY", quantity: 100, price: 150 });
    // Cash 55,000. Marks: AAA 180 (18,000), BBB 100 (10,000), CCC 150 (15,000): total 98,000.
    portfolio.markToMarket("AAA", 180);
    const state = riskStateEvent(portfolio, { portfolioId: "paper-1", time: day, ...active });
    expect(portfolioSnapshotEvent.parse(state)).toEqual(state);
    expect(state).toMatchObject({
      event_type: "portfolio_snapshot",
      timestamp: "2024-03-04T15:00:00.000Z",
      portfolio_id: "paper-1",
      realized_pnl: 0,
      day_open_value: 100_000,
      daily_pnl: -2_000,
      limits: { max_position_size_pct: 0.25, max_sector_exposure_pct: 0.5, daily_loss_limit_pct: 0.02 },
    });
    expect(state.portfolio.total_value).toBe(98_000);
    expect(state.portfolio.positions.AAA).toEqual({
      quantity: 100,
      avg_cost: 200,
      current_price: 180,
      market_value: 18_000,
      pct_portfolio: 18_000 / 98_000,
      unrealized_pnl: -2_000,
    });
    expect(state.limit_utilization.max_position_size_pct).toBeCloseTo(18_000 / 98_000, 15);
    expect(state.limit_utilization.max_sector_exposure_pct).toBeCloseTo(28_000 / 98_000, 15);
    expect(state.limit_utilization.leverage_ratio).toBeCloseTo(43_000 / 98_000, 15);
    expect(state.limit_utilization.daily_loss_limit_pct).toBeCloseTo(0.02, 15);
    // The limits' version and the trading state go with it; metrics only on the periodic events.
    expect(state).toMatchObject({ limits_version: defaultRiskLimitSet.version, trading_state: "ACTIVE" });
    expect(state.risk_metrics).toBeUndefined();
    expect(state.last_updated).toBeUndefined();
  });

  it("reports an empty portfolio as all cash with nothing used", () => {
    const state = riskStateEvent(new Portfolio({ startingCash: 5_000 }), { portfolioId: "p", time: 0, ...active });
    expect(state.portfolio).toEqual({ total_value: 5_000, cash: 5_000, positions: {} });
    expect(state.limit_utilization).toEqual({
      max_position_size_pct: 0,
      max_sector_exposure_pct: 0,
      leverage_ratio: 0,
      daily_loss_limit_pct: 0,
    });
  });
});
