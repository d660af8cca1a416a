import { describe, expect, it } from "vitest";
import { SlotRing, slotOf } from "./returns-window-slots";

describe("SlotRing", () => {
  it("reads back what was written for a slot, NaN for slots never written", () => {
    const ring = new SlotRing(3);
    ring.set(10, 1.5);
    expect(ring.get(10)).toBe(1.5);
    expect(ring.get(11)).toBeNaN();
    expect(ring.get(0)).toBeNaN();
  });

  it("forgets a slot once a slot one lap later takes its cell, without clearing anything in between", () => {
    const ring = new SlotRing(3);
    ring.set(4, 1);
    ring.set(5, 2);
    // 7 shares 4's cell (7 mod 3 = 4 mod 3 = 1); 6 was never written.
    ring.set(7, 3);
    expect(ring.get(4)).toBeNaN();
    expect(ring.get(5)).toBe(2);
    expect(ring.get(6)).toBeNaN();
    expect(ring.get(7)).toBe(3);
    // Far jump: 1,000 laps later slot 5's cell is still stamped 5, so 3,005 reads missing.
    expect(ring.get(3005)).toBeNaN();
  });

  it("rejects bad capacities and slots", () => {
    expect(() => new SlotRing(0)).toThrow(RangeError);
    expect(() => new SlotRing(1.5)).toThrow(RangeError);
    const ring = new SlotRing(2);
    expect(() => ring.set(-1, 0)).toThrow(RangeError);
    expect(() => ring.get(0.5)).toThrow(RangeError);
  });
});

describe("slotOf", () => {
  it("numbers intervals since the epoch, any time inside an interval mapping to it", () => {
    expect(slotOf(0, 60_000)).toBe(0);
    expect(slotOf(59_999, 60_000)).toBe(0);
    expect(slotOf(120_000, 60_000)).toBe(2);
    expect(() => slotOf(-1, 60_000)).toThrow(RangeError);
    expect(() => slotOf(Number.NaN, 60_000)).toThrow(RangeError);
  });
});
