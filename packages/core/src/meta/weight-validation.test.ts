import { describe, expect, it } from "vitest";
import { specialistNames } from "../models/specialist";
import { equalWeights } from "./strategy-weights";
import { needsCorrection, validateWeights } from "./weight-validation";

const w = (bull: number, bear: number, sideways: number) => ({
  bull_specialist: bull,
  bear_specialist: bear,
  sideways_specialist: sideways,
});

const sum = (weights: Readonly<Record<string, number>>) => specialistNames.reduce((s, n) => s + (weights[n] ?? 0), 0);

describe("validateWeights (spec scenario 3)", () => {
  it("passes a valid distribution through unflagged", () => {
    const result = validateWeights(w(0.2, 0.3, 0.5));
    expect(result.anomalies).toEqual([]);
    expect(result.fallback).toBe(false);
    expect(result.weights.bull_specialist).toBeCloseTo(0.2, 15);
    expect(result.weights.bear_specialist).toBeCloseTo(0.3, 15);
    expect(result.weights.sideways_specialist).toBeCloseTo(0.5, 15);
    expect(needsCorrection(result)).toBe(false);
  });

  it("repairs drift within the 0.001 tolerance silently and flags drift beyond it", () => {
    const within = validateWeights(w(0.2, 0.3, 0.5009));
    expect(within.anomalies).toEqual([]);
    expect(sum(within.weights)).toBeCloseTo(1, 15);
    const beyond = validateWeights(w(0.2, 0.3, 0.5011));
    expect(beyond.anomalies).toEqual(["sum_not_one"]);
    expect(beyond.weights.sideways_specialist).toBeCloseTo(0.5011 / 1.0011, 15);
    expect(needsCorrection(beyond)).toBe(true);
  });

  it("normalises weights = weights / sum(weights) when the sum is off", () => {
    const result = validateWeights(w(0.5, 0.5, 0.5));
    expect(result.anomalies).toEqual(["sum_not_one"]);
    expect(result.fallback).toBe(false);
    for (const name of specialistNames) expect(result.weights[name]).toBeCloseTo(1 / 3, 15);
  });

  it("clamps a negative weight to 0 and renormalises, flagging it even when the raw sum is 1", () => {
    const result = validateWeights(w(0.6, -0.2, 0.6));
    expect(result.anomalies).toEqual(["negative"]);
    expect(result.weights).toEqual(w(0.5, 0, 0.5));
    const both = validateWeights(w(0.8, -0.1, 0.8));
    expect(both.anomalies).toEqual(["sum_not_one", "negative"]);
    expect(both.weights).toEqual(w(0.5, 0, 0.5));
  });

  it("flags a weight above 0.99 but keeps it", () => {
    const result = validateWeights(w(0.995, 0.003, 0.002));
    expect(result.anomalies).toEqual(["dominant"]);
    expect(result.weights.bull_specialist).toBeCloseTo(0.995, 15);
    expect(needsCorrection(result)).toBe(false);
    expect(validateWeights(w(0.99, 0.005, 0.005)).anomalies).toEqual([]);
    expect(validateWeights(w(2, 0.001, 0.001)).anomalies).toEqual(["sum_not_one", "dominant"]);
  });

  it.each([
    ["NaN", w(Number.NaN, 0.5, 0.5)],
    ["+Infinity", w(0.2, Number.POSITIVE_INFINITY, 0.3)],
    ["-Infinity", w(0.2, 0.3, Number.NEGATIVE_INFINITY)],
  ])("falls back to equal weights on %s", (_label, raw) => {
    const result = validateWeights(raw);
    expect(result.anomalies).toEqual(["non_finite"]);
    expect(result.fallback).toBe(true);
    expect(result.weights).toEqual(equalWeights);
  });

  it("falls back to equal weights when nothing positive is left", () => {
    const zeros = validateWeights(w(0, 0, 0));
    expect(zeros.anomalies).toEqual(["sum_not_one", "all_zero"]);
    expect(zeros.fallback).toBe(true);
    expect(zeros.weights).toEqual(equalWeights);
    const negatives = validateWeights(w(-0.2, -0.3, 0));
    expect(negatives.anomalies).toEqual(["sum_not_one", "negative", "all_zero"]);
    expect(negatives.weights).toEqual(equalWeights);
  });

  it("gives equal weights that sum to exactly 1 in any order of addition", () => {
    const { weights } = validateWeights(w(Number.NaN, 0, 0));
    const [a, b, c] = specialistNames.map((name) => weights[name]) as [number, number, number];
    expect(a).toBe(1 / 3);
    for (const total of [a + b + c, a + c + b, b + c + a, c + b + a]) expect(total).toBe(1);
  });

  it("normalises weights near the top of the double range without overflowing", () => {
    const result = validateWeights(w(1e308, 1e308, 0));
    expect(result.anomalies).toEqual(["sum_not_one"]);
    expect(result.weights).toEqual(w(0.5, 0.5, 0));
  });

  it("returns frozen results", () => {
    const result = validateWeights(w(0.5, 0.5, 0.5));
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.weights)).toBe(true);
    expect(Object.isFrozen(result.anomalies)).toBe(true);
  });
});
