import { randomUUID } from "node:crypto";
import {
  bindSpecialist,
  DecisionEngine,
  type DecisionEventSink,
  defaultUniverse,
  type ExecutionRecord,
  LiveRiskGate,
  MarketRiskModel,
  MetaController,
  Portfolio,
  type ProductionModels,
  RegimeDetector,
  type ReturnsWindow,
  type RiskControls,
  sectorMap,
  timeframeMs,
} from "@tradeops/core";
import type { RoleContext } from "./worker-role";

/** The engine's bars (and so its reservations' lifetime: an order fills at the next bar). */
const engineTimeframe = "1min";

/**
 * A pre-trade gate over `portfolio` that follows the process's risk controls, with a market risk
 * model over `returns`. Returns the gate and the function that stops it following.
 */
export function createRiskGate(
  portfolio: Portfolio,
  controls: RiskControls,
  returns: ReturnsWindow,
  clock: { now(): number },
): { gate: LiveRiskGate; unfollow: () => void } {
  const barMs = timeframeMs[engineTimeframe];
  const gate = new LiveRiskGate({
    portfolio,
    limits: controls.limits,
    tradingState: controls.tradingState,
    clock,
    market: new MarketRiskModel(returns),
    // Approvals (the engine's orders, POST /risk/check) hold their exposure for three bars at most
    // unless filled or cancelled sooner.
    reservationTtlMs: 3 * barMs,
  });
  return { gate, unfollow: gate.follow(controls) };
}

/**
 * One decision engine over the production models: the decisions role's (publishing every
 * decision, over the live portfolio and its gate) and, in an API process without that role, the
 * API's own for POST /api/v1/predict.
 */
export function createDecisionEngine(
  { env, resources, database, logger }: Pick<RoleContext, "env" | "resources" | "database" | "logger">,
  models: ProductionModels,
  events: DecisionEventSink,
  options: {
    auditExecutions: boolean;
    /** Default: a new portfolio of PORTFOLIO_STARTING_CASH. */
    portfolio?: Portfolio;
    /** Default: the engine's own gate of the default limits. */
    gate?: LiveRiskGate;
    /** Also told of every execution, in the step that books it (the fill journal). */
    onExecution?: (record: ExecutionRecord) => void;
    /** Default: DECISION_EVERY_BARS. */
    decisionEveryBars?: number;
  },
): DecisionEngine {
  const universe = defaultUniverse(env.SIM_SYMBOLS);
  const portfolio =
    options.portfolio ?? new Portfolio({ startingCash: env.PORTFOLIO_STARTING_CASH, sectors: sectorMap(universe) });
  return new DecisionEngine(
    {
      clock: resources.clock,
      logger,
      cache: resources.cache,
      events,
      specialists: models.specialists.map((s) => bindSpecialist(s.name, s.model, String(s.version))),
      regimeDetector: RegimeDetector.fromModel(models.regimeModel),
      metaController: new MetaController(),
      portfolio,
      ...(options.gate === undefined ? {} : { gate: options.gate }),
      newDecisionId: randomUUID,
      stopwatch: () => performance.now(),
      onRejectedBar: (bar, error) =>
        logger.warn(
          { symbol: bar.symbol, time: bar.time, reason: error.reason },
          "bar rejected by the feature pipeline",
        ),
      onExecution: (record) => {
        options.onExecution?.(record);
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
      timeframe: engineTimeframe,
      portfolioId: env.PORTFOLIO_ID,
      decisionEveryBars: options.decisionEveryBars ?? env.DECISION_EVERY_BARS,
    },
  );
}
