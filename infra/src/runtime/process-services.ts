import { hostname } from "node:os";
import { join, resolve } from "node:path";
import {
  BufferedPublisher,
  type DecisionEngine,
  type LiveRiskGate,
  type Logger,
  loadProductionModels,
  type ProductionModels,
  type Repositories,
  RiskControls,
  riskControlsTopic,
  type Subscription,
} from "@tradeops/core";
import { OnnxModelRuntime } from "../onnx/onnx-model-runtime";
import { FsEventSpill } from "../spill/fs-event-spill";
import type { ProcessResources } from "./create-resources";
import { loadPortfolioSectors } from "./portfolio-sectors";
import type { RuntimeEnv } from "./runtime-env";

/**
 * The expensive things a process builds once and its roles share: the ONNX runtime, the buffered
 * publisher, the loaded production models, the portfolio's risk controls, and (where the
 * decisions role runs) the decision engine and the live portfolio's pre-trade gate, which the API
 * reuses for POST /api/v1/predict and /risk/check in the same process.
 */
export class ProcessServices {
  readonly runtime: OnnxModelRuntime;
  /** Identifies this process among replicas: consumer groups that must see every event use it. */
  readonly instanceId: string;
  #publisher: Promise<BufferedPublisher> | undefined;
  #startedPublisher: BufferedPublisher | undefined;
  #models: Promise<ProductionModels> | undefined;
  #engine: DecisionEngine | undefined;
  #riskGate: LiveRiskGate | undefined;
  #controls: Promise<RiskControls> | undefined;
  #sectors: Promise<Record<string, string>> | undefined;
  #controlsSubscription: Subscription | undefined;
  #controlsRefresh: ReturnType<typeof setInterval> | undefined;
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
      /** How often the risk controls are re-read from the database, behind the topic; default 5 s. */
      riskControlsRefreshMs?: number;
      /** Default host name and process id; tests hosting two "processes" in one give their own. */
      instanceId?: string;
    },
  ) {
    this.instanceId = options.instanceId ?? `${hostname()}-${process.pid}`;
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

  /**
   * The live portfolio's pre-trade gate, in the process that is its single writer (the one whose
   * decisions role holds the portfolio's lease); undefined elsewhere.
   */
  get riskGate(): LiveRiskGate | undefined {
    return this.#riskGate;
  }

  set riskGate(gate: LiveRiskGate | undefined) {
    this.#riskGate = gate;
  }

  /**
   * The portfolio's risk controls (limits, trading state) in this process, loaded from the
   * database before first use (defaults stored on first use) and kept current: every change is
   * applied from `risk.controls.v1` (a consumer group of this process's own, so every process sees
   * every change) and re-read from the database every few seconds in case an event was missed.
   */
  riskControls(): Promise<RiskControls> {
    this.#controls ??= this.#loadRiskControls().catch(async (error: unknown) => {
      // Not cached: the next caller tries again (the database may be back by then).
      this.#controls = undefined;
      await this.#controlsSubscription?.stop().catch(() => undefined);
      this.#controlsSubscription = undefined;
      throw error;
    });
    return this.#controls;
  }

  async #loadRiskControls(): Promise<RiskControls> {
    const { env, resources, repositories, logger } = this.options;
    await repositories.portfolios.ensurePortfolio({
      id: env.PORTFOLIO_ID,
      name: env.PORTFOLIO_ID,
      initialCapital: env.PORTFOLIO_STARTING_CASH,
    });
    const controls = new RiskControls({
      portfolioId: env.PORTFOLIO_ID,
      repository: repositories.riskControls,
      clock: resources.clock,
      logger: logger.child({ component: "risk-controls" }),
      announce: (event) => resources.bus.publish(riskControlsTopic, [{ key: event.portfolio_id, payload: event }]),
    });
    // Subscribed before loading: a change made in between is applied from the topic.
    this.#controlsSubscription = await resources.bus.subscribe({
      topic: riskControlsTopic,
      groupId: `risk-controls-${this.instanceId}`,
      handler: async ({ payload }) => {
        controls.apply(payload);
      },
    });
    await controls.load();
    // Logged however the change arrived (the topic, a refresh, this process's own change): the
    // moment a kill switch took effect here is on record.
    controls.onChange((limits, state) =>
      logger.info(
        { portfolio: env.PORTFOLIO_ID, limitsVersion: limits.version, state: state.state, setBy: state.setBy },
        "risk controls in force",
      ),
    );
    if (this.#closed) throw new Error("process is shutting down");
    this.#controlsRefresh = setInterval(() => {
      controls.load().catch((error: unknown) => logger.warn({ err: error }, "risk controls refresh failed"));
    }, this.options.riskControlsRefreshMs ?? 5_000);
    this.#controlsRefresh.unref();
    logger.info(
      { portfolio: env.PORTFOLIO_ID, limitsVersion: controls.limits.version, state: controls.tradingState.state },
      "risk controls loaded",
    );
    return controls;
  }

  /** The portfolio's symbol → sector map (see `loadPortfolioSectors`), loaded once. */
  sectors(): Promise<Record<string, string>> {
    this.#sectors ??= loadPortfolioSectors(this.options.env);
    return this.#sectors;
  }

  /** Stops waiting for models that may never come (first-start training failed), so roles can stop. */
  beginShutdown(): void {
    this.#closed = true;
  }

  /** Flushes the publisher (spilling what the bus will not take) and releases the models. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#controlsRefresh);
    await this.#controlsSubscription?.stop();
    if (this.#publisher) await (await this.#publisher).close();
    if (this.#models) {
      const models = await this.#models.catch(() => undefined);
      await Promise.all(models?.specialists.map((s) => s.model.close()) ?? []);
    }
  }
}
