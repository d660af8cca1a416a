import { assertBatchShape, type LoadedModel, ModelClosedError, type ModelRuntime } from "../ports/model-runtime";
import { type Mlp, mlpForward } from "./mlp";
import { readMlpFromOnnx } from "./onnx-import";

class MlpLoadedModel implements LoadedModel {
  readonly executionProvider = "typescript";
  readonly inputWidth: number;
  readonly outputWidth: number;
  #model: Mlp | undefined;

  constructor(
    readonly name: string,
    model: Mlp,
    readonly metadata: Readonly<Record<string, string>>,
  ) {
    this.#model = model;
    this.inputWidth = model.inputs;
    this.outputWidth = model.outputs;
  }

  async run(batch: Float32Array, rows: number): Promise<Float32Array> {
    const model = this.#model;
    if (!model) throw new ModelClosedError(this.name);
    assertBatchShape(this.name, batch, rows, this.inputWidth);
    return Float32Array.from(mlpForward(model, Float64Array.from(batch), rows));
  }

  async close(): Promise<void> {
    this.#model = undefined;
  }
}

/**
 * The pure-TypeScript twin of the ONNX Runtime adapter: it reads the exported graph's weights back
 * and evaluates them (in float64 on the float32 parameters), for tests and for callers that want
 * many evaluations without a native session. Only graphs `exportMlpToOnnx` writes are accepted.
 */
export class MlpModelRuntime implements ModelRuntime {
  async load(bytes: Uint8Array, options: { name: string }): Promise<LoadedModel> {
    const { model, metadata } = readMlpFromOnnx(bytes);
    return new MlpLoadedModel(options.name, model, metadata);
  }
}
