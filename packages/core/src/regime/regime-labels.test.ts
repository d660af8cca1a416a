import { describe, expect, it } from "vitest";
import {
  labelStatesByMeanReturn,
  type RegimeStateLabels,
  regimeStateLabelsSchema,
  toRegimeProbabilities,
} from "./regime-labels";
import { mulberry32, sumsInEveryOrder } from "./regime-test-support";

describe("labelStatesByMeanReturn", () => {
  const bull = [0.001, 0.008];
  const bear = [-0.002, 0.02];
  const sideways = [0.0001, 0.005];

  it.each([
    [[bull, bear, sideways], { bull: 0, bear: 1, sideways: 2 }],
    [[bull, sideways, bear], { bull: 0, bear: 2, sideways: 1 }],
    [[bear, bull, sideways], { bull: 1, bear: 0, sideways: 2 }],
    [[bear, sideways, bull], { bull: 2, bear: 0, sideways: 1 }],
    [[sideways, bull, bear], { bull: 1, bear: 2, sideways: 0 }],
    [[sideways, bear, bull], { bull: 2, bear: 1, sideways: 0 }],
  ])("highest mean return is bull, lowest bear, the other sideways: %j", (means, expected) => {
    expect(labelStatesByMeanReturn(means)).toEqual(expected);
  });

  it("ignores volatility when the mean returns differ", () => {
    // The bull state is the most volatile here; the label still follows the return.
    expect(
      labelStatesByMeanReturn([
        [0.003, 0.05],
        [-0.001, 0.001],
        [0.0, 0.002],
      ]),
    ).toEqual({ bull: 0, bear: 1, sideways: 2 });
  });

  it("tie rule: equal mean returns rank the calmer (lower volatility) state higher", () => {
    expect(
      labelStatesByMeanReturn([
        [0.001, 0.02],
        [0.001, 0.01],
        [-0.001, 0.01],
      ]),
    ).toEqual({ bull: 1, sideways: 0, bear: 2 });
    expect(
      labelStatesByMeanReturn([
        [0.002, 0.01],
        [0, 0.005],
        [0, 0.03],
      ]),
    ).toEqual({ bull: 0, sideways: 1, bear: 2 });
  });

  it("tie rule: equal return and volatility rank the lower state index higher", () => {
    expect(
      labelStatesByMeanReturn([
        [0, 0.01],
        [0, 0.01],
        [0, 0.01],
      ]),
    ).toEqual({ bull: 0, sideways: 1, bear: 2 });
  });

  it("needs exactly three states with finite means", () => {
    expect(() => labelStatesByMeanReturn([bull, bear])).toThrow(RangeError);
    expect(() => labelStatesByMeanReturn([bull, bear, [Number.NaN, 0.01]])).toThrow(RangeError);
  });

  it("the stored-labels schema refuses a state used twice", () => {
    expect(regimeStateLabelsSchema.safeParse({ bull: 0, bear: 0, sideways: 2 }).success).toBe(false);
    expect(regimeStateLabelsSchema.safeParse({ bull: 2, bear: 0, sideways: 1 }).success).toBe(true);
  });
});

describe("toRegimeProbabilities", () => {
  const identity: RegimeStateLabels = { bull: 0, bear: 1, sideways: 2 };

  it("maps states to labels", () => {
    const p = toRegimeProbabilities([0.25, 0.125, 0.625], { bull: 2, bear: 0, sideways: 1 });
    expect(p).toEqual({ bull: 0.625, bear: 0.25, sideways: 0.125 });
  });

  it("the naive remainder 1 − bull − bear does NOT always sum to exactly 1 (why this function exists)", () => {
    const bull = 0.01;
    const bear = 0.06;
    const naiveSideways = 1 - bull - bear;
    expect(bull + bear + naiveSideways).not.toBe(1);
    const p = toRegimeProbabilities([bull, bear, 0.93], identity);
    expect(p.bull + p.bear + p.sideways).toBe(1);
  });

  it("sums to exactly 1 in every order of addition, for many random and adversarial inputs", () => {
    const random = mulberry32(123);
    const inputs: number[][] = [
      [0.01, 0.06, 0.93],
      [0.1, 0.2, 0.7],
      [1 / 3, 1 / 3, 1 / 3],
      [1, 0, 0],
      [0, 0, 1],
      [1e-300, 1 - 1e-16, 1e-16],
      [0.5 + 2 ** -53, 0.5 - 2 ** -53, 0],
    ];
    for (let i = 0; i < 20_000; i++) {
      const a = random() ** 4;
      const b = random() * (1 - a);
      inputs.push([a, b, 1 - a - b]);
    }
    const violations: string[] = [];
    for (const input of inputs) {
      const p = toRegimeProbabilities(input, identity);
      const values = [p.bull, p.bear, p.sideways];
      if (sumsInEveryOrder(p.bull, p.bear, p.sideways).some((sum) => sum !== 1)) violations.push(`sum ${input}`);
      if (values.some((value) => !(value >= 0 && value <= 1))) violations.push(`range ${input}`);
      // Each value moves by at most one grid step (2^-52) from its input, plus the input's own
      // rounding error in the remainder.
      if (
        Math.abs(p.bull - (input[0] ?? 0)) > 2 ** -52 ||
        Math.abs(p.bear - (input[1] ?? 0)) > 2 ** -52 ||
        Math.abs(p.sideways - (input[2] ?? 0)) > 2 ** -50
      ) {
        violations.push(`distance ${input}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("rejects inputs that are not a distribution", () => {
    expect(() => toRegimeProbabilities([0.5, 0.5], identity)).toThrow(RangeError);
    expect(() => toRegimeProbabilities([0.5, 0.6, 0.2], identity)).toThrow(RangeError);
    expect(() => toRegimeProbabilities([Number.NaN, 0.5, 0.5], identity)).toThrow(RangeError);
  });
});
