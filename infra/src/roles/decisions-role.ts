import { marketBarsTopic } from "@tradeops/core";
import { createDecisionEngine } from "./decision-engine-factory";
import { deferredStart } from "./deferred-start";
import { HigherTimeframeFeatures } from "./higher-timeframes";
import type { WorkerRole } from "./worker-role";

/**
 * The live decision path: every bar from `market.bars.v1` through features, regime, specialists,
 * meta-controller and risk check; decisions, regime estimates and portfolio state go out through
 * the buffered publisher. One consumer group: replicas split the symbols by partition.
 */
export const decisionsRole: WorkerRole = {
  name: "decisions",
  description: "Features, regimes, specialists, meta-controller, risk check and decisions for every bar.",
  async start(context) {
    const { resources, services, logger } = context;
    return deferredStart("decisions", logger, async () => {
      const models = await services.productionModels();
      const engine = createDecisionEngine(context, models, await services.publisher(), { auditExecutions: true });
      services.decisionEngine = engine;
      const higher = new HigherTimeframeFeatures({ cache: resources.cache, logger });
      const subscription = await resources.bus.subscribe({
        topic: marketBarsTopic,
        groupId: "decision-engine",
        // A new group replays what the bus retains, so the engine starts warm after the backfill.
        fromBeginning: true,
        handler: async ({ payload }) => {
          await engine.onBar(payload);
          higher.onMinuteBar(payload);
        },
      });
      logger.info({ portfolio: engine.portfolioId, everyBars: engine.decisionEveryBars }, "decision engine running");
      return {
        async stop() {
          await subscription.stop();
          services.decisionEngine = undefined;
        },
      };
    });
  },
};
