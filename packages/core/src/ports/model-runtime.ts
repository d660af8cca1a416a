import type { Closeable } from "./health";

export interface LoadModelOptions {
  /** For logs and errors, e.g. `bull_specialist@3`. */
  readonly name: string;
}

/**
 * A model ready to score batches. Inputs and outputs are float32, row-major, the way ONNX
 * Runtime takes and returns them, so the in-process ONNX session and the pure-TypeScript twin
 * are interchangeable.
 */
export interface LoadedModel extends Closeable {
  readonly name: string;
  /** Features per input row. */
  readonly inputWidth: number;
  /** Values per output row (3 class probabilities for a specialist). */
  readonly outputWidth: number;
  /** Where the model runs: `cuda`, `cpu`, or `typescript` for the pure-TypeScript twin. */
  readonly executionProvider: string;
  /** The model's `metadata_props` (feature names, specialist, version). */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * Scores `rows` rows of `inputWidth` features. Rejects with a RangeError when `rows` is not a
   * positive integer or `batch.length !== rows * inputWidth`, and once the model is closed.
   */
  run(batch: Float32Array, rows: number): Promise<Float32Array>;
}

/** Loads serialised models (ONNX bytes) into something that can score them. */
export interface ModelRuntime {
  load(bytes: Uint8Array, options: LoadModelOptions): Promise<LoadedModel>;
}

/** Thrown by `run` on a closed model. */
export class ModelClosedError extends Error {
  constructor(readonly model: string) {
    super(`model ${model} is closed`);
    this.name = "ModelClosedError";
  }
}

/** The shape check every runtime applies before scoring, so they fail alike. */
export function assertBatchShape(model: string, batch: Float32Array, rows: number, inputWidth: number): void {
  if (!Number.isInteger(rows) || rows <= 0) {
    throw new RangeError(`model ${model}: rows must be a positive integer, got ${rows}`);
  }
  if (batch.length !== rows * inputWidth) {
    throw new RangeError(
      `model ${model}: batch has ${batch.length} values, expected ${rows} rows × ${inputWidth} features`,
    );
  }
}
