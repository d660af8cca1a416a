import { describe, expect, it } from "vitest";
import { singleStrategyWeights } from "../meta/strategy-weights";
import { staticPortfolioView } from "../risk/portfolio";
import { checkPreTrade } from "../risk/pre-trade-check";
import { defaultRiskLimitSet } from "../risk/risk-limits";
import { blendProbabilities, type DecideInput, decide, decisionPolicySchema } from "./decide";
import type { SpecialistProbabilities } from "./specialist-scoring";

/** Dyadic numbers throughout, so every sum below is exact and can be compared with toBe. */
const probabilities: SpecialistProbabilities = {
  bull_specialist: { sell: 0.125, hold: 0.125, buy: 0.75 },
  bear_specialist: { sell: 0.5, hold: 0.25, buy: 0.25 },
  sideways_specialist: { sell: 0.25, hold: 0.5, buy: 0.25 },
};
const weights = { bull_specialist: 0.5, bear_specialist: 0.25, sideways_specialist: 0.25 };

function input(overrides: Partial<DecideInput> = {}): DecideInput {
  return { probabilities, weights, price: 40, totalValue: 100_000, heldQuantity: 0, ...overrides };
}

/** The real check against a portfolio holding `held` shares of XXX at 40 and the rest of 100,000 in cash. */
function riskCheckWith(held: number, dayOpen = 100_000): DecideInput["riskCheck"] {
  const view = staticPortfolioView({
    cash: 100_000 - held * 40,
    day_open_value: dayOpen,
    positions: held > 0 ? { XXX: { quantity: held, current_price: 40 } } : {},
  });
  return (side, quantity) =>
    checkPreTrade(view, { symbol: "XXX", side, quantity, price: 40 }, defaultRiskLimitSet, {
      tradingState: "ACTIVE",
      lastPrice: 40,
    });
}

describe("blendProbabilities", () => {
  it("is Σ_k w_k · P_k(c)", () => {
    // sell 0.0625 + 0.125 + 0.0625; hold 0.0625 + 0.0625 + 0.125; buy 0.375 + 0.0625 + 0.0625.
    expect(blendProbabilities(probabilities, weights)).toEqual({ sell: 0.25, hold: 0.25, buy: 0.5 });
  });
});

describe("decide", () => {
  it("buys above θ_buy with confidence P̄(BUY) and size round(conf × target × total / price)", () => {
    const decision = decide(input({ riskCheck: riskCheckWith(0) }));
    // score 0.5 − 0.25 = 0.25 > 0.15; 0.5 × 0.1 × 100,000 / 40 = 125.
    expect(decision).toMatchObject({
      action: "BUY",
      signal: "BUY",
      score: 0.25,
      confidence: 0.5,
      quantity: 125,
      sizedQuantity: 125,
      holdReason: null,
      cutFrom: null,
    });
    expect(decision.riskValidation?.approved).toBe(true);
  });

  it("holds at exactly the threshold and trades just past it", () => {
    const at = decide(input({ policy: decisionPolicySchema.parse({ buyThreshold: 0.25 }) }));
    expect(at).toMatchObject({ action: "HOLD", holdReason: "below_threshold", quantity: 0, confidence: 0.25 });
    expect(at.riskValidation).toBeNull();
    const past = decide(input({ policy: decisionPolicySchema.parse({ buyThreshold: 0.2499 }) }));
    expect(past.action).toBe("BUY");
  });

  it("sells below −θ_sell only what is held, and holds when nothing is", () => {
    const bear = singleStrategyWeights("bear_specialist");
    // score 0.25 − 0.5 = −0.25 < −0.15; confidence P(SELL) = 0.5.
    expect(decide(input({ weights: bear }))).toMatchObject({
      action: "HOLD",
      signal: "SELL",
      holdReason: "no_position",
    });
    const sell = decide(input({ weights: bear, heldQuantity: 100, riskCheck: riskCheckWith(100) }));
    expect(sell).toMatchObject({ action: "SELL", quantity: 100, sizedQuantity: 100, confidence: 0.5, score: -0.25 });
    expect(decide(input({ weights: bear, heldQuantity: 500 })).quantity).toBe(125);
  });

  it("cuts a trade to the risk check's allowed quantity", () => {
    // Holding 560 at 40: ⌊0.25 × 100,000 / 40 − 560⌋ = 65 more allowed.
    const decision = decide(input({ heldQuantity: 560, riskCheck: riskCheckWith(560) }));
    expect(decision).toMatchObject({ action: "BUY", quantity: 65, sizedQuantity: 125 });
    expect(decision.cutFrom?.approved).toBe(false);
    expect(decision.cutFrom?.rejection_reasons.map((r) => r.code)).toEqual(["CONCENTRATION_LIMIT"]);
    expect(decision.riskValidation?.approved).toBe(true);
    expect(decision.riskValidation?.risk_assessment.position_after_trade.quantity).toBe(625);
  });

  it("turns a trade the risk check refuses entirely into HOLD 0, keeping the refusal", () => {
    // Down 3% on the day: no BUY at all.
    const decision = decide(input({ riskCheck: riskCheckWith(0, 103_100) }));
    expect(decision).toMatchObject({
      action: "HOLD",
      signal: "BUY",
      quantity: 0,
      sizedQuantity: 125,
      holdReason: "risk_rejected",
      confidence: 0.25,
    });
    expect(decision.riskValidation?.approved).toBe(false);
    expect(decision.riskValidation?.rejection_reasons[0]?.code).toBe("DAILY_LOSS_LIMIT");
  });

  it("holds when the trade rounds to no shares", () => {
    // 0.5 × 0.1 × 100,000 / 20,000 = 0.25 shares.
    expect(decide(input({ price: 20_000 }))).toMatchObject({ action: "HOLD", holdReason: "below_one_share" });
  });

  it("caps a BUY at the headroom it is given, and holds when there is none", () => {
    // Sized 125 shares (as above); 80.7 shares of room left: 80.
    expect(decide(input({ maxBuyQuantity: 80.7 }))).toMatchObject({ action: "BUY", quantity: 80, sizedQuantity: 80 });
    expect(decide(input({ maxBuyQuantity: 500 }))).toMatchObject({ action: "BUY", quantity: 125 });
    expect(decide(input({ maxBuyQuantity: 0.9 }))).toMatchObject({
      action: "HOLD",
      quantity: 0,
      holdReason: "at_alert_level",
      sizedQuantity: 125,
    });
    // A SELL is never capped by it.
    const selling = { probabilities: { ...probabilities, bull_specialist: { sell: 0.75, hold: 0.125, buy: 0.125 } } };
    expect(decide(input({ ...selling, heldQuantity: 50, maxBuyQuantity: 0 }))).toMatchObject({ action: "SELL" });
  });

  it("decides without a risk check when none is given", () => {
    expect(decide(input()).riskValidation).toBeNull();
  });

  it("keeps the score in [−1, 1] against weights summing a hair above 1", () => {
    const allBuy: SpecialistProbabilities = {
      bull_specialist: { sell: 0, hold: 0, buy: 1 },
      bear_specialist: { sell: 0, hold: 0, buy: 1 },
      sideways_specialist: { sell: 0, hold: 0, buy: 1 },
    };
    const decision = decide(
      input({
        probabilities: allBuy,
        weights: { bull_specialist: 0.5, bear_specialist: 0.5, sideways_specialist: 1e-4 },
      }),
    );
    expect(decision.score).toBe(1);
    expect(decision.confidence).toBe(1);
  });

  it("refuses a nonsensical price", () => {
    expect(() => decide(input({ price: 0 }))).toThrow(RangeError);
  });
});
