import onnxProto, { type onnx as OnnxTypes } from "onnx-proto";
import { z } from "zod";
import { assertMlpShape, type DenseLayer, type Mlp } from "./mlp";
import { featureNamesMetadataKey, onnxInputName, onnxOutputName } from "./onnx-export";

const { onnx } = onnxProto;

/** Thrown when bytes are not an ONNX model, or not one of the MLP graphs `exportMlpToOnnx` writes. */
export class UnsupportedOnnxModelError extends Error {
  constructor(reason: string) {
    super(`unsupported ONNX model: ${reason}`);
    this.name = "UnsupportedOnnxModelError";
  }
}

export interface ImportedMlp {
  /** Parameters as stored: float32 values widened to float64. */
  readonly model: Mlp;
  readonly metadata: Readonly<Record<string, string>>;
  /** From the `feature_names` metadata, in input order. */
  readonly featureNames: readonly string[];
}

function decode(bytes: Uint8Array): OnnxTypes.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new UnsupportedOnnxModelError(`not an ONNX protobuf (${error instanceof Error ? error.message : error})`);
  }
}

function metadataOf(proto: OnnxTypes.ModelProto): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const entry of proto.metadataProps) {
    if (entry.key) metadata[entry.key] = entry.value ?? "";
  }
  return metadata;
}

/** The model's `metadata_props`, without interpreting its graph. */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  return metadataOf(decode(bytes));
}

function tensorValues(tensor: OnnxTypes.ITensorProto): { dims: number[]; values: Float64Array } {
  if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT) {
    throw new UnsupportedOnnxModelError(`initializer ${tensor.name} is not float32`);
  }
  const dims = (tensor.dims ?? []).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  let values: Float64Array;
  if (tensor.rawData && tensor.rawData.length > 0) {
    const raw = tensor.rawData;
    if (raw.length !== count * 4) throw new UnsupportedOnnxModelError(`initializer ${tensor.name} has the wrong size`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = new Float64Array(count);
    for (let k = 0; k < count; k++) values[k] = view.getFloat32(k * 4, true);
  } else {
    values = Float64Array.from(tensor.floatData ?? []);
    if (values.length !== count) throw new UnsupportedOnnxModelError(`initializer ${tensor.name} has the wrong size`);
  }
  return { dims, values };
}

function intAttribute(node: OnnxTypes.INodeProto, name: string, fallback: number): number {
  const attribute = node.attribute?.find((a) => a.name === name);
  return attribute?.i === undefined || attribute.i === null ? fallback : Number(attribute.i);
}

function floatAttribute(node: OnnxTypes.INodeProto, name: string, fallback: number): number {
  const attribute = node.attribute?.find((a) => a.name === name);
  return attribute?.f === undefined || attribute.f === null ? fallback : attribute.f;
}

const featureNamesSchema = z.array(z.string());

/**
 * Reads back an MLP graph as `exportMlpToOnnx` writes it (Sub, Div, then Gemm [+ Relu] per layer,
 * then Softmax over the last axis), so the pure-TypeScript runtime evaluates exactly the weights
 * ONNX Runtime would. Anything else is refused rather than guessed at.
 */
export function readMlpFromOnnx(bytes: Uint8Array): ImportedMlp {
  const proto = decode(bytes);
  const graph = proto.graph;
  if (!graph) throw new UnsupportedOnnxModelError("no graph");
  if (graph.input?.[0]?.name !== onnxInputName || graph.input.length !== 1) {
    throw new UnsupportedOnnxModelError(`expected one input named ${onnxInputName}`);
  }
  if (graph.output?.[0]?.name !== onnxOutputName || graph.output.length !== 1) {
    throw new UnsupportedOnnxModelError(`expected one output named ${onnxOutputName}`);
  }
  const initializers = new Map<string, { dims: number[]; values: Float64Array }>();
  for (const tensor of graph.initializer ?? []) {
    if (tensor.name) initializers.set(tensor.name, tensorValues(tensor));
  }
  const initializer = (name: string | undefined | null): { dims: number[]; values: Float64Array } => {
    const found = name ? initializers.get(name) : undefined;
    if (!found) throw new UnsupportedOnnxModelError(`missing initializer ${name}`);
    return found;
  };

  const nodes = graph.node ?? [];
  let position = 0;
  const expect = (opType: string, input: string): OnnxTypes.INodeProto => {
    const node = nodes[position];
    if (!node || node.opType !== opType || node.input?.[0] !== input) {
      throw new UnsupportedOnnxModelError(`expected ${opType} on ${input} at node ${position}, found ${node?.opType}`);
    }
    position++;
    return node;
  };
  const outputOf = (node: OnnxTypes.INodeProto): string => {
    const name = node.output?.[0];
    if (!name) throw new UnsupportedOnnxModelError(`node ${node.name} has no output`);
    return name;
  };

  const sub = expect("Sub", onnxInputName);
  const mean = initializer(sub.input?.[1]);
  const div = expect("Div", outputOf(sub));
  const scale = initializer(div.input?.[1]);
  let current = outputOf(div);

  const layers: DenseLayer[] = [];
  for (;;) {
    const gemm = expect("Gemm", current);
    if (
      intAttribute(gemm, "transA", 0) !== 0 ||
      intAttribute(gemm, "transB", 0) !== 1 ||
      floatAttribute(gemm, "alpha", 1) !== 1 ||
      floatAttribute(gemm, "beta", 1) !== 1
    ) {
      throw new UnsupportedOnnxModelError(`Gemm ${gemm.name} must have transA=0, transB=1, alpha=beta=1`);
    }
    const weights = initializer(gemm.input?.[1]);
    const bias = initializer(gemm.input?.[2]);
    const [outputs, inputs] = weights.dims;
    if (weights.dims.length !== 2 || outputs === undefined || inputs === undefined) {
      throw new UnsupportedOnnxModelError(`Gemm ${gemm.name} weights must be a matrix`);
    }
    layers.push({ inputs, outputs, weights: weights.values, bias: bias.values });
    current = outputOf(gemm);
    const next = nodes[position];
    if (next?.opType === "Relu") {
      current = outputOf(expect("Relu", current));
      continue;
    }
    const softmax = expect("Softmax", current);
    const axis = intAttribute(softmax, "axis", -1);
    if (axis !== -1 && axis !== 1) throw new UnsupportedOnnxModelError("Softmax must run over the class axis");
    if (outputOf(softmax) !== onnxOutputName || position !== nodes.length) {
      throw new UnsupportedOnnxModelError(`Softmax must be the last node and produce ${onnxOutputName}`);
    }
    break;
  }

  const firstLayer = layers[0];
  const lastLayer = layers[layers.length - 1];
  if (!firstLayer || !lastLayer) throw new UnsupportedOnnxModelError("no dense layer");
  const model: Mlp = {
    inputs: firstLayer.inputs,
    outputs: lastLayer.outputs,
    inputMean: mean.values,
    inputScale: scale.values,
    layers,
  };
  try {
    assertMlpShape(model);
  } catch (error) {
    throw new UnsupportedOnnxModelError(error instanceof Error ? error.message : String(error));
  }
  const metadata = metadataOf(proto);
  const namesJson = metadata[featureNamesMetadataKey];
  let featureNames: string[] = [];
  if (namesJson !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(namesJson);
    } catch {
      throw new UnsupportedOnnxModelError(`${featureNamesMetadataKey} is not JSON`);
    }
    const parsed = featureNamesSchema.safeParse(json);
    if (!parsed.success || parsed.data.length !== model.inputs) {
      throw new UnsupportedOnnxModelError(`${featureNamesMetadataKey} must list ${model.inputs} names`);
    }
    featureNames = parsed.data;
  }
  return { model, metadata, featureNames };
}
