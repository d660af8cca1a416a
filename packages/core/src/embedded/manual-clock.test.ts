import { describe, expect, it } from "vitest";
import { ManualClock } from "./manual-clock";

describe("ManualClock", () => {
  it("starts at the given time, or the epoch", () => {
    expect(new ManualClock(1_700_000_000_000).now()).toBe(1_700_000_000_000);
    expect(new ManualClock().now()).toBe(0);
  });

  it("moves only when told to", () => {
    const clock = new ManualClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
    clock.advance(0);
    expect(clock.now()).toBe(1_250);
    clock.set(5_000);
    expect(clock.now()).toBe(5_000);
    clock.set(5_000);
    expect(clock.now()).toBe(5_000);
  });

  it("refuses to go backwards and leaves the time unchanged", () => {
    const clock = new ManualClock(1_000);
    expect(() => clock.set(999)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(clock.now()).toBe(1_000);
  });

  it("rejects non-finite times", () => {
    expect(() => new ManualClock(Number.NaN)).toThrow(RangeError);
    const clock = new ManualClock(0);
    expect(() => clock.set(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(clock.now()).toBe(0);
  });
});
