import { describe, expect, it } from "vitest";
import type { RegimeEstimate } from "../regime/regime-detector";
import { fromRegimeEstimateEvent, regimeEstimateEvent, toRegimeEstimateEvent } from "./regime-estimate-event";

describe("regime estimate events", () => {
  it("carry an estimate to the wire and back unchanged", () => {
    const estimate: RegimeEstimate = {
      symbol: "QXAB",
      time: Date.parse("2024-03-04T14:31:00Z"),
      bull: 0.65,
      bear: 0.15,
      sideways: 0.2,
      entropy: 0.8865,
      modelVersion: "hmm3-abc",
    };
    const event = toRegimeEstimateEvent(estimate, "1min");
    expect(regimeEstimateEvent.parse(event)).toEqual({
      event_type: "regime_estimate",
      timestamp: "2024-03-04T14:31:00.000Z",
      symbol: "QXAB",
      timeframe: "1min",
      regime_probs: { bull: 0.65, bear: 0.15, sideways: 0.2 },
      entropy: 0.8865,
      model_version: "hmm3-abc",
    });
    expect(fromRegimeEstimateEvent(event)).toEqual(estimate);
  });

  it("refuses an entropy beyond ln 3", () => {
    const event = toRegimeEstimateEvent(
      { symbol: "A", time: 0, bull: 1, bear: 0, sideways: 0, entropy: 1.2, modelVersion: "m" },
      "1min",
    );
    expect(regimeEstimateEvent.safeParse(event).success).toBe(false);
  });
});
