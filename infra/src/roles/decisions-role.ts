import {
  computeRiskMetrics,
  type HrpTarget,
  hrpTargetWeights,
  marketBarsTopic,
  PortfolioJournal,
  type RiskControls,
  type RiskMetrics,
  restorePortfolio,
  riskMetricWindows,
  riskPortfolioTopic,
} from "@tradeops/core";
import { createDecisionEngine, createRiskGate } from "./decision-engine-factory";
import { deferredStart } from "./deferred-start";
import { HigherTimeframeFeatures } from "./higher-timeframes";
import { PortfolioLease, type PortfolioWriter, runAsSingleWriter } from "./portfolio-lease";
import { warmFromStoredBars } from "./warm-from-stored-bars";
import type { RoleContext, WorkerRole } from "./worker-role";

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
 *
 * While the lease is lost (a renewal failed) the gate approves nothing and the journal writes
 * nothing; regained in time, both go on. Once it has lapsed (another process may have taken over
 * and written), this writer stops without writing anything more, and the role starts over: standby
 * until the lease is held again, then a new writer restored from the database.
 */
export const decisionsRole: WorkerRole = {
  name: "decisions",
  description:
    "Features, regimes, specialists, meta-controller, pre-trade gate and decisions for every bar; the live portfolio.",
  async start(context) {
    const { services, logger, env, database } = context;
    return deferredStart("decisions", logger, async (signal) => {
      const controls = await services.riskControls();
      const lease = new PortfolioLease({
        repository: database.repositories.riskControls,
        portfolioId: env.PORTFOLIO_ID,
        holder: services.instanceId,
        logger,
      });
      return runAsSingleWriter(lease, signal, () => startWriter(context, controls, lease), logger);
    });
  },
};

/** Restores the portfolio from the database and runs the engine over it, as the lease's holder. */
async function startWriter(
  context: RoleContext,
  controls: RiskControls,
  lease: PortfolioLease,
): Promise<PortfolioWriter> {
  const { resources, services, logger, env, database } = context;
  const models = await services.productionModels();
  const restored = restorePortfolio(await database.repositories.portfolios.load(env.PORTFOLIO_ID), {
    startingCash: env.PORTFOLIO_STARTING_CASH,
    sectors: await services.sectors(),
  });
  const { portfolio } = restored;
  logger.info(
    { portfolio: env.PORTFOLIO_ID, fillsJournalled: restored.seq, totalValue: portfolio.totalValue() },
    "portfolio restored",
  );
  const windows = riskMetricWindows({ intervalMs: 60_000 });
  const { gate, unfollow } = createRiskGate(portfolio, controls, windows.returns, resources.clock);
  const journal = new PortfolioJournal({
    portfolioId: env.PORTFOLIO_ID,
    portfolio,
    repository: database.repositories.portfolios,
    seq: restored.seq,
    clock: resources.clock,
    logger,
  });
  const leaseChanged = (held: boolean): void => {
    if (held) {
      gate.resume();
      void journal.resume();
    } else {
      gate.suspend("this process lost the portfolio's single-writer lease");
      journal.suspend();
    }
  };
  lease.onChange(leaseChanged);
  // Lost while the portfolio was being restored: no listener was there to hear it.
  if (!lease.held) leaseChanged(false);
  const publisher = await services.publisher();
  const engine = createDecisionEngine(context, models, publisher, {
    auditExecutions: true,
    portfolio,
    gate,
    onExecution: (record) => journal.record(record),
  });
  // Features, regimes and the market model pick up where the stored bars end, so a restart
  // decides on its first live bar instead of an hour of market time later.
  const warmedTo = await warmFromStoredBars(engine, {
    symbols: Object.keys(await services.sectors()),
    bars: database.repositories.marketData,
    now: resources.clock.now(),
    logger,
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
      // Past the lease's deadline before a renewal noticed (the event loop stalled): stop now.
      if (!lease.held && !journal.suspended) leaseChanged(false);
      // Taken during the warm-up already (the bus replays what the database also holds).
      if (payload.timeframe === engine.timeframe && payload.time <= (warmedTo.get(payload.symbol) ?? -1)) return;
      await engine.onBar(payload);
      if (payload.timeframe === engine.timeframe) windows.equity.record(payload.time, portfolio.totalValue());
      higher.onMinuteBar(payload);
    },
  });

  const snapshots = setInterval(() => {
    if (journal.suspended) return;
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
    async stop({ final }) {
      if (!final) {
        // Another process may be the writer now: approve nothing more, write nothing more.
        gate.suspend("this process is no longer the portfolio's single writer");
        journal.suspend();
      }
      clearInterval(snapshots);
      clearInterval(riskStates);
      await subscription.stop();
      if (final) {
        await journal.snapshot().catch((error: unknown) => logger.error({ err: error }, "final snapshot failed"));
      } else if (journal.backlog > 0) {
        logger.warn({ unwritten: journal.backlog }, "fills not journalled before the lease lapsed are dropped");
      }
      unfollow();
      if (services.decisionEngine === engine) services.decisionEngine = undefined;
      if (services.riskGate === gate) services.riskGate = undefined;
    },
  };
}
