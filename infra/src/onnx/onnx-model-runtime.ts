import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  assertBatchShape,
  type LoadedModel,
  type LoadModelOptions,
  type Logger,
  ModelClosedError,
  type ModelRuntime,
  onnxInputName,
  onnxOutputName,
  readOnnxMetadata,
} from "@tradeops/core";
import { InferenceSession, listSupportedBackends, Tensor } from "onnxruntime-node";
import { z } from "zod";

export const onnxModelRuntimeOptionsSchema = z.object({
  /** Tried in order per model; the first that creates a session is used. */
  executionProviders: z.array(z.string().min(1)).min(1).default(["cuda", "cpu"]),
  /**
   * Threads per session for one operator. A specialist is a few thousand multiply-adds per row, so
   * one thread avoids the thread pool's hand-off cost on every batch-1 call.
   */
  intraOpNumThreads: z.int().positive().default(1),
});

export type OnnxModelRuntimeOptions = z.input<typeof onnxModelRuntimeOptionsSchema> & { readonly logger: Logger };

class OnnxLoadedModel implements LoadedModel {
  #session: InferenceSession | undefined;
  // Reused across calls: only the batch dimension changes, and batch 1 is by far the most common.
  readonly #singleRowDims: readonly number[];

  constructor(
    readonly name: string,
    session: InferenceSession,
    readonly executionProvider: string,
    readonly inputWidth: number,
    readonly outputWidth: number,
    readonly metadata: Readonly<Record<string, string>>,
  ) {
    this.#session = session;
    this.#singleRowDims = [1, inputWidth];
  }

  async run(batch: Float32Array, rows: number): Promise<Float32Array> {
    const session = this.#session;
    if (!session) throw new ModelClosedError(this.name);
    assertBatchShape(this.name, batch, rows, this.inputWidth);
    const dims = rows === 1 ? this.#singleRowDims : [rows, this.inputWidth];
    const results = await session.run({ [onnxInputName]: new Tensor("float32", batch, dims) });
    const output = results[onnxOutputName];
    if (!output || !(output.data instanceof Float32Array) || output.data.length !== rows * this.outputWidth) {
      throw new Error(
        `model ${this.name}: output ${onnxOutputName} is missing or not ${rows} × ${this.outputWidth} float32`,
      );
    }
    return output.data;
  }

  async close(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session) await session.release();
  }
}

function staticWidth(metadata: InferenceSession.ValueMetadata | undefined, what: string): number {
  if (!metadata?.isTensor || metadata.type !== "float32" || metadata.shape.length !== 2) {
    throw new Error(`${what} must be a float32 matrix`);
  }
  const width = metadata.shape[1];
  if (typeof width !== "number" || !Number.isInteger(width) || width < 1) {
    throw new Error(`${what} must have a fixed number of columns`);
  }
  return width;
}

/**
 * Runs ONNX models in process with onnxruntime-node. Each model gets a session on the first
 * execution provider of the list that works: CUDA when its libraries are present, CPU otherwise.
 * A provider that failed once is not tried again by this runtime, so a machine without CUDA pays
 * for (and logs) the failed attempt only on the first load.
 */
export class OnnxModelRuntime implements ModelRuntime {
  readonly #providers: readonly string[];
  readonly #threads: number;
  readonly #logger: Logger;
  readonly #unavailable = new Set<string>();

  constructor(options: OnnxModelRuntimeOptions) {
    const parsed = onnxModelRuntimeOptionsSchema.parse(options);
    this.#providers = parsed.executionProviders;
    this.#threads = parsed.intraOpNumThreads;
    this.#logger = options.logger.child({ component: "onnx-model-runtime" });
    const backends = new Map(listSupportedBackends().map((backend) => [backend.name, backend.bundled]));
    for (const provider of this.#providers) {
      if (!backends.has(provider)) {
        this.#unavailable.add(provider);
        this.#logger.warn({ provider }, "execution provider not supported by this onnxruntime-node build");
      } else if (backends.get(provider) === false && !providerLibraryInstalled(provider)) {
        // Not bundled (CUDA, TensorRT) and its library was never installed: trying it would only
        // make ONNX Runtime print a native load error.
        this.#unavailable.add(provider);
        this.#logger.info({ provider }, "execution provider not installed on this machine; skipping it");
      }
    }
  }

  async load(bytes: Uint8Array, options: LoadModelOptions): Promise<LoadedModel> {
    const metadata = readOnnxMetadata(bytes);
    const failures: string[] = [];
    for (const provider of this.#providers) {
      if (this.#unavailable.has(provider)) continue;
      let session: InferenceSession;
      try {
        session = await InferenceSession.create(bytes, {
          executionProviders: [provider],
          intraOpNumThreads: this.#threads,
          graphOptimizationLevel: "all",
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        failures.push(`${provider}: ${reason}`);
        // A provider whose libraries are missing fails before looking at the model: remember that.
        if (/AppendExecutionProvider|shared library|not (?:supported|available)/i.test(reason)) {
          this.#unavailable.add(provider);
        }
        this.#logger.warn({ model: options.name, provider, err: reason }, "execution provider failed, trying the next");
        continue;
      }
      try {
        const model = new OnnxLoadedModel(
          options.name,
          session,
          provider,
          staticWidth(
            session.inputMetadata.find((m) => m.name === onnxInputName),
            `input ${onnxInputName}`,
          ),
          staticWidth(
            session.outputMetadata.find((m) => m.name === onnxOutputName),
            `output ${onnxOutputName}`,
          ),
          metadata,
        );
        this.#logger.info({ model: options.name, provider }, "model loaded");
        return model;
      } catch (error) {
        await session.release();
        throw new Error(`model ${options.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new Error(
      `model ${options.name}: no execution provider could load it (${failures.join("; ") || "none available"})`,
    );
  }
}

/** Whether the shared library of a non-bundled provider sits beside onnxruntime-node's binding. */
function providerLibraryInstalled(provider: string): boolean {
  const packageDir = dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"));
  const bindingDir = join(packageDir, "bin", "napi-v6", process.platform, process.arch);
  const extension = process.platform === "win32" ? "dll" : process.platform === "darwin" ? "dylib" : "so";
  const prefix = process.platform === "win32" ? "" : "lib";
  return existsSync(join(bindingDir, `${prefix}onnxruntime_providers_${provider}.${extension}`));
}
