import { describe, expect, it } from "vitest";
import {
  acceleratedSchedule,
  barStartContaining,
  dueTime,
  historyStartTime,
  realTimeSchedule,
  stepsDue,
} from "./pacing";

describe("pace schedules", () => {
  it("spaces an accelerated schedule at 1000/rate ms from its start", () => {
    const schedule = acceleratedSchedule(10_000, 4);
    expect(schedule.intervalMs).toBe(250);
    expect(dueTime(schedule, 0)).toBe(10_000);
    expect(dueTime(schedule, 3)).toBe(10_750);
  });

  it("counts the intervals due by a time, the boundaries included", () => {
    const schedule = acceleratedSchedule(10_000, 4);
    expect(stepsDue(schedule, 9_999)).toBe(0);
    expect(stepsDue(schedule, 10_000)).toBe(1);
    expect(stepsDue(schedule, 10_249)).toBe(1);
    expect(stepsDue(schedule, 10_250)).toBe(2);
    // A loop that slept through 10 s owes 41 intervals in all, not one: it catches up.
    expect(stepsDue(schedule, 20_000)).toBe(41);
  });

  it("releases a real-time bar when it completes", () => {
    const schedule = realTimeSchedule(120_000, "1min");
    expect(dueTime(schedule, 0)).toBe(180_000);
    expect(stepsDue(schedule, 179_999)).toBe(0);
    expect(stepsDue(schedule, 180_000)).toBe(1);
    expect(realTimeSchedule(0, "1hour").intervalMs).toBe(3_600_000);
  });

  it("rejects a rate that is not a positive number", () => {
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => acceleratedSchedule(0, rate)).toThrow(RangeError);
    }
  });
});

describe("history start times", () => {
  it("rounds a time down to its bar", () => {
    expect(barStartContaining(125_000, "1min")).toBe(120_000);
    expect(barStartContaining(120_000, "1min")).toBe(120_000);
    expect(barStartContaining(7_199_999, "1hour")).toBe(3_600_000);
  });

  it("starts history so that its last bar is the last one complete at `now`", () => {
    // At 10:02:05 (in ms from midnight) the bar 10:02 is in progress; 3 bars of history are 9:59, 10:00, 10:01.
    const now = (10 * 60 + 2) * 60_000 + 5_000;
    expect(historyStartTime(now, 3, "1min")).toBe((9 * 60 + 59) * 60_000);
    expect(historyStartTime(now, 0, "5min")).toBe(10 * 60 * 60_000);
    expect(() => historyStartTime(now, -1, "1min")).toThrow(RangeError);
  });
});
