import { describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { DuplicateDetector } from "./duplicate-detector";
import { OrderThrottle } from "./order-throttle";
import { staticPortfolioView } from "./portfolio";
import {
  checkPreTrade,
  type PreTradeContext,
  type PreTradeProposal,
  type PreTradeRejectionCode,
  preTradeRejectionCodes,
  preTradeRejectionDescriptions,
  RiskEstimateError,
  type VarEstimator,
} from "./pre-trade-check";
import { ReservationBook } from "./reservations";
import { defaultRiskLimitSet, type RiskLimitSet, riskLimitSetSchema } from "./risk-limits";

const sectors = { XXA: "technology", XXB: "technology", XXC: "technology", XXE: "energy" };

/** Cash 100,000; XXA 100 @ 200 (tech), XXB 200 @ 100 (tech), XXE 100 @ 100 (energy): total 150,000. */
const bookState = {
  cash: 100_000,
  positions: {
    XXA: { quantity: 100, current_price: 200 },
    XXB: { quantity: 200, current_price: 100 },
    XXE: { quantity: 100, current_price: 100 },
  },
};
const book = staticPortfolioView({ ...bookState, sectors });

const limitsWith = (patch: Partial<RiskLimitSet>): RiskLimitSet => riskLimitSetSchema.parse({ ...patch });
const active = (lastPrice: number, extra: Partial<PreTradeContext> = {}): PreTradeContext => ({
  tradingState: "ACTIVE",
  lastPrice,
  ...extra,
});
const buy = (symbol: string, quantity: number, price: number): PreTradeProposal => ({
  symbol,
  side: "BUY",
  quantity,
  price,
});
const sell = (symbol: string, quantity: number, price: number): PreTradeProposal => ({
  symbol,
  side: "SELL",
  quantity,
  price,
});
const codes = (result: { rejection_reasons: readonly { code: string }[] }) =>
  result.rejection_reasons.map((r) => r.code);

/** A VaR of 10% of the gross exposure: every position moving together, worked out by hand. */
const linearVar: VarEstimator = (exposures) => {
  let gross = 0;
  for (const value of exposures.values()) gross += Math.abs(value);
  return 0.1 * gross;
};

describe("checkPreTrade: an approved order", () => {
  it("reports the spec's approved shape, every check and the largest allowed quantity", () => {
    const result = checkPreTrade(book, buy("XXA", 50, 200), defaultRiskLimitSet, active(200));
    expect(result).toEqual({
      approved: true,
      warnings: [],
      checks: {
        trading_state: "pass",
        throttle: "not_evaluated",
        duplicate: "not_evaluated",
        price_collar: "pass",
        order_quantity: "pass",
        order_value: "pass",
        sufficiency: "pass",
        position_limit: "pass",
        concentration: "pass",
        leverage: "pass",
        daily_loss_limit: "pass",
        var_limit: "not_evaluated",
      },
      rejection_reasons: [],
      // min(position ⌊0.25·150,000/200 − 100⌋ = 87, sector ⌊(75,000 − 20,000)/200 − 100⌋ = 175,
      // leverage ⌊(225,000 − 30,000)/200 − 100⌋ = 875, cash 500, order value 2,500, 50,000 shares)
      allowed_quantity: 87,
      risk_assessment: {
        position_after_trade: { quantity: 150, market_value: 30_000, pct_portfolio: 0.2 },
        portfolio_impact: {
          concentration_increase: 10_000 / 150_000,
          var_increase: null,
          var_after: null,
          correlation_change: null,
        },
        limit_utilization: {
          position_size: 0.2 / 0.25,
          sector_exposure: 50_000 / 150_000 / 0.5,
          leverage: 60_000 / 150_000 / 1.5,
          daily_loss: 0,
          var: null,
          order_value: 10_000 / 500_000,
          order_quantity: 50 / 50_000,
        },
      },
      limits_version: 1,
      trading_state: "ACTIVE",
    });
  });

  it("warns above 23% of the portfolio without refusing", () => {
    // 180 × 200 = 36,000 of 150,000 = 24%.
    const result = checkPreTrade(book, buy("XXA", 80, 200), defaultRiskLimitSet, active(200));
    expect(result.approved).toBe(true);
    expect(result.warnings).toEqual([
      "Position in XXA would be 24.0% of the portfolio, above the 23.0% alert threshold",
    ]);
  });

  it("computes the VaR increase and the change of the mean correlation", () => {
    const correlation = (a: string, b: string): number => (sectors[a as "XXA"] === sectors[b as "XXA"] ? 0.5 : 0);
    const result = checkPreTrade(
      book,
      buy("XXA", 50, 200),
      defaultRiskLimitSet,
      active(200, { varEstimate: linearVar, correlation }),
    );
    // VaR 0.1 × 50,000 = 5,000 before, 0.1 × 60,000 = 6,000 after; limit 5% × 150,000 = 7,500.
    expect(result.risk_assessment.portfolio_impact.var_increase).toBeCloseTo(1_000, 9);
    expect(result.risk_assessment.portfolio_impact.var_after).toBeCloseTo(6_000, 9);
    expect(result.risk_assessment.limit_utilization.var).toBeCloseTo(6_000 / 7_500, 12);
    // Pairs weighted by exposure: before A·B 4e8 × 0.5 of 4e8 + 2e8 + 2e8 = 0.25; after A = 30,000:
    // 6e8 × 0.5 of 6e8 + 3e8 + 2e8 = 3/11.
    expect(result.risk_assessment.portfolio_impact.correlation_change).toBeCloseTo(3 / 11 - 0.25, 12);
    expect(result.checks.var_limit).toBe("pass");
  });
});

describe("checkPreTrade: every rejection code from a hand-made situation", () => {
  const reached = new Set<PreTradeRejectionCode>();
  const expectOnly = (result: ReturnType<typeof checkPreTrade>, expected: PreTradeRejectionCode[]) => {
    expect(result.approved).toBe(false);
    expect(codes(result)).toEqual(expected);
    for (const code of expected) reached.add(code);
  };

  it("CONCENTRATION_LIMIT: one share past 25%", () => {
    const result = checkPreTrade(book, buy("XXA", 88, 200), defaultRiskLimitSet, active(200));
    expectOnly(result, ["CONCENTRATION_LIMIT"]);
    expect(result.rejection_reasons[0]).toEqual({
      code: "CONCENTRATION_LIMIT",
      message: "Trade would exceed 25.0% single-position limit (proposed: 25.1%)",
      limit: 0.25,
      proposed: 37_600 / 150_000,
    });
    expect(result.checks.position_limit).toBe("fail");
    expect(result.allowed_quantity).toBe(87);
  });

  it("SECTOR_LIMIT: a sector already at 50%, while another sector still has room", () => {
    const full = staticPortfolioView({
      cash: 50_000,
      positions: {
        XXA: { quantity: 200, current_price: 100 },
        XXB: { quantity: 200, current_price: 100 },
        XXC: { quantity: 100, current_price: 100 },
      },
      sectors,
    });
    const result = checkPreTrade(full, buy("XXA", 1, 100), defaultRiskLimitSet, active(100));
    expectOnly(result, ["SECTOR_LIMIT"]);
    expect(result.checks.concentration).toBe("fail");
    expect(result.rejection_reasons[0]?.proposed).toBeCloseTo(0.501, 15);
    expect(result.allowed_quantity).toBe(0);
    // Energy: position ⌊25,000/100⌋ = 250, leverage ⌊(150,000 − 50,000)/100⌋ = 1,000, cash 500.
    expect(checkPreTrade(full, buy("XXE", 1, 100), defaultRiskLimitSet, active(100)).allowed_quantity).toBe(250);
  });

  it("SECTOR_LIMIT: a sector at exactly its limit passes, one share more does not", () => {
    // Tech others 20,000 + (100 + q) × 200 ≤ 75,000 ⇔ q ≤ 175 (position ⌊75,000/200 − 100⌋ = 275).
    const limits = limitsWith({ maxPositionShare: 0.5 });
    expect(checkPreTrade(book, buy("XXA", 175, 200), limits, active(200)).approved).toBe(true);
    const result = checkPreTrade(book, buy("XXA", 176, 200), limits, active(200));
    expectOnly(result, ["SECTOR_LIMIT"]);
    expect(result.allowed_quantity).toBe(175);
  });

  it("LEVERAGE_LIMIT: gross exposure over equity past a limit of 0.5", () => {
    const limits = limitsWith({ maxLeverage: 0.5 });
    // Others 40,000; ⌊(75,000 − 40,000)/100 − 100⌋ = 250 (position 275, energy sector 650, cash 1,000).
    const result = checkPreTrade(book, buy("XXE", 251, 100), limits, active(100));
    expectOnly(result, ["LEVERAGE_LIMIT"]);
    expect(result.rejection_reasons[0]?.proposed).toBeCloseTo(75_100 / 150_000, 15);
    expect(result.rejection_reasons[0]?.limit).toBe(0.5);
    expect(result.allowed_quantity).toBe(250);
    expect(checkPreTrade(book, buy("XXE", 250, 100), limits, active(100)).approved).toBe(true);
  });

  it("LEVERAGE_LIMIT also binds a margin state given through an override (negative cash)", () => {
    // Cash −20,000 and XXA 600 @ 200: equity 100,000, gross 120,000, leverage 1.2.
    const margin = staticPortfolioView({ cash: -20_000, positions: { XXA: { quantity: 600, current_price: 200 } } });
    const limits = limitsWith({ maxLeverage: 1.1, maxPositionShare: 1, positionWarnShare: 1 });
    const result = checkPreTrade(margin, buy("XXN", 1, 10), limits, active(10));
    expectOnly(result, ["INSUFFICIENT_CASH", "LEVERAGE_LIMIT"]);
    expect(result.rejection_reasons[1]?.proposed).toBeCloseTo(120_010 / 100_000, 15);
    // Selling reduces the leverage, so it passes.
    expect(checkPreTrade(margin, sell("XXA", 100, 200), limits, active(200)).approved).toBe(true);
  });

  it("DAILY_LOSS_LIMIT: no buying on a day down more than 2%, selling allowed", () => {
    const losing = staticPortfolioView({ ...bookState, day_open_value: 155_000, sectors });
    const result = checkPreTrade(losing, buy("XXE", 1, 100), defaultRiskLimitSet, active(100));
    expectOnly(result, ["DAILY_LOSS_LIMIT"]);
    expect(result.rejection_reasons[0]).toMatchObject({ limit: 0.02, proposed: 5_000 / 155_000 });
    expect(result.allowed_quantity).toBe(0);
    const sale = checkPreTrade(losing, sell("XXE", 40, 100), defaultRiskLimitSet, active(100));
    expect(sale.approved).toBe(true);
    expect(sale.allowed_quantity).toBe(100);
  });

  it("DAILY_LOSS_LIMIT: a loss of exactly 2% still allows buying, a cent more does not", () => {
    const at = (dayOpen: number) =>
      checkPreTrade(
        staticPortfolioView({ cash: 12_250, day_open_value: dayOpen, positions: {} }),
        buy("NEW", 1, 10),
        defaultRiskLimitSet,
        active(10),
      ).approved;
    expect(at(12_500)).toBe(true);
    expect(at(12_500.01)).toBe(false);
  });

  it("VAR_LIMIT: the trade would take the VaR past 5% of the value; found by bisection", () => {
    const limits = limitsWith({ maxPositionShare: 0.5, maxSectorShare: 1, sectorWarnShare: 1 });
    // VaR = 0.1 × (50,000 + 200q) ≤ 7,500 ⇔ q ≤ 125 (position ⌊75,000/200 − 100⌋ = 275, sector 550, cash 500).
    const context = active(200, { varEstimate: linearVar });
    const result = checkPreTrade(book, buy("XXA", 126, 200), limits, context);
    expectOnly(result, ["VAR_LIMIT"]);
    expect(result.rejection_reasons[0]?.limit).toBeCloseTo(7_500, 9);
    expect(result.rejection_reasons[0]?.proposed).toBeCloseTo(7_520, 9);
    expect(result.allowed_quantity).toBe(125);
    expect(checkPreTrade(book, buy("XXA", 125, 200), limits, context).approved).toBe(true);
  });

  it("VAR_LIMIT above the limit already: nothing may raise it, anything lowering it passes", () => {
    const limits = limitsWith({ maxVar95: { basis: "currency", value: 4_000 } });
    const context = active(200, { varEstimate: linearVar });
    const result = checkPreTrade(book, buy("XXA", 1, 200), limits, context);
    expectOnly(result, ["VAR_LIMIT"]);
    expect(result.rejection_reasons[0]?.message).toBe(
      "The 1-day 95% VaR is 5000.00, above its 4000.00 limit, and the trade would raise it to 5020.00",
    );
    expect(result.allowed_quantity).toBe(0);
    const sale = checkPreTrade(book, sell("XXA", 50, 200), limits, context);
    expect(sale.approved).toBe(true);
    expect(sale.risk_assessment.portfolio_impact.var_increase).toBeCloseTo(-1_000, 9);
  });

  it("PRICE_COLLAR: an order priced more than 5% from the last price, or with no last price", () => {
    const result = checkPreTrade(book, buy("XXA", 1, 200), defaultRiskLimitSet, active(190));
    expectOnly(result, ["PRICE_COLLAR"]);
    expect(result.rejection_reasons[0]?.proposed).toBeCloseTo(10 / 190, 15);
    expect(result.allowed_quantity).toBe(0);
    // 200 − 190.5 = 9.5 ≤ 0.05 × 190.5 = 9.525; 210 − 200 = 10 = 0.05 × 200 exactly, still inside.
    expect(checkPreTrade(book, buy("XXA", 1, 200), defaultRiskLimitSet, active(190.5)).approved).toBe(true);
    expect(checkPreTrade(book, buy("XXA", 1, 210), defaultRiskLimitSet, active(200)).approved).toBe(true);
    expect(codes(checkPreTrade(book, buy("XXA", 1, 210.01), defaultRiskLimitSet, active(200)))).toEqual([
      "PRICE_COLLAR",
    ]);
    const blind = checkPreTrade(book, sell("XXA", 1, 200), defaultRiskLimitSet, { tradingState: "ACTIVE" });
    expectOnly(blind, ["PRICE_COLLAR"]);
    expect(blind.rejection_reasons[0]?.message).toBe("No last price for XXA to check the price collar against");
    expect(blind.allowed_quantity).toBe(0);
  });

  it("MAX_ORDER_VALUE and MAX_ORDER_QUANTITY: the fat-finger limits, on both sides", () => {
    const byValue = checkPreTrade(book, buy("XXA", 51, 200), limitsWith({ maxOrderValue: 10_000 }), active(200));
    expectOnly(byValue, ["MAX_ORDER_VALUE"]);
    expect(byValue.rejection_reasons[0]).toMatchObject({ limit: 10_000, proposed: 10_200 });
    expect(byValue.allowed_quantity).toBe(50);
    const byQuantity = checkPreTrade(book, sell("XXA", 100, 200), limitsWith({ maxOrderQuantity: 40 }), active(200));
    expectOnly(byQuantity, ["MAX_ORDER_QUANTITY"]);
    expect(byQuantity.allowed_quantity).toBe(40);
  });

  it("INSUFFICIENT_CASH and INSUFFICIENT_POSITION, counting what pending orders commit", () => {
    const clock = new ManualClock(0);
    const reserved = new ReservationBook({ clock });
    reserved.reserve({ symbol: "XXB", side: "BUY", quantity: 400, price: 100 });
    reserved.reserve({ symbol: "XXE", side: "SELL", quantity: 30, price: 100 });
    const limits = limitsWith({ maxPositionShare: 1, positionWarnShare: 1, maxSectorShare: 1, sectorWarnShare: 1 });
    // Cash 100,000 − 40,000 committed: ⌊60,000/100⌋ = 600.
    const cash = checkPreTrade(book, buy("XXE", 601, 100), limits, active(100, { reserved }));
    expectOnly(cash, ["INSUFFICIENT_CASH"]);
    expect(cash.rejection_reasons[0]).toMatchObject({ limit: 60_000, proposed: 60_100 });
    expect(cash.allowed_quantity).toBe(600);
    const shares = checkPreTrade(book, sell("XXE", 71, 100), limits, active(100, { reserved }));
    expectOnly(shares, ["INSUFFICIENT_POSITION"]);
    expect(shares.rejection_reasons[0]?.message).toBe(
      "Cannot sell 71 XXE: 100 held, 30 of them in pending sells, and short selling is not allowed",
    );
    expect(shares.allowed_quantity).toBe(70);
  });

  it("THROTTLED: the third message in a second with a limit of two", () => {
    const clock = new ManualClock(0);
    const throttle = new OrderThrottle({ maxMessages: 2, perMs: 1_000, clock });
    const limits = limitsWith({ throttle: { maxMessages: 2, perMs: 1_000 } });
    const order = { ...buy("XXA", 1, 200), clientId: "c1" };
    const at = () => checkPreTrade(book, order, limits, active(200, { throttle: throttle.tryAcquire("c1") }));
    expect(at().approved).toBe(true);
    clock.advance(400);
    expect(at().approved).toBe(true);
    clock.advance(400);
    const result = at();
    expectOnly(result, ["THROTTLED"]);
    expect(result.rejection_reasons[0]?.message).toBe(
      "Client c1 has sent 2 messages in the last 1000 ms, the limit is 2; retry in 200 ms",
    );
    expect(result.allowed_quantity).toBe(0);
  });

  it("DUPLICATE_ORDER: the same order again within the window", () => {
    const clock = new ManualClock(0);
    const detector = new DuplicateDetector({ clock, windowMs: 2_000 });
    const order = { ...buy("XXA", 10, 200), clientId: "c1" };
    detector.record(order);
    clock.advance(500);
    const result = checkPreTrade(book, order, defaultRiskLimitSet, active(200, { duplicate: detector.find(order) }));
    expectOnly(result, ["DUPLICATE_ORDER"]);
    expect(result.rejection_reasons[0]).toMatchObject({ limit: 2_000, proposed: 500 });
    expect(result.allowed_quantity).toBe(0);
  });

  it("TRADING_HALTED: nothing passes, either side", () => {
    const halted: PreTradeContext = { tradingState: "HALTED", lastPrice: 200 };
    const result = checkPreTrade(book, sell("XXA", 1, 200), defaultRiskLimitSet, halted);
    expectOnly(result, ["TRADING_HALTED"]);
    expect(result.allowed_quantity).toBe(0);
    expect(checkPreTrade(book, buy("XXA", 1, 200), defaultRiskLimitSet, halted).allowed_quantity).toBe(0);
  });

  it("REDUCE_ONLY: in REDUCING only sales of what is held pass", () => {
    const reducing: PreTradeContext = { tradingState: "REDUCING", lastPrice: 200 };
    const purchase = checkPreTrade(book, buy("XXA", 1, 200), defaultRiskLimitSet, reducing);
    expectOnly(purchase, ["REDUCE_ONLY"]);
    expect(purchase.allowed_quantity).toBe(0);
    expect(checkPreTrade(book, sell("XXA", 100, 200), defaultRiskLimitSet, reducing).approved).toBe(true);
    const tooMuch = checkPreTrade(book, sell("XXA", 101, 200), defaultRiskLimitSet, reducing);
    expectOnly(tooMuch, ["REDUCE_ONLY", "INSUFFICIENT_POSITION"]);
    expect(tooMuch.allowed_quantity).toBe(100);
  });

  it("reached every documented code", () => {
    expect([...reached].sort()).toEqual([...preTradeRejectionCodes].sort());
    expect(Object.keys(preTradeRejectionDescriptions).sort()).toEqual([...preTradeRejectionCodes].sort());
  });
});

describe("checkPreTrade: refusing to judge", () => {
  it("throws on a malformed order, a portfolio of no value and a broken VaR estimate", () => {
    for (const proposal of [buy("XXA", 0, 1), buy("XXA", 1.5, 1), buy("XXA", 1, 0), buy("", 1, 1)]) {
      expect(() => checkPreTrade(book, proposal, defaultRiskLimitSet, active(1))).toThrow(RangeError);
    }
    const empty = staticPortfolioView({ cash: 0, positions: {} });
    expect(() => checkPreTrade(empty, buy("XXA", 1, 1), defaultRiskLimitSet, active(1))).toThrow(RangeError);
    expect(() =>
      checkPreTrade(book, buy("XXA", 1, 200), defaultRiskLimitSet, active(200, { varEstimate: () => Number.NaN })),
    ).toThrow(RiskEstimateError);
  });
});
