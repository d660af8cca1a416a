import { describe, expect, it } from "vitest";
import { type TradingDecisionEvent, tradingDecisionEvent } from "../events/trading-decision";
import {
  formatPercent,
  formatSigned,
  regimeReasoningText,
  strategySelectionText,
  topShapValues,
} from "./explanation-text";

function event(overrides: Partial<TradingDecisionEvent>): TradingDecisionEvent {
  return tradingDecisionEvent.parse({
    event_type: "trading_decision",
    timestamp: "2025-01-06T14:30:00Z",
    decision_id: "550e8400-e29b-41d4-a716-446655440000",
    symbol: "QVXL",
    action: "SELL",
    quantity: 10,
    confidence: 0.625,
    regime_probs: { bull: 0.02, bear: 0.96, sideways: 0.02 },
    strategy_weights: { bull_specialist: 0.05, bear_specialist: 0.9, sideways_specialist: 0.05 },
    features: {},
    risk_checks: {},
    ...overrides,
  });
}

describe("number formats", () => {
  it("writes percentages with at most one decimal", () => {
    expect([0.65, 0.6543, 0.1, 1, 0, 0.07, 0.999].map(formatPercent)).toEqual([
      "65%",
      "65.4%",
      "10%",
      "100%",
      "0%",
      "7%",
      "99.9%",
    ]);
  });

  it("signs scores", () => {
    expect([0.1, -0.25, 0, -0.0001].map(formatSigned)).toEqual(["+0.100", "-0.250", "+0.000", "-0.000"]);
  });

  it("ranks SHAP values by magnitude, ties by name", () => {
    expect(topShapValues({ a: 0.1, b: -0.3, c: 0.3, d: 0.01 }, 3)).toEqual([
      ["b", -0.3],
      ["c", 0.3],
      ["a", 0.1],
    ]);
  });
});

describe("regimeReasoningText", () => {
  it("computes the entropy when the event does not carry it, and quotes no observation it lacks", () => {
    // −(0.96 ln 0.96 + 2 · 0.02 ln 0.02) = 0.03919 + 0.15648 = 0.19567 nats: 18 % of ln 3.
    expect(regimeReasoningText(event({}))).toBe(
      "Bear regime probability (96%) ahead of bull (2%) and sideways (2%); entropy 0.20 of at most 1.10 nats, so the detector is confident.",
    );
  });

  it("quotes the filter's observation without the 20-bar return when it is absent", () => {
    const text = regimeReasoningText(event({ features: { log_return_1: -0.0031, volatility_20: 0.0024 } }));
    expect(text).toContain("1-bar log return -0.31%, 20-bar volatility 0.24%.");
  });
});

describe("strategySelectionText", () => {
  it("lists weights largest first and leaves out contributions that are exactly zero", () => {
    const text = strategySelectionText({
      event: event({}),
      specialistScores: { bull_specialist: 0.2, bear_specialist: -0.5, sideways_specialist: 0 },
      score: -0.44,
      baseValue: 0.01,
      shapValues: { rsi_14: -0.3, macd: 0, volume_ratio: -0.15 },
      topFeatures: 3,
    });
    expect(text).toBe(
      "Meta-controller weighted bear specialist at 90%, bull specialist at 5% and sideways specialist at 5%. " +
        "Specialist scores P(BUY) − P(SELL): bear -0.500, bull +0.200, sideways +0.000. " +
        "Blended score -0.440 → SELL at 62.5% confidence. " +
        "Largest feature contributions against the background average +0.010: rsi_14 -0.300, volume_ratio -0.150.",
    );
  });
});
