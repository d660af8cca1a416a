import { describe, expect, it } from "vitest";
import { compactModelVersion, decisionRowFromEvent, eventFromDecisionRow } from "./decision-event-mapping";
import type { TradingDecisionEvent } from "./trading-decision-event";

const event: TradingDecisionEvent = {
  event_type: "trading_decision",
  timestamp: "2025-10-21T09:30:00.5-05:00",
  decision_id: "550E8400-E29B-41D4-A716-446655440000",
  symbol: "AAPL",
  action: "HOLD",
  quantity: 0,
  confidence: 0.5,
  regime_probs: { bull: 0.2, bear: 0.3, sideways: 0.5 },
  strategy_weights: { sideways_specialist: 1 },
  features: { rsi_14: 50 },
  risk_checks: {},
};

describe("compactModelVersion", () => {
  it("lists the versions in specialist-name order", () => {
    expect(compactModelVersion({ sideways: "s@5", bull: "b@3", bear: "r@2" })).toBe("r@2,b@3,s@5");
  });

  it("says `unknown` for an event that names no models", () => {
    expect(compactModelVersion(undefined)).toBe("unknown");
    expect(compactModelVersion({})).toBe("unknown");
  });
});

describe("decisionRowFromEvent", () => {
  it("stores the instant in UTC, the published text as is, and the id in lower case", () => {
    const row = decisionRowFromEvent(event);
    // 09:30:00.5 at UTC-5 is 14:30:00.500 UTC.
    expect(row.time).toEqual(new Date(Date.UTC(2025, 9, 21, 14, 30, 0, 500)));
    expect(row.eventTimestamp).toBe("2025-10-21T09:30:00.5-05:00");
    expect(row.id).toBe("550e8400-e29b-41d4-a716-446655440000");
    expect(row).toMatchObject({ regimeEntropy: null, riskApproved: null, latencyMs: null, modelVersion: "unknown" });
  });
});

describe("eventFromDecisionRow", () => {
  it("names the decision when a row is not a valid event", () => {
    const row = {
      id: "550e8400-e29b-41d4-a716-446655440000",
      time: new Date(Date.UTC(2025, 9, 21, 14, 30)),
      eventTimestamp: null,
      symbol: "AAPL",
      action: "HOLD",
      quantity: 0,
      confidence: 0.5,
      probBull: 0.2,
      probBear: 0.3,
      probSideways: 0.5,
      regimeEntropy: null,
      strategyWeights: {},
      features: {},
      // The prisma suite's example: strings, where the event has booleans.
      riskChecks: { position_limit: "pass" },
      riskApproved: null,
      modelVersions: null,
      latencyMs: null,
      price: null,
      score: null,
      source: null,
    };
    expect(() => eventFromDecisionRow(row)).toThrow(
      /decision 550e8400-e29b-41d4-a716-446655440000 is stored in a form that is not a trading_decision event/,
    );
    expect(eventFromDecisionRow({ ...row, riskChecks: { position_limit: true } }).risk_checks).toEqual({
      position_limit: true,
    });
  });
});
