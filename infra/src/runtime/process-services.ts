import { hostname } from "node:os";
import { join, resolve } from "node:path";
import {
  BufferedPublisher,
  type DecisionEngine,
  type Logger,
  loadProductionModels,
  type ProductionModels,
  type Repositories,
} from "@tradeops/core";
import { OnnxModelRuntime } from "../onnx/onnx-model-runtime";
import { FsEventSpill } from "../spill/fs-event-spill";
import type { ProcessResources } from "./create-resources";
import type { RuntimeEnv } from "./runtime-env";

/**
 * The expensive things a process builds once and its roles share: the ONNX runtime, the buffered
 * publisher, the loaded production models, and (where the decisions role runs) the decision
 * engine, which the API reuses for POST /api/v1/predict in the same process.
 */
export class ProcessServices {
  readonly runtime: OnnxModelRuntime;
  /** Identifies this process among replicas: consumer groups that must see every event use it. */
  readonly instanceId = `${hostname()}-${process.pid}`;
  #publisher: Promise<BufferedPublisher> | undefined;
  #startedPublisher: BufferedPublisher | undefined;
  #models: Promise<ProductionModels> | undefined;
  #engine: DecisionEngine | undefined;
  #closed = false;

  constructor(
    private readonly options: {
      env: RuntimeEnv;
      resources: ProcessResources;
      repositories: Repositories;
      logger: Logger;
      /** Where this process's spill lives, below EVENT_SPILL_DIR (one folder per process kind). */
      spillName: string;
      modelPollMs?: number;
    },
  ) {
    this.runtime = new OnnxModelRuntime({
      executionProviders: options.env.ONNX_EXECUTION_PROVIDERS,
      logger: options.logger,
    });
  }

  /** The process's one publisher: decisions never wait on the bus, outages spill to disk. */
  publisher(): Promise<BufferedPublisher> {
    this.#publisher ??= (async () => {
      const { resources, env, logger, spillName } = this.options;
      const publisher = new BufferedPublisher({
        bus: resources.bus,
        spill: new FsEventSpill({ directory: join(resolve(env.EVENT_SPILL_DIR), spillName), logger }),
        clock: resources.clock,
        logger: logger.child({ component: "publisher" }),
      });
      await publisher.start();
      this.#startedPublisher = publisher;
      return publisher;
    })();
    return this.#publisher;
  }

  /**
   * The production models, loaded once. On a first start they do not exist until the training
   * role has published them, so this waits, polling the registry, rather than failing.
   */
  productionModels(): Promise<ProductionModels> {
    this.#models ??= (async () => {
      const { resources, repositories, logger } = this.options;
      let announced = false;
      for (;;) {
        if (this.#closed) throw new Error("process is shutting down");
        const loaded = await loadProductionModels({
          models: resources.models,
          registry: repositories.models,
          runtime: this.runtime,
          logger,
        });
        if (loaded) {
          logger.info(
            { specialists: loaded.specialists.map((s) => `${s.name}@${s.version}`), regime: loaded.regimeModelVersion },
            "production models loaded",
          );
          return loaded;
        }
        if (!announced) logger.info("no production models yet: waiting for first-start training");
        announced = true;
        await new Promise((done) => setTimeout(done, this.options.modelPollMs ?? 1_000));
      }
    })();
    return this.#models;
  }

  /** The publisher's backlog, once some role has started it. */
  publisherStats(): ReturnType<BufferedPublisher["stats"]> | undefined {
    return this.#startedPublisher?.stats();
  }

  get decisionEngine(): DecisionEngine | undefined {
    return this.#engine;
  }

  set decisionEngine(engine: DecisionEngine | undefined) {
    this.#engine = engine;
  }

  /** Stops waiting for models that may never come (first-start training failed), so roles can stop. */
  beginShutdown(): void {
    this.#closed = true;
  }

  /** Flushes the publisher (spilling what the bus will not take) and releases the models. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#publisher) await (await this.#publisher).close();
    if (this.#models) {
      const models = await this.#models.catch(() => undefined);
      await Promise.all(models?.specialists.map((s) => s.model.close()) ?? []);
    }
  }
}
