import { describe, expect, it } from "vitest";
import { IndicatorInputError } from "./indicator";
import { StandardScore } from "./standard-score";

describe("StandardScore", () => {
  it("scores against the window including the input: 1, 2, 3 → (3 − 2)/1 = 1", () => {
    // mean 2, sample variance (1 + 0 + 1)/2 = 1
    const score = new StandardScore(3, "window");
    expect([score.update(1), score.update(2), score.update(3)]).toEqual([undefined, undefined, 1]);
    // window 2, 3, 7: mean 4, sample variance (4 + 1 + 9)/2 = 7
    expect(score.update(7)).toBeCloseTo(3 / Math.sqrt(7), 14);
  });

  it("scores against the inputs before it: 1, 2, 3 then 5 → (5 − 2)/1 = 3", () => {
    const score = new StandardScore(3, "previous");
    expect([score.update(1), score.update(2), score.update(3)]).toEqual([undefined, undefined, undefined]);
    expect(score.update(5)).toBe(3);
    expect(score.warmup).toBe(4);
  });

  it("has no score while the baseline is constant", () => {
    const previous = new StandardScore(3, "previous");
    for (const x of [4, 4, 4]) previous.update(x);
    expect(previous.update(9)).toBeUndefined();
    // baseline 4, 4, 9 now has a spread
    expect(previous.update(9)).toBeDefined();
    const window = new StandardScore(3, "window");
    for (const x of [1, 4, 4]) window.update(x);
    expect(window.value()).toBeDefined();
    expect(window.update(4)).toBeUndefined();
  });

  it("throws a typed error naming the indicator on NaN or ±Infinity, and refuses a period below 2", () => {
    const score = new StandardScore(2, "window");
    expect(() => score.update(Number.NaN)).toThrow(IndicatorInputError);
    expect(() => score.update(Number.POSITIVE_INFINITY)).toThrow(/^zscore\(2,window\)/);
    expect(() => new StandardScore(1, "previous")).toThrow(RangeError);
  });

  it("starts over after reset()", () => {
    const score = new StandardScore(2, "previous");
    for (const x of [1, 3, 10]) score.update(x);
    score.reset();
    expect([score.value(), score.update(1), score.update(3)]).toEqual([undefined, undefined, undefined]);
    // baseline 1, 3: mean 2, s √2
    expect(score.update(4)).toBeCloseTo(Math.SQRT2, 14);
  });
});
