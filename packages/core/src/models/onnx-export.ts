import onnxProto, { type onnx as OnnxTypes } from "onnx-proto";
import { z } from "zod";
import { assertMlpShape, type Mlp } from "./mlp";

// onnx-proto is CommonJS whose namespace Node's ESM loader cannot see as a named export.
const { onnx } = onnxProto;

/** ONNX Runtime 1.30 reads IR versions up to 11; 8 is the newest this protobuf schema knows. */
export const onnxIrVersion = 8;
/** Gemm-13, Relu-14, Softmax-13 (last axis), Sub/Div-14. */
export const onnxOpset = 17;
export const onnxInputName = "features";
export const onnxOutputName = "probabilities";
/** Metadata key holding the JSON array of feature names, in input order. */
export const featureNamesMetadataKey = "feature_names";

export const onnxExportOptionsSchema = z.object({
  featureNames: z.array(z.string().min(1)).min(1),
  /** Written to `metadata_props` (specialist, version, …); `feature_names` is added. */
  metadata: z.record(z.string(), z.string()).default({}),
  graphName: z.string().min(1).default("mlp"),
  modelVersion: z.int().nonnegative().default(0),
  docString: z.string().default(""),
});

export type OnnxExportOptions = z.input<typeof onnxExportOptionsSchema>;

function float32Tensor(name: string, dims: number[], values: Float64Array): OnnxTypes.ITensorProto {
  // Little-endian float32, as ONNX's raw_data requires whatever the host's byte order.
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let k = 0; k < values.length; k++) view.setFloat32(k * 4, values[k] as number, true);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw };
}

function floatValueInfo(name: string, width: number): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: "batch" }, { dimValue: width }] },
      },
    },
  };
}

function intAttribute(name: string, value: number): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

/**
 * The MLP as an ONNX model: input `features` [batch, F] float32, then Sub(mean) and Div(scale) for
 * the folded standardisation, Gemm (transB = 1) + Relu per hidden layer, Gemm + Softmax, output
 * `probabilities` [batch, classes]. Parameters are rounded to float32, which is what ONNX Runtime
 * computes in.
 */
export function exportMlpToOnnx(model: Mlp, options: OnnxExportOptions): Uint8Array {
  assertMlpShape(model);
  const o = onnxExportOptionsSchema.parse(options);
  if (o.featureNames.length !== model.inputs) {
    throw new RangeError(`${o.featureNames.length} feature names for a model of ${model.inputs} inputs`);
  }
  if (featureNamesMetadataKey in o.metadata) {
    throw new RangeError(`metadata key ${featureNamesMetadataKey} is reserved: pass featureNames instead`);
  }

  const initializer: OnnxTypes.ITensorProto[] = [
    float32Tensor("input_mean", [model.inputs], model.inputMean),
    float32Tensor("input_scale", [model.inputs], model.inputScale),
  ];
  const node: OnnxTypes.INodeProto[] = [
    { name: "centre", opType: "Sub", input: [onnxInputName, "input_mean"], output: ["centred"] },
    { name: "scale", opType: "Div", input: ["centred", "input_scale"], output: ["standardised"] },
  ];
  let current = "standardised";
  const last = model.layers.length - 1;
  for (const [l, layer] of model.layers.entries()) {
    initializer.push(
      float32Tensor(`dense_${l}_weights`, [layer.outputs, layer.inputs], layer.weights),
      float32Tensor(`dense_${l}_bias`, [layer.outputs], layer.bias),
    );
    const gemmOut = l < last ? `dense_${l}` : "logits";
    node.push({
      name: `dense_${l}_gemm`,
      opType: "Gemm",
      input: [current, `dense_${l}_weights`, `dense_${l}_bias`],
      output: [gemmOut],
      attribute: [intAttribute("transB", 1)],
    });
    if (l < last) {
      node.push({ name: `dense_${l}_relu`, opType: "Relu", input: [gemmOut], output: [`hidden_${l}`] });
      current = `hidden_${l}`;
    }
  }
  node.push({
    name: "softmax",
    opType: "Softmax",
    input: ["logits"],
    output: [onnxOutputName],
    attribute: [intAttribute("axis", -1)],
  });

  const metadata = { ...o.metadata, [featureNamesMetadataKey]: JSON.stringify(o.featureNames) };
  const proto = onnx.ModelProto.create({
    irVersion: onnxIrVersion,
    opsetImport: [{ domain: "", version: onnxOpset }],
    producerName: "tradeops",
    producerVersion: "1",
    modelVersion: o.modelVersion,
    docString: o.docString,
    graph: {
      name: o.graphName,
      node,
      initializer,
      input: [floatValueInfo(onnxInputName, model.inputs)],
      output: [floatValueInfo(onnxOutputName, model.outputs)],
    },
    metadataProps: Object.entries(metadata)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}
