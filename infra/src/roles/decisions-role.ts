import {
  computeRiskMetrics,
  defaultUniverse,
  type HrpTarget,
  hrpTargetWeights,
  marketBarsTopic,
  PortfolioJournal,
  type RiskMetrics,
  restorePortfolio,
  riskMetricWindows,
  riskPortfolioTopic,
  sectorMap,
} from "@tradeops/core";
import { createDecisionEngine, createRiskGate } from "./decision-engine-factory";
import { deferredStart } from "./deferred-start";
import { HigherTimeframeFeatures } from "./higher-timeframes";
import { PortfolioLease } from "./portfolio-lease";
import type { WorkerRole } from "./worker-role";

/** How often the portfolio's snapshot is stored (and at stop): a restart replays the fills since. */
const snapshotEveryMs = 60_000;
/** How often the risk metrics and HRP targets are computed and published on `risk.portfolio.v1`. */
const riskStateEveryMs = 10_000;
/** HRP's covariance window: five 390-bar days of one-minute bars. */
const hrpLookbackBars = 5 * 390;

/**
 * The live decision path: every bar from `market.bars.v1` through features, regime, specialists,
 * meta-controller and the portfolio's pre-trade gate; decisions, regime estimates, portfolio
 * state and risk alerts go out through the buffered publisher. One consumer group.
 *
 * The portfolio has a single writer: the role first takes the portfolio's lease (a second process
 * hosting the role stands by until the first stops or dies), then restores the portfolio from its
 * latest snapshot and the fills journalled since, journals every fill, stores a snapshot every
 * minute and at stop, and publishes the risk metrics and HRP targets every ten seconds.
 */
export const decisionsRole: WorkerRole = {
  name: "decisions",
  description:
    "Features, regimes, specialists, meta-controller, pre-trade gate and decisions for every bar; the live portfolio.",
  async start(context) {
    const { resources, services, logger, env, database } = context;
    return deferredStart("decisions", logger, async (signal) => {
      const controls = await services.riskControls();
      const lease = new PortfolioLease({
        repository: database.repositories.riskControls,
        portfolioId: env.PORTFOLIO_ID,
        holder: services.instanceId,
        logger,
      });
      await lease.acquire(signal);
      try {
        return await run();
      } catch (error) {
        await lease.release();
        throw error;
      }
      async function run() {
        const models = await services.productionModels();
        const universe = defaultUniverse(env.SIM_SYMBOLS);
        const restored = restorePortfolio(await database.repositories.portfolios.load(env.PORTFOLIO_ID), {
          startingCash: env.PORTFOLIO_STARTING_CASH,
          sectors: sectorMap(universe),
        });
        const { portfolio } = restored;
        logger.info(
          { portfolio: env.PORTFOLIO_ID, fillsReplayed: restored.seq, totalValue: portfolio.totalValue() },
          "portfolio restored",
        );
        const windows = riskMetricWindows({ intervalMs: 60_000 });
        const { gate, unfollow } = createRiskGate(portfolio, controls, windows.returns, resources.clock);
        lease.onChange((held) =>
          held ? gate.resume() : gate.suspend("this process lost the portfolio's single-writer lease"),
        );
        const journal = new PortfolioJournal({
          portfolioId: env.PORTFOLIO_ID,
          portfolio,
          repository: database.repositories.portfolios,
          seq: restored.seq,
          clock: resources.clock,
          logger,
        });
        const publisher = await services.publisher();
        const engine = createDecisionEngine(context, models, publisher, {
          auditExecutions: true,
          portfolio,
          gate,
          onExecution: (record) => journal.record(record),
        });
        services.decisionEngine = engine;
        services.riskGate = gate;
        const higher = new HigherTimeframeFeatures({ cache: resources.cache, logger });
        const subscription = await resources.bus.subscribe({
          topic: marketBarsTopic,
          groupId: "decision-engine",
          // A new group replays what the bus retains, so the engine starts warm after the backfill.
          fromBeginning: true,
          handler: async ({ payload }) => {
            await engine.onBar(payload);
            if (payload.timeframe === engine.timeframe) windows.equity.record(payload.time, portfolio.totalValue());
            higher.onMinuteBar(payload);
          },
        });

        const snapshots = setInterval(() => {
          journal.snapshot().catch((error: unknown) => logger.warn({ err: error }, "portfolio snapshot failed"));
        }, snapshotEveryMs);
        const riskStates = setInterval(() => {
          try {
            const time = resources.clock.now();
            const metrics: RiskMetrics = computeRiskMetrics(portfolio, windows.returns, windows.equity);
            let hrp: HrpTarget | null = null;
            try {
              hrp = hrpTargetWeights(windows.returns, windows.returns.symbols, { lookbackBars: hrpLookbackBars });
            } catch (error) {
              // Too little history yet (or a symbol that never moved): no targets rather than made-up ones.
              if (!(error instanceof RangeError)) throw error;
            }
            publisher.publish(riskPortfolioTopic, [
              {
                key: engine.portfolioId,
                payload: { ...engine.riskState(time, metrics), hrp_target: hrp },
                timestamp: time,
              },
            ]);
          } catch (error) {
            logger.error({ err: error }, "risk state not computed");
          }
        }, riskStateEveryMs);
        snapshots.unref();
        riskStates.unref();
        logger.info({ portfolio: engine.portfolioId, everyBars: engine.decisionEveryBars }, "decision engine running");
        return {
          async stop() {
            clearInterval(snapshots);
            clearInterval(riskStates);
            await subscription.stop();
            await journal.snapshot().catch((error: unknown) => logger.error({ err: error }, "final snapshot failed"));
            unfollow();
            services.decisionEngine = undefined;
            services.riskGate = undefined;
            await lease.release();
          },
        };
      }
    });
  },
};
