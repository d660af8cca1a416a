import { describe, expect, it } from "vitest";
import { forwardReturnLabels } from "./labels";

describe("forwardReturnLabels", () => {
  it("labels by close[t + h] / close[t] − 1 against ±θ, horizon 1", () => {
    // Returns: 110/100 − 1 = +10 %, 99/110 − 1 = −10 %, 125/99 − 1 = +26.3 %, 125/125 − 1 = 0.
    expect(forwardReturnLabels([100, 110, 99, 125, 125], { horizon: 1, threshold: 0.05 })).toEqual([
      "BUY",
      "SELL",
      "BUY",
      "HOLD",
      null,
    ]);
  });

  it("looks h bars ahead and leaves the last h rows unlabelled", () => {
    // Returns: 99/100 − 1 = −1 %, 125/110 − 1 = +13.6 %, 125/99 − 1 = +26.3 %.
    expect(forwardReturnLabels([100, 110, 99, 125, 125], { horizon: 2, threshold: 0.05 })).toEqual([
      "HOLD",
      "BUY",
      "BUY",
      null,
      null,
    ]);
    expect(forwardReturnLabels([100, 110], { horizon: 5, threshold: 0.05 })).toEqual([null, null]);
  });

  it("treats a return of exactly ±θ as HOLD (the bands are strict)", () => {
    // 125/100 − 1 and 75/100 − 1 are exactly ±0.25 in binary floating point.
    expect(forwardReturnLabels([100, 125], { horizon: 1, threshold: 0.25 })).toEqual(["HOLD", null]);
    expect(forwardReturnLabels([100, 75], { horizon: 1, threshold: 0.25 })).toEqual(["HOLD", null]);
    expect(forwardReturnLabels([100, 125], { horizon: 1, threshold: 0.2499 })).toEqual(["BUY", null]);
  });

  it("with θ = 0 only an unchanged close is HOLD", () => {
    expect(forwardReturnLabels([10, 11, 11, 9], { horizon: 1, threshold: 0 })).toEqual(["BUY", "HOLD", "SELL", null]);
  });

  it("depends only on close[t] and close[t + h]: no bar the features saw after t, none beyond t + h", () => {
    const closes = [100, 101, 103, 102, 104, 108, 107, 110];
    const h = 3;
    const base = forwardReturnLabels(closes, { horizon: h, threshold: 0.01 });
    const t = 2;
    const changed = [...closes];
    changed[t - 1] = 50; // before t: seen by the features only
    changed[t + 1] = 500; // strictly inside the label window, not at its end
    changed[t + h + 1] = 1; // after the window
    expect(forwardReturnLabels(changed, { horizon: h, threshold: 0.01 })[t]).toBe(base[t]);
  });

  it("rejects a non-positive horizon, a negative threshold and non-positive closes", () => {
    expect(() => forwardReturnLabels([1, 2], { horizon: 0, threshold: 0.1 })).toThrow();
    expect(() => forwardReturnLabels([1, 2], { horizon: 1.5, threshold: 0.1 })).toThrow();
    expect(() => forwardReturnLabels([1, 2], { horizon: 1, threshold: -0.1 })).toThrow();
    expect(() => forwardReturnLabels([1, 0, 2], { horizon: 1, threshold: 0.1 })).toThrow(RangeError);
    expect(() => forwardReturnLabels([1, Number.NaN], { horizon: 1, threshold: 0.1 })).toThrow(RangeError);
  });
});
