import {
  type DecisionEngine,
  type DecisionEventSink,
  type Logger,
  marketBarsTopic,
  type OutgoingEvent,
  Portfolio,
  riskMetricWindows,
  type TopicDefinition,
  type TopicInput,
  tradingDecisionsTopic,
} from "@tradeops/core";
import { createDecisionEngine, createRiskGate } from "./decision-engine-factory";
import { warmFromStoredBars } from "./warm-from-stored-bars";
import type { RoleContext } from "./worker-role";

/**
 * Passes on only the decisions made for API callers: an API replica's own engine follows the
 * market to stay warm, but the live decisions, regimes and portfolio state are the decisions
 * role's to publish.
 */
function apiDecisionsOnly(sink: DecisionEventSink): DecisionEventSink {
  return {
    publish<T extends TopicDefinition>(topic: T, events: readonly OutgoingEvent<TopicInput<T>>[]) {
      if (topic.name !== tradingDecisionsTopic.name) return;
      const fromApi = events.filter((event) => (event.payload as { source?: string }).source === "api");
      if (fromApi.length > 0) sink.publish(topic, fromApi);
    },
  };
}

/**
 * The decision engine behind POST /api/v1/predict in an API process that does not host the
 * decisions role (services mode): once the production models are loaded it follows
 * `market.bars.v1` under a group of its own, from the newest bar, and is ready for a symbol after
 * its warm-up. Returns a getter (undefined until ready) and a stop function.
 */
export function startPredictionEngine(context: RoleContext): {
  engine: () => DecisionEngine | undefined;
  stop: () => Promise<void>;
} {
  let engine: DecisionEngine | undefined;
  let stopSubscription: (() => Promise<void>) | undefined;
  let unfollow: (() => void) | undefined;
  const logger: Logger = context.logger.child({ component: "prediction-engine" });
  const starting = (async () => {
    const models = await context.services.productionModels();
    // A flat paper book whose gate follows the portfolio's risk controls, so predictions see the
    // limits and trading state in force. The live book is the decisions role's (its single
    // writer's); this engine never decides on its own, so its book stays flat and raises no alerts.
    const controls = await context.services.riskControls();
    const portfolio = new Portfolio({
      startingCash: context.env.PORTFOLIO_STARTING_CASH,
      sectors: await context.services.sectors(),
    });
    const risk = createRiskGate(
      portfolio,
      controls,
      riskMetricWindows({ intervalMs: 60_000 }).returns,
      context.resources.clock,
    );
    unfollow = risk.unfollow;
    const built = createDecisionEngine(
      { ...context, logger },
      models,
      apiDecisionsOnly(await context.services.publisher()),
      { auditExecutions: false, portfolio, gate: risk.gate, decisionEveryBars: Number.MAX_SAFE_INTEGER },
    );
    await warmFromStoredBars(built, {
      symbols: Object.keys(await context.services.sectors()),
      bars: context.database.repositories.marketData,
      now: context.resources.clock.now(),
      logger,
    });
    const subscription = await context.resources.bus.subscribe({
      topic: marketBarsTopic,
      groupId: `prediction-${context.services.instanceId}`,
      handler: async ({ payload }) => {
        await built.onBar(payload);
      },
    });
    stopSubscription = () => subscription.stop();
    engine = built;
    logger.info("prediction engine following the market");
  })().catch((error: unknown) => logger.error({ err: error }, "prediction engine failed to start"));
  return {
    engine: () => engine,
    async stop() {
      await starting;
      await stopSubscription?.();
      unfollow?.();
    },
  };
}
