import { describe, expect, it } from "vitest";
import { regimeObservation } from "./regime-observation";

describe("regimeObservation", () => {
  it("is [log_return_1, volatility_20] once both exist", () => {
    expect(regimeObservation({ features: { log_return_1: 0.01, volatility_20: 0.02, price: 5 } })).toEqual([
      0.01, 0.02,
    ]);
  });

  it("is undefined while either warms up or when one is not finite", () => {
    expect(regimeObservation({ features: { log_return_1: 0.01 } })).toBeUndefined();
    expect(regimeObservation({ features: { volatility_20: 0.02 } })).toBeUndefined();
    expect(regimeObservation({ features: { log_return_1: Number.NaN, volatility_20: 0.02 } })).toBeUndefined();
  });
});
