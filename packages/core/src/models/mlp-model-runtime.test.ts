import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import { createMlp, type Mlp, mlpForward } from "./mlp";
import { MlpModelRuntime } from "./mlp-model-runtime";
import { describeModelRuntimeContract } from "./model-runtime-contract";
import { exportMlpToOnnx } from "./onnx-export";

describeModelRuntimeContract("MlpModelRuntime", async () => new MlpModelRuntime());

/** The parameters as ONNX stores them: each rounded to the nearest float32. */
function roundedToFloat32(model: Mlp): Mlp {
  const round = (values: Float64Array) => Float64Array.from(values, Math.fround);
  return {
    ...model,
    inputMean: round(model.inputMean),
    inputScale: round(model.inputScale),
    layers: model.layers.map((layer) => ({ ...layer, weights: round(layer.weights), bias: round(layer.bias) })),
  };
}

describe("MlpModelRuntime", () => {
  it("evaluates exactly the float32 parameters that were exported", async () => {
    const prng = Prng.fromSeed(11);
    const random = () => prng.next();
    const base = createMlp({ inputs: 5, hidden: [7, 4], outputs: 3 }, random);
    const model: Mlp = {
      ...base,
      inputMean: Float64Array.from({ length: 5 }, () => random() * 10 - 5),
      inputScale: Float64Array.from({ length: 5 }, () => 0.5 + random() * 3),
    };
    const loaded = await new MlpModelRuntime().load(
      exportMlpToOnnx(model, { featureNames: ["a", "b", "c", "d", "e"] }),
      { name: "random" },
    );
    const rows = 50;
    const x = Float32Array.from({ length: rows * 5 }, () => random() * 20 - 10);
    const output = await loaded.run(x, rows);
    const expected = mlpForward(roundedToFloat32(model), Float64Array.from(x), rows);
    expect(Array.from(output)).toEqual(Array.from(expected, Math.fround));
    expect(loaded.executionProvider).toBe("typescript");
  });
});
