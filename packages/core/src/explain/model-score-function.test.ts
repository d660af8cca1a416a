import { describe, expect, it } from "vitest";
import type { Mlp } from "../models/mlp";
import { MlpModelRuntime } from "../models/mlp-model-runtime";
import { handWorkedMlp, handWorkedOnnx } from "../models/model-runtime-contract";
import { exportMlpToOnnx } from "../models/onnx-export";
import { blendedScoreFunction } from "./model-score-function";
import { exactShapley } from "./shapley";

/** The hand-worked network with its SELL and BUY outputs swapped: every score changes sign. */
function mirrored(): Mlp {
  const [hidden, output] = handWorkedMlp.layers;
  if (!hidden || !output) throw new Error("hand-worked network has two layers");
  const w = output.weights;
  const b = output.bias;
  return {
    ...handWorkedMlp,
    layers: [
      hidden,
      {
        ...output,
        weights: Float64Array.from([w[4] ?? 0, w[5] ?? 0, w[2] ?? 0, w[3] ?? 0, w[0] ?? 0, w[1] ?? 0]),
        bias: Float64Array.from([b[2] ?? 0, b[1] ?? 0, b[0] ?? 0]),
      },
    ],
  };
}

describe("blendedScoreFunction", () => {
  it("scores P(BUY) − P(SELL), blended by the given weights", async () => {
    const runtime = new MlpModelRuntime();
    const model = await runtime.load(handWorkedOnnx(), { name: "hand" });
    const mirror = await runtime.load(exportMlpToOnnx(mirrored(), { featureNames: ["a", "b"] }), { name: "mirror" });
    // x = (−1, 2): p = (¼, ¼, ½), score ¼. x = (3, 6): p ∝ (1, e, 2√e), score (2√e − 1) / (1 + e + 2√e).
    const e = Math.E;
    const scores = [0.25, (2 * Math.sqrt(e) - 1) / (1 + e + 2 * Math.sqrt(e))];
    const batch = Float64Array.from([-1, 2, 3, 6]);
    const single = await blendedScoreFunction([{ model, weight: 1 }])(batch, 2);
    const blended = await blendedScoreFunction([
      { model, weight: 0.75 },
      { model: mirror, weight: 0.25 },
    ])(batch, 2);
    for (const [r, s] of scores.entries()) {
      expect(single[r]).toBeCloseTo(s, 6);
      expect(blended[r]).toBeCloseTo(0.5 * s, 6);
    }
  });

  it("refuses models of different widths and non-finite weights", async () => {
    const runtime = new MlpModelRuntime();
    const model = await runtime.load(handWorkedOnnx(), { name: "hand" });
    expect(() => blendedScoreFunction([])).toThrow(RangeError);
    expect(() => blendedScoreFunction([{ model, weight: Number.NaN }])).toThrow(RangeError);
  });

  it("explains a loaded model's score: base value + Σ φ equals the model's own output within 1e-6", async () => {
    const model = await new MlpModelRuntime().load(handWorkedOnnx(), { name: "hand" });
    const f = blendedScoreFunction([{ model, weight: 1 }]);
    const x = [4.2, 1.3];
    const explanation = await exactShapley({
      f,
      x,
      background: [
        [1, 2],
        [3, 6],
        [-1, 2],
        [0.5, 9],
      ],
      featureNames: ["momentum", "volatility"],
    });
    const p = await model.run(Float32Array.from(x), 1);
    const output = (p[2] as number) - (p[0] as number);
    const sum = (explanation.values.momentum as number) + (explanation.values.volatility as number);
    expect(Math.abs(explanation.baseValue + sum - output)).toBeLessThan(1e-6);
  });
});
