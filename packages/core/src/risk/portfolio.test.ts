import { describe, expect, it } from "vitest";
import { portfolioStateSchema } from "../events/portfolio-snapshot-event";
import { Portfolio, sectorMap, staticPortfolioView } from "./portfolio";

const day1 = Date.parse("2024-03-04T14:30:00Z");
const day1Late = Date.parse("2024-03-04T23:59:59.999Z");
const day2 = Date.parse("2024-03-05T00:00:00Z");

/**
 * By hand: 10,000 cash. BUY 10 @ 100 and 30 @ 120: cost 4,600, average (1,000 + 3,600) / 40 = 115,
 * cash 5,400. SELL 20 @ 130: realises 20 × (130 − 115) = 300, cash 8,000, 20 left at average 115.
 */
function handPortfolio(): Portfolio {
  const portfolio = new Portfolio({ startingCash: 10_000, sectors: { AAA: "technology" } });
  portfolio.advanceTo(day1);
  portfolio.applyFill({ symbol: "AAA", side: "BUY", quantity: 10, price: 100 });
  portfolio.applyFill({ symbol: "AAA", side: "BUY", quantity: 30, price: 120 });
  return portfolio;
}

describe("Portfolio", () => {
  it("keeps the average cost over buys at two prices", () => {
    const portfolio = handPortfolio();
    expect(portfolio.cash).toBe(5_400);
    expect(portfolio.position("AAA")).toMatchObject({ quantity: 40, averageCost: 115, lastPrice: 120 });
    portfolio.markToMarket("AAA", 125);
    const position = portfolio.position("AAA");
    expect(position).toMatchObject({ marketValue: 5_000, unrealisedPnl: 400 });
    expect(portfolio.totalValue()).toBe(10_400);
    expect(position?.share).toBeCloseTo(5_000 / 10_400, 15);
    expect(portfolio.dailyPnl()).toBe(400);
  });

  it("realises P&L on a partial sell at the average cost, which stays unchanged", () => {
    const portfolio = handPortfolio();
    expect(portfolio.applyFill({ symbol: "AAA", side: "SELL", quantity: 20, price: 130 })).toBe(300);
    expect(portfolio.realisedPnl).toBe(300);
    expect(portfolio.cash).toBe(8_000);
    expect(portfolio.position("AAA")).toMatchObject({
      quantity: 20,
      averageCost: 115,
      lastPrice: 130,
      marketValue: 2_600,
      unrealisedPnl: 300,
    });
    expect(portfolio.totalValue()).toBe(10_600);
    // Realised 300 plus unrealised 300.
    expect(portfolio.dailyPnl()).toBe(600);
    expect(portfolio.applyFill({ symbol: "AAA", side: "SELL", quantity: 20, price: 110 })).toBe(-100);
    expect(portfolio.realisedPnl).toBe(200);
    expect(portfolio.position("AAA")).toBeUndefined();
    expect(portfolio.cash).toBe(10_200);
  });

  it("resets the day's opening value from the previous marks when a new UTC day begins", () => {
    const portfolio = handPortfolio();
    portfolio.applyFill({ symbol: "AAA", side: "SELL", quantity: 20, price: 130 });
    expect(portfolio.advanceTo(day1Late)).toBe(false);
    expect(portfolio.dayOpenValue).toBe(10_000);
    expect(portfolio.advanceTo(day2)).toBe(true);
    expect(portfolio.dayOpenValue).toBe(10_600);
    expect(portfolio.dailyPnl()).toBe(0);
    portfolio.markToMarket("AAA", 120);
    // 8,000 + 20 × 120 = 10,400: down 200 on the day.
    expect(portfolio.dailyPnl()).toBe(-200);
    expect(portfolio.dailyLossFraction()).toBeCloseTo(200 / 10_600, 15);
    // An earlier time (another symbol's late bar) changes nothing.
    expect(portfolio.advanceTo(day1)).toBe(false);
    expect(portfolio.dayOpenValue).toBe(10_600);
    expect(portfolio.asOf).toBe(day2);
  });

  it("refuses short sales and buys beyond cash, changing nothing", () => {
    const portfolio = handPortfolio();
    expect(() => portfolio.applyFill({ symbol: "AAA", side: "SELL", quantity: 41, price: 100 })).toThrow(/short/);
    expect(() => portfolio.applyFill({ symbol: "BBB", side: "SELL", quantity: 1, price: 100 })).toThrow(/short/);
    expect(() => portfolio.applyFill({ symbol: "BBB", side: "BUY", quantity: 55, price: 100 })).toThrow(/cash/);
    expect(() => portfolio.applyFill({ symbol: "BBB", side: "BUY", quantity: 1.5, price: 100 })).toThrow(RangeError);
    expect(() => portfolio.applyFill({ symbol: "BBB", side: "BUY", quantity: 1, price: Number.NaN })).toThrow(
      RangeError,
    );
    expect(portfolio.cash).toBe(5_400);
    expect(portfolio.quantity("AAA")).toBe(40);
    expect(portfolio.quantity("BBB")).toBe(0);
  });

  it("can spend its cash to the last cent", () => {
    const portfolio = new Portfolio({ startingCash: 1_000 });
    portfolio.applyFill({ symbol: "AAA", side: "BUY", quantity: 10, price: 100 });
    expect(portfolio.cash).toBe(0);
    expect(portfolio.totalValue()).toBe(1_000);
  });

  it("snapshots the spec's risk-state portfolio", () => {
    const portfolio = handPortfolio();
    portfolio.markToMarket("AAA", 125);
    const snapshot = portfolio.snapshot();
    expect(portfolioStateSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot).toEqual({
      total_value: 10_400,
      cash: 5_400,
      positions: {
        AAA: {
          quantity: 40,
          avg_cost: 115,
          current_price: 125,
          market_value: 5_000,
          pct_portfolio: 5_000 / 10_400,
          unrealized_pnl: 400,
        },
      },
    });
  });

  it("knows sectors and ignores marks of symbols it does not hold", () => {
    const portfolio = new Portfolio({ startingCash: 100, sectors: sectorMap([{ symbol: "AAA", sector: "energy" }]) });
    expect(portfolio.sectorOf("AAA")).toBe("energy");
    expect(portfolio.sectorOf("BBB")).toBeUndefined();
    portfolio.markToMarket("AAA", 5);
    expect(portfolio.totalValue()).toBe(100);
  });
});

describe("staticPortfolioView", () => {
  it("derives cash from the total value when not given", () => {
    const view = staticPortfolioView({
      total_value: 1_000_000,
      positions: { AAPL: { quantity: 1_000, current_price: 175.23 }, ZERO: { quantity: 0, current_price: 1 } },
    });
    expect(view.cash).toBeCloseTo(1_000_000 - 175_230, 9);
    expect(view.dayOpenValue).toBeCloseTo(1_000_000, 9);
    expect([...view.holdings()]).toEqual([{ symbol: "AAPL", quantity: 1_000, lastPrice: 175.23 }]);
  });
});
