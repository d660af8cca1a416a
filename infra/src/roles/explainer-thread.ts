import { parentPort, workerData } from "node:worker_threads";
import {
  DecisionExplainer,
  loadProductionModels,
  type ModelRegistryRepository,
  productionAlias,
  type RegisteredModelVersion,
  silentLogger,
  tradingDecisionEvent,
} from "@tradeops/core";
import { z } from "zod";
import { OnnxModelRuntime } from "../onnx/onnx-model-runtime";
import { FsModelStore } from "../storage/fs-model-store";

/**
 * The forensics role's worker thread: exact Shapley values cost tens of milliseconds of CPU per
 * decision, which must not stall the event loop that serves the API and runs the live path. It
 * loads the production models the main thread resolved (integrity-checked from the model store)
 * and answers `{ id, event }` messages with explanations.
 */
const input = z
  .object({
    modelStoreDir: z.string(),
    executionProviders: z.array(z.string()),
    versions: z.array(
      z.object({
        modelName: z.string(),
        version: z.number().int(),
        artifactKey: z.string(),
        sha256: z.string(),
        metrics: z.record(z.string(), z.unknown()),
        createdAt: z.string(),
      }),
    ),
  })
  .parse((workerData as { input: unknown }).input);

/** The registry as the main thread saw it: read-only, the production aliases only. */
const registry: Pick<ModelRegistryRepository, "resolveAlias"> = {
  resolveAlias: async (modelName: string, alias: string): Promise<RegisteredModelVersion | null> =>
    alias === productionAlias ? (input.versions.find((v) => v.modelName === modelName) ?? null) : null,
};

const port = parentPort;
if (!port) throw new Error("explainer-thread must run as a worker thread");

try {
  const models = await loadProductionModels({
    models: new FsModelStore({ root: input.modelStoreDir }),
    registry: registry as ModelRegistryRepository,
    runtime: new OnnxModelRuntime({ executionProviders: input.executionProviders, logger: silentLogger }),
  });
  if (!models) throw new Error("the production models named by the main thread are incomplete");
  const explainer = new DecisionExplainer({
    specialists: models.specialists.map((s) => ({ ...s })),
    background: models.background,
  });
  port.on("message", (message: { id: number; event: unknown }) => {
    const event = tradingDecisionEvent.parse(message.event);
    explainer.explain(event).then(
      (explanation) => port.postMessage({ id: message.id, ok: true, explanation }),
      (error: unknown) =>
        port.postMessage({
          id: message.id,
          ok: false,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
    );
  });
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ ready: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
