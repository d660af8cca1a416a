import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LoadedModel, ModelClosedError, type ModelRuntime } from "../ports/model-runtime";
import type { Mlp } from "./mlp";
import { exportMlpToOnnx } from "./onnx-export";

/**
 * A 2-input, one-hidden-layer network whose outputs are worked out by hand below. Every parameter
 * is exactly representable in float32 except ln 2, so float32 runtimes agree with the hand values
 * to float32 rounding.
 *
 * standardise: s = ((x0 − 1) / 2, (x1 − 2) / 4)
 * hidden:      h = relu(s0 − s1, 0.5·s0 + 0.5·s1 − 0.5)
 * logits:      z = (h0, 2·h1, −h0 + h1 + ln 2)
 */
export const handWorkedMlp: Mlp = {
  inputs: 2,
  outputs: 3,
  inputMean: Float64Array.from([1, 2]),
  inputScale: Float64Array.from([2, 4]),
  layers: [
    { inputs: 2, outputs: 2, weights: Float64Array.from([1, -1, 0.5, 0.5]), bias: Float64Array.from([0, -0.5]) },
    {
      inputs: 2,
      outputs: 3,
      weights: Float64Array.from([1, 0, 0, 2, -1, 1]),
      bias: Float64Array.from([0, 0, Math.LN2]),
    },
  ],
};

/**
 * Hand-worked cases:
 * - x = (3, 6): s = (1, 1), h = (0, 0.5), z = (0, 1, 0.5 + ln 2); exp(z) = (1, e, 2√e).
 * - x = (−1, 2): s = (−1, 0), h = (0, 0) after ReLU, z = (0, 0, ln 2); exp(z) = (1, 1, 2): (¼, ¼, ½).
 * - x = (5, −2): s = (2, −1), h = (3, 0), z = (3, 0, −3 + ln 2); exp(z) = (e³, 1, 2e⁻³).
 */
const e = Math.E;
const handCases: { x: [number, number]; probabilities: [number, number, number] }[] = [
  {
    x: [3, 6],
    probabilities: [1, e, 2 * Math.sqrt(e)].map((v) => v / (1 + e + 2 * Math.sqrt(e))) as [number, number, number],
  },
  { x: [-1, 2], probabilities: [0.25, 0.25, 0.5] },
  {
    x: [5, -2],
    probabilities: [e ** 3, 1, 2 * e ** -3].map((v) => v / (e ** 3 + 1 + 2 * e ** -3)) as [number, number, number],
  },
];

const featureNames = ["momentum", "volatility"];

export function handWorkedOnnx(): Uint8Array {
  return exportMlpToOnnx(handWorkedMlp, {
    featureNames,
    metadata: { specialist: "bull_specialist", version: "7" },
  });
}

/**
 * The behaviour every ModelRuntime must show, run against ONNX Runtime and the pure-TypeScript
 * twin so the two cannot drift apart.
 */
export function describeModelRuntimeContract(name: string, factory: () => Promise<ModelRuntime>): void {
  describe(`ModelRuntime contract: ${name}`, () => {
    let runtime: ModelRuntime;
    let model: LoadedModel;

    beforeEach(async () => {
      runtime = await factory();
      model = await runtime.load(handWorkedOnnx(), { name: "hand-worked@7" });
    });

    afterEach(async () => {
      await model.close();
    });

    it("reports the model's shape, name, provider and metadata", () => {
      expect(model.name).toBe("hand-worked@7");
      expect(model.inputWidth).toBe(2);
      expect(model.outputWidth).toBe(3);
      expect(model.executionProvider).toMatch(/^[a-z]+$/);
      expect(model.metadata).toMatchObject({
        specialist: "bull_specialist",
        version: "7",
        feature_names: JSON.stringify(featureNames),
      });
    });

    it.each(handCases)("gives the hand-worked probabilities for x = $x", async ({ x, probabilities }) => {
      const output = await model.run(Float32Array.from(x), 1);
      expect(output).toBeInstanceOf(Float32Array);
      expect(output).toHaveLength(3);
      for (const [k, p] of probabilities.entries()) expect(output[k]).toBeCloseTo(p, 6);
    });

    it("scores a batch row by row, as if each row were alone", async () => {
      const batch = Float32Array.from(handCases.flatMap((c) => c.x));
      const output = await model.run(batch, handCases.length);
      expect(output).toHaveLength(handCases.length * 3);
      for (const [r, { probabilities }] of handCases.entries()) {
        for (const [k, p] of probabilities.entries()) expect(output[r * 3 + k]).toBeCloseTo(p, 6);
      }
    });

    it("returns probabilities that sum to 1 on every row, however large the inputs", async () => {
      const batch = Float32Array.from([1e6, -1e6, -3e7, 4e7, 0, 0, 123.5, -0.25]);
      const output = await model.run(batch, 4);
      for (let r = 0; r < 4; r++) {
        const row = Array.from(output.subarray(r * 3, r * 3 + 3));
        for (const p of row) expect(p).toBeGreaterThanOrEqual(0);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      }
    });

    it("rejects a batch whose length does not match rows × inputWidth", async () => {
      await expect(model.run(new Float32Array(3), 1)).rejects.toThrow(RangeError);
      await expect(model.run(new Float32Array(4), 1)).rejects.toThrow(RangeError);
      await expect(model.run(new Float32Array(2), 0)).rejects.toThrow(RangeError);
      await expect(model.run(new Float32Array(2), 0.5)).rejects.toThrow(RangeError);
    });

    it("refuses to run once closed, and closing twice is harmless", async () => {
      await model.close();
      await model.close();
      await expect(model.run(Float32Array.from([3, 6]), 1)).rejects.toThrow(ModelClosedError);
    });

    it("loads several models side by side", async () => {
      const other = await runtime.load(handWorkedOnnx(), { name: "second" });
      try {
        const [a, b] = await Promise.all([
          model.run(Float32Array.from([-1, 2]), 1),
          other.run(Float32Array.from([-1, 2]), 1),
        ]);
        expect(Array.from(b ?? [])).toEqual(Array.from(a ?? []));
      } finally {
        await other.close();
      }
    });

    it("rejects bytes that are not an ONNX model", async () => {
      await expect(runtime.load(Uint8Array.from([1, 2, 3, 4, 5]), { name: "garbage" })).rejects.toThrow();
    });
  });
}
