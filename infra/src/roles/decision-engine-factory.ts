import { randomUUID } from "node:crypto";
import {
  bindSpecialist,
  DecisionEngine,
  type DecisionEventSink,
  defaultUniverse,
  MetaController,
  Portfolio,
  type ProductionModels,
  RegimeDetector,
  sectorMap,
} from "@tradeops/core";
import type { RoleContext } from "./worker-role";

/**
 * One decision engine over the production models: the decisions role's (publishing every
 * decision) and, in an API process without that role, the API's own for POST /api/v1/predict.
 */
export function createDecisionEngine(
  { env, resources, database, logger }: Pick<RoleContext, "env" | "resources" | "database" | "logger">,
  models: ProductionModels,
  events: DecisionEventSink,
  options: { auditExecutions: boolean },
): DecisionEngine {
  const universe = defaultUniverse(env.SIM_SYMBOLS);
  return new DecisionEngine(
    {
      clock: resources.clock,
      logger,
      cache: resources.cache,
      events,
      specialists: models.specialists.map((s) => bindSpecialist(s.name, s.model, String(s.version))),
      regimeDetector: RegimeDetector.fromModel(models.regimeModel),
      metaController: new MetaController(),
      portfolio: new Portfolio({ startingCash: env.PORTFOLIO_STARTING_CASH, sectors: sectorMap(universe) }),
      newDecisionId: randomUUID,
      stopwatch: () => performance.now(),
      onRejectedBar: (bar, error) =>
        logger.warn(
          { symbol: bar.symbol, time: bar.time, reason: error.reason },
          "bar rejected by the feature pipeline",
        ),
      onExecution: (record) => {
        if (!options.auditExecutions) return;
        void database.repositories.decisions
          .appendAudit([
            {
              time: resources.clock.now(),
              actor: "system:execution",
              action: record.quantity > 0 ? "decision.executed" : "decision.execution_cancelled",
              entityType: "decision",
              entityId: record.decisionId,
              after: record,
              ...(record.reason ? { reason: record.reason } : {}),
            },
          ])
          .catch((error: unknown) =>
            logger.error({ err: error, decision: record.decisionId }, "audit of an execution failed"),
          );
      },
    },
    {
      timeframe: "1min",
      portfolioId: env.PORTFOLIO_ID,
      decisionEveryBars: env.DECISION_EVERY_BARS,
    },
  );
}
