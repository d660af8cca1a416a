import { describe, expect, it } from "vitest";
import { summariseShap } from "./shap-contributions";

// Thirteen features; by |value| the order is m, c, k, a, j, f, (b, e tie at 0.06: name order), h, d | g, i, l.
const shapValues = {
  a: 0.1,
  b: -0.06,
  c: -0.3,
  d: 0.02,
  e: 0.06,
  f: -0.07,
  g: 0.01,
  h: 0.03,
  i: -0.005,
  j: 0.08,
  k: 0.25,
  l: 0,
  m: 0.4,
};

describe("summariseShap", () => {
  it("keeps the ten largest contributions by |value|, largest first, ties by feature name", () => {
    const summary = summariseShap(shapValues);
    expect(summary.top.map((entry) => entry.feature)).toEqual(["m", "c", "k", "a", "j", "f", "b", "e", "h", "d"]);
    expect(summary.top.map((entry) => entry.value)).toEqual([
      0.4, -0.3, 0.25, 0.1, 0.08, -0.07, -0.06, 0.06, 0.03, 0.02,
    ]);
  });

  it("accounts for what the top leaves out", () => {
    const summary = summariseShap(shapValues);
    expect(summary.restCount).toBe(3);
    // g + i + l = 0.01 - 0.005 + 0
    expect(summary.restSum).toBeCloseTo(0.005, 12);
    // Sum of all thirteen, added by hand: 0.4 - 0.3 + 0.25 + 0.1 + 0.08 - 0.07 - 0.06 + 0.06 + 0.03 + 0.02 + 0.005
    expect(summary.total).toBeCloseTo(0.515, 12);
  });

  it("does not depend on the order the record was built in", () => {
    const reversed = Object.fromEntries(Object.entries(shapValues).reverse());
    expect(summariseShap(reversed).top).toEqual(summariseShap(shapValues).top);
  });

  it("honours a smaller limit and drops non-finite values", () => {
    const summary = summariseShap({ x: Number.NaN, y: -2, z: 1, w: Number.POSITIVE_INFINITY }, 1);
    expect(summary.top).toEqual([{ feature: "y", value: -2 }]);
    expect(summary.restCount).toBe(1);
    expect(summary.total).toBe(-1);
  });

  it("summarises nothing as nothing", () => {
    expect(summariseShap({})).toEqual({ top: [], restCount: 0, restSum: 0, total: 0 });
  });
});
