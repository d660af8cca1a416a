import onnxProto from "onnx-proto";
import { describe, expect, it } from "vitest";
import { handWorkedMlp } from "./model-runtime-contract";
import { exportMlpToOnnx, onnxIrVersion, onnxOpset } from "./onnx-export";
import { readMlpFromOnnx, readOnnxMetadata, UnsupportedOnnxModelError } from "./onnx-import";

const { onnx } = onnxProto;

const exported = () =>
  exportMlpToOnnx(handWorkedMlp, {
    featureNames: ["momentum", "volatility"],
    metadata: { specialist: "bear_specialist", version: "2" },
    graphName: "bear_specialist",
    modelVersion: 2,
  });

describe("exportMlpToOnnx", () => {
  it("writes Sub, Div, Gemm+Relu per hidden layer, Gemm, Softmax between `features` and `probabilities`", () => {
    const proto = onnx.ModelProto.decode(exported());
    expect(Number(proto.irVersion)).toBe(onnxIrVersion);
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([["", onnxOpset]]);
    const graph = proto.graph;
    expect(graph?.node?.map((n) => n.opType)).toEqual(["Sub", "Div", "Gemm", "Relu", "Gemm", "Softmax"]);
    const dims = (info: onnxProto.onnx.IValueInfoProto | undefined) =>
      info?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));
    expect(graph?.input?.[0]?.name).toBe("features");
    expect(dims(graph?.input?.[0])).toEqual(["batch", 2]);
    expect(graph?.input?.[0]?.type?.tensorType?.elemType).toBe(onnx.TensorProto.DataType.FLOAT);
    expect(graph?.output?.[0]?.name).toBe("probabilities");
    expect(dims(graph?.output?.[0])).toEqual(["batch", 3]);
    const gemms = graph?.node?.filter((n) => n.opType === "Gemm") ?? [];
    for (const gemm of gemms) expect(Number(gemm.attribute?.find((a) => a.name === "transB")?.i)).toBe(1);
    const weights = graph?.initializer?.find((t) => t.name === "dense_1_weights");
    expect(weights?.dims?.map(Number)).toEqual([3, 2]);
  });

  it("stores the feature names and the caller's metadata in metadata_props", () => {
    expect(readOnnxMetadata(exported())).toEqual({
      specialist: "bear_specialist",
      version: "2",
      feature_names: '["momentum","volatility"]',
    });
  });

  it("stores every parameter as its nearest float32", () => {
    const { model, featureNames } = readMlpFromOnnx(exported());
    expect(featureNames).toEqual(["momentum", "volatility"]);
    expect(Array.from(model.inputMean)).toEqual([1, 2]);
    expect(Array.from(model.inputScale)).toEqual([2, 4]);
    expect(Array.from(model.layers[0]?.weights ?? [])).toEqual([1, -1, 0.5, 0.5]);
    expect(Array.from(model.layers[1]?.bias ?? [])).toEqual([0, 0, Math.fround(Math.LN2)]);
    expect(Math.fround(Math.LN2)).not.toBe(Math.LN2);
  });

  it("is byte-for-byte reproducible", () => {
    expect(exported()).toEqual(exported());
  });

  it("refuses a feature-name count that differs from the input width, and the reserved metadata key", () => {
    expect(() => exportMlpToOnnx(handWorkedMlp, { featureNames: ["a"] })).toThrow(RangeError);
    expect(() =>
      exportMlpToOnnx(handWorkedMlp, { featureNames: ["a", "b"], metadata: { feature_names: "x" } }),
    ).toThrow(/reserved/);
  });
});

describe("readMlpFromOnnx", () => {
  it("refuses bytes that are not ONNX and graphs it did not write", () => {
    expect(() => readMlpFromOnnx(Uint8Array.from([0xff, 0xff, 0xff]))).toThrow(UnsupportedOnnxModelError);
    const reluOnly = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: "", version: 17 }],
      graph: {
        name: "g",
        node: [{ opType: "Relu", input: ["features"], output: ["probabilities"] }],
        input: [{ name: "features" }],
        output: [{ name: "probabilities" }],
      },
    }).finish();
    expect(() => readMlpFromOnnx(reluOnly)).toThrow(/expected Sub/);
  });
});
