import { describe, expect, it } from "vitest";
import { defaultMetaControllerParams, MetaController, type MetaControllerInput } from "./meta-controller";
import { validateWeights } from "./weight-validation";

const noPerformance = { bull_specialist: 0, bear_specialist: 0, sideways_specialist: 0 };

function input(
  bull: number,
  bear: number,
  sideways: number,
  entropy: number,
  performance = noPerformance,
): MetaControllerInput {
  return { regime: { bull, bear, sideways }, entropy, performance };
}

function withTheta(theta: number[][], performanceClip = 1): MetaController {
  return new MetaController({ ...defaultMetaControllerParams, version: "test", theta, performanceClip });
}

describe("MetaController", () => {
  it("is a softmax of the logits: biases ln 2, ln 3, ln 5 give 0.2, 0.3, 0.5", () => {
    const controller = withTheta([
      [0, 0, 0, 0, 0, Math.log(2)],
      [0, 0, 0, 0, 0, Math.log(3)],
      [0, 0, 0, 0, 0, Math.log(5)],
    ]);
    const weights = controller.weights(input(0.4, 0.4, 0.2, 1));
    expect(weights.bull_specialist).toBeCloseTo(0.2, 15);
    expect(weights.bear_specialist).toBeCloseTo(0.3, 15);
    expect(weights.sideways_specialist).toBeCloseTo(0.5, 15);
  });

  it("computes logits θ_k · [p_bull, p_bear, p_sideways, H, perf_k, 1] with perf clipped", () => {
    const controller = withTheta([
      [1, 2, 0, -1, 0.5, 0.1],
      [0, 1, 3, 0, -2, 0],
      [2, 0, 1, 1, 1, -0.5],
    ]);
    const x = input(0.5, 0.3, 0.2, 0.9, { bull_specialist: 0.4, bear_specialist: -0.2, sideways_specialist: 2 });
    // By hand: bull 0.5 + 0.6 − 0.9 + 0.2 + 0.1 = 0.5; bear 0.3 + 0.6 + 0.4 = 1.3;
    // sideways 1.0 + 0.2 + 0.9 + 1 (2 clipped to 1) − 0.5 = 2.6.
    const logits = controller.logits(x);
    expect(logits[0]).toBeCloseTo(0.5, 14);
    expect(logits[1]).toBeCloseTo(1.3, 14);
    expect(logits[2]).toBeCloseTo(2.6, 14);
    const total = Math.exp(0.5) + Math.exp(1.3) + Math.exp(2.6);
    const weights = controller.weights(x);
    expect(weights.bull_specialist).toBeCloseTo(Math.exp(0.5) / total, 14);
    expect(weights.bear_specialist).toBeCloseTo(Math.exp(1.3) / total, 14);
    expect(weights.sideways_specialist).toBeCloseTo(Math.exp(2.6) / total, 14);
    expect(weights.sideways_specialist).toBeCloseTo(0.716852, 6);
  });

  it("by default routes mostly to the certain regime's specialist without collapsing onto it", () => {
    const controller = new MetaController();
    const bull = controller.weights(input(1, 0, 0, 0));
    // e^4 / (e^4 + 2)
    expect(bull.bull_specialist).toBeCloseTo(0.964663, 6);
    expect(bull.bear_specialist).toBeCloseTo(0.017668, 6);
    expect(validateWeights(bull).anomalies).toEqual([]);
    const bear = controller.weights(input(0, 1, 0, 0));
    expect(bear.bear_specialist).toBeCloseTo(0.964663, 6);
  });

  it("by default leans to the sideways specialist under maximal uncertainty", () => {
    const weights = new MetaController().weights(input(1 / 3, 1 / 3, 1 / 3, Math.log(3)));
    // Logits 4/3, 4/3, 4/3 + 0.5 ln 3: sideways e^{0.5 ln 3} = √3 against 1 and 1.
    expect(weights.sideways_specialist).toBeCloseTo(Math.sqrt(3) / (2 + Math.sqrt(3)), 14);
    expect(weights.bull_specialist).toBeCloseTo(1 / (2 + Math.sqrt(3)), 14);
  });

  it("by default gives the spec's example regime 0.718 / 0.097 / 0.185", () => {
    const p = [0.65, 0.15, 0.2];
    const entropy = -p.reduce((sum, q) => sum + q * Math.log(q), 0);
    const weights = new MetaController().weights(input(0.65, 0.15, 0.2, entropy));
    expect(weights.bull_specialist).toBeCloseTo(0.71796, 5);
    expect(weights.bear_specialist).toBeCloseTo(0.09717, 5);
    expect(weights.sideways_specialist).toBeCloseTo(0.18487, 5);
  });

  it("tilts toward the recent performer: 0.25 ahead means e^0.5 times the weight", () => {
    const controller = new MetaController();
    const weights = controller.weights(
      input(1 / 3, 1 / 3, 1 / 3, 0, { bull_specialist: 0.25, bear_specialist: 0, sideways_specialist: 0 }),
    );
    expect(weights.bull_specialist / weights.bear_specialist).toBeCloseTo(Math.exp(0.5), 12);
  });

  it("does not overflow on huge logits", () => {
    const weights = withTheta([
      [0, 0, 0, 0, 0, 1000],
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 999],
    ]).weights(input(0.3, 0.3, 0.4, 1));
    expect(weights.bull_specialist).toBeCloseTo(1 / (1 + Math.exp(-1)), 14);
    expect(weights.bear_specialist).toBe(0);
  });

  it("lets a NaN input through as NaN weights, which validation replaces by equal weights", () => {
    const raw = new MetaController().weights(input(Number.NaN, 0.5, 0.5, 0.7));
    expect(Number.isNaN(raw.bull_specialist)).toBe(true);
    const validated = validateWeights(raw);
    expect(validated.fallback).toBe(true);
    expect(validated.anomalies).toEqual(["non_finite"]);
    const nanPerformance = new MetaController().weights(
      input(0.5, 0.25, 0.25, 1, { bull_specialist: Number.NaN, bear_specialist: 0, sideways_specialist: 0 }),
    );
    expect(validateWeights(nanPerformance).fallback).toBe(true);
  });

  it("round-trips its parameters through JSON and refuses malformed ones", () => {
    const restored = MetaController.fromJSON(JSON.parse(JSON.stringify(new MetaController())));
    expect(restored.toJSON()).toEqual(defaultMetaControllerParams);
    expect(restored.version).toBe("meta-v1-default");
    const short = { ...defaultMetaControllerParams, theta: [[1, 2, 3, 4, 5]] };
    expect(() => MetaController.fromJSON(short)).toThrow();
    const infinite = {
      ...defaultMetaControllerParams,
      theta: [
        [1, 0, 0, 0, 0, Infinity],
        [0, 1, 0, 0, 0, 0],
        [0, 0, 1, 0, 0, 0],
      ],
    };
    expect(() => MetaController.fromJSON(infinite)).toThrow();
  });
});
