import { describe, expect, it } from "vitest";
import { SpecialistPerformance } from "./specialist-performance";

const scores = (bull: number, bear: number, sideways: number) => ({
  bull_specialist: bull,
  bear_specialist: bear,
  sideways_specialist: sideways,
});

describe("SpecialistPerformance", () => {
  /**
   * Closes 100, 110, 99, 108.9: returns +10%, −10%, +10%. Scores held over each bar:
   * (1, −1, 0.5), (0.5, −1, 0), (1, 0.5, 0). Signal P&Ls r·s:
   *   bull      0.1, −0.05, 0.1   mean 0.05, sd √0.0075        -> 1/√3
   *   bear     −0.1,  0.1, 0.05   mean 1/60, sd √(13/1200)     -> √(1200/13)/60
   *   sideways  0.05,  0,   0     mean 1/60, sd √(1/1200)      -> 1/√3
   */
  function hand(): SpecialistPerformance {
    const performance = new SpecialistPerformance({ window: 3 });
    performance.observe(100);
    performance.hold(scores(1, -1, 0.5));
    performance.observe(110);
    performance.hold(scores(0.5, -1, 0));
    performance.observe(99);
    performance.hold(scores(1, 0.5, 0));
    return performance;
  }

  it("is 0 until the window is full", () => {
    const performance = hand();
    expect(performance.samples).toBe(2);
    expect(performance.ratios()).toEqual(scores(0, 0, 0));
  });

  it("is mean / sample sd of return × previous score over the window", () => {
    const performance = hand();
    performance.observe(108.9);
    expect(performance.samples).toBe(3);
    expect(performance.ratio("bull_specialist")).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(performance.ratio("bear_specialist")).toBeCloseTo(Math.sqrt(1200 / 13) / 60, 12);
    expect(performance.ratio("sideways_specialist")).toBeCloseTo(1 / Math.sqrt(3), 12);
  });

  it("slides: the oldest P&L leaves the window", () => {
    const performance = hand();
    performance.observe(108.9);
    performance.hold(scores(0, 1, 0));
    performance.observe(98.01);
    // bull now −0.05, 0.1, 0: mean 1/60, sd √(7/1200).
    expect(performance.ratio("bull_specialist")).toBeCloseTo(Math.sqrt(1200 / 7) / 60, 12);
    // bear 0.1, 0.05, −0.1 (98.01 / 108.9 − 1 = −0.1): the bear pattern of before, reordered.
    expect(performance.ratio("bear_specialist")).toBeCloseTo(Math.sqrt(1200 / 13) / 60, 12);
    // sideways 0, 0, 0: no spread, no evidence.
    expect(performance.ratio("sideways_specialist")).toBe(0);
  });

  it("judges scores only against the very next bar", () => {
    const performance = new SpecialistPerformance({ window: 2 });
    performance.observe(100);
    performance.hold(scores(1, 1, 1));
    performance.observe(101);
    // Bar without scores: the next return is judged against nothing.
    performance.observe(150);
    expect(performance.samples).toBe(1);
    performance.hold(scores(1, 1, 1));
    performance.observe(153);
    expect(performance.samples).toBe(2);
    // P&Ls 0.01 and 0.02 (150 -> 153), not the 101 -> 150 jump.
    const mean = 0.015;
    const sd = Math.sqrt(((0.01 - mean) ** 2 + (0.02 - mean) ** 2) / 1);
    expect(performance.ratio("bull_specialist")).toBeCloseTo(mean / sd, 10);
  });

  it("refuses non-finite prices and scores", () => {
    const performance = new SpecialistPerformance();
    expect(() => performance.observe(0)).toThrow(RangeError);
    expect(() => performance.hold(scores(Number.NaN, 0, 0))).toThrow(RangeError);
    expect(() => new SpecialistPerformance({ window: 1 })).toThrow(RangeError);
  });
});
