import { describe, expect, it } from "vitest";
import { EquityCurve } from "./risk-metrics-equity-curve";

const MIN = 60_000;
const T0 = 1_700_000_040_000;

describe("EquityCurve", () => {
  it("keeps one value per interval (the last recorded), NaN where none was, the latest `capacity` intervals", () => {
    const curve = new EquityCurve({ intervalMs: MIN, capacity: 4 });
    curve.record(T0, 100);
    curve.record(T0 + MIN, 101);
    curve.record(T0 + MIN + 59_000, 102); // same interval: replaces 101
    curve.record(T0 + 3 * MIN, 104);
    expect([...curve.values()]).toEqual([100, 102, Number.NaN, 104]);
    curve.record(T0 + 4 * MIN, 105);
    expect(curve.length).toBe(4);
    expect([...curve.values()]).toEqual([102, Number.NaN, 104, 105]);
    expect([...curve.values(2)]).toEqual([104, 105]);
    expect([...curve.values(10)]).toEqual([102, Number.NaN, 104, 105]);
    expect(curve.record(T0, 99)).toBe(false);
  });

  it("rejects non-positive values", () => {
    const curve = new EquityCurve({ intervalMs: MIN, capacity: 4 });
    expect(() => curve.record(T0, 0)).toThrow(RangeError);
    expect(curve.length).toBe(0);
    expect([...curve.values()]).toEqual([]);
  });
});
