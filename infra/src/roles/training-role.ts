import {
  type BootstrapResult,
  bootstrapModelsJob,
  productionAlias,
  productionModelNames,
  publishBootstrap,
} from "@tradeops/core";
import { startWorkerThread } from "../runtime/start-worker-thread";
import type { RoleContext, WorkerRole } from "./worker-role";

const hourMs = 60 * 60 * 1000;

/**
 * Trains what the platform needs and does not have. On a first start nothing is registered as
 * production, so it queues the bootstrap job (one per hour bucket: replicas starting together
 * share it) and runs it in a worker thread, keeping this process's event loop free; the result is
 * published to the model store and registry, which releases every role waiting for models.
 */
export const trainingRole: WorkerRole = {
  name: "training",
  description: "First-start model training (and, later, experiments and online updates).",
  async start({ env, resources, database, logger }) {
    const registry = database.repositories.models;
    const worker = await resources.queue.work(bootstrapModelsJob, async ({ payload }) => {
      if (await productionComplete(registry)) return { skipped: "production models already registered" };
      logger.info(payload, "first-start training: simulated history, regime fit, specialists");
      const result = await bootstrapInThread({ ...payload, now: resources.clock.now() });
      const published = await publishBootstrap(result, {
        models: resources.models,
        registry,
        createdBy: "system:training",
        logger,
      });
      const summary = {
        durationMs: result.durationMs,
        dataHash: result.dataHash,
        published: published.map((p) => `${p.modelName}@${p.version}`),
        metrics: Object.fromEntries(result.specialists.map((s) => [s.name, s.metrics])),
      };
      logger.info(summary, "first-start training published production models");
      return summary;
    });
    if (!(await productionComplete(registry))) {
      const bucket = Math.floor(resources.clock.now() / hourMs);
      await resources.queue.enqueue(
        bootstrapModelsJob,
        { seed: env.SIM_SEED, bars: env.BOOTSTRAP_BARS, symbols: env.BOOTSTRAP_SYMBOLS },
        { jobId: `bootstrap-${env.SIM_SEED}-${bucket}` },
      );
    }
    return { stop: () => worker.stop() };
  },
};

async function productionComplete(registry: RoleContext["database"]["repositories"]["models"]): Promise<boolean> {
  const versions = await Promise.all(productionModelNames.map((name) => registry.resolveAlias(name, productionAlias)));
  return versions.every((version) => version !== null);
}

/** Runs the CPU-bound bootstrap on another thread; the artefacts come back as transferred buffers. */
function bootstrapInThread(input: {
  seed: number;
  bars: number;
  symbols: number;
  now: number;
}): Promise<BootstrapResult> {
  return new Promise((resolvePromise, reject) => {
    const thread = startWorkerThread(new URL("./bootstrap-thread.ts", import.meta.url), input);
    thread.once("message", (message: { ok: true; result: BootstrapResult } | { ok: false; error: string }) => {
      if (message.ok) resolvePromise(message.result);
      else reject(new Error(`first-start training failed: ${message.error}`));
    });
    thread.once("error", reject);
    thread.once("exit", (code) => {
      if (code !== 0) reject(new Error(`first-start training thread exited with code ${code}`));
    });
  });
}
