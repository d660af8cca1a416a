import { describe, expect, it } from "vitest";
import { tradingDecisionEvent } from "./trading-decision";

/** The example event from the spec's "Kafka Event Schemas" section. */
const specExample = {
  event_type: "trading_decision",
  timestamp: "2025-10-21T14:30:00Z",
  decision_id: "550e8400-e29b-41d4-a716-446655440000",
  symbol: "AAPL",
  action: "BUY",
  quantity: 100,
  confidence: 0.85,
  regime_probs: { bull: 0.65, bear: 0.15, sideways: 0.2 },
  strategy_weights: { bull_specialist: 0.6, bear_specialist: 0.1, sideways_specialist: 0.3 },
  features: { rsi: 45.3, macd: 0.012, volume_ratio: 1.23 },
  risk_checks: { position_limit_ok: true, concentration_ok: true, correlation_ok: true },
};

describe("tradingDecisionEvent", () => {
  it("accepts the spec's example", () => {
    expect(tradingDecisionEvent.parse(specExample)).toEqual(specExample);
  });

  it.each([
    ["an unknown action", { action: "SHORT" }],
    ["a probability above 1", { confidence: 1.2 }],
    ["a non-finite feature", { features: { rsi: Number.NaN } }],
    ["a malformed id", { decision_id: "42" }],
    ["a timestamp without zone", { timestamp: "2025-10-21 14:30" }],
  ])("rejects %s", (_label, change) => {
    expect(tradingDecisionEvent.safeParse({ ...specExample, ...change }).success).toBe(false);
  });
});
