import { ConfigError, DecisionExplainer, FeatureService } from "@tradeops/core";
import {
  createLogger,
  installGracefulShutdown,
  runtimeMode,
  startPredictionEngine,
  startProcessRuntime,
} from "@tradeops/infra";
import { ApiKeyAuthenticator } from "./auth/authenticator";
import { ensureLocalRiskOfficerKey } from "./auth/local-risk-officer-key";
import { parseApiEnv } from "./env";
import { buildServer } from "./server";
import { FeatureApiService } from "./services/feature-service";
import { LiveFeed } from "./services/live-feed";
import { RiskFeed } from "./services/risk-feed";
import { RiskService } from "./services/risk-service";
import { SystemService } from "./services/system-service";
import { TradingService } from "./services/trading-service";
import { version } from "./version";

async function main() {
  const env = parseApiEnv(process.env);
  const logger = createLogger({ name: "api", level: env.LOG_LEVEL });
  const startedAt = Date.now();
  const runtime = await startProcessRuntime({ name: "api", env, roles: env.WORKER_ROLES, logger });
  const { services, resources, database } = runtime;

  // Predictions use this process's decision engine when it hosts the decisions role (embedded
  // mode: one portfolio); otherwise an engine of its own that follows the market.
  const prediction = runtime.roles.names.includes("decisions")
    ? { engine: () => services.decisionEngine, stop: async () => {} }
    : startPredictionEngine({ env, resources, database, services, logger });

  // Loading starts now, so the first risk request does not wait for it.
  services.riskControls().catch((error: unknown) => logger.error({ err: error }, "risk controls not loaded"));

  const sectors = await services.sectors();
  let explainer: Promise<DecisionExplainer> | undefined;
  const trading = new TradingService({
    engine: prediction.engine,
    explainer: () => {
      explainer ??= services.productionModels().then(
        (models) =>
          new DecisionExplainer({
            specialists: models.specialists.map((s) => ({ ...s })),
            background: models.background,
          }),
      );
      return explainer;
    },
    repositories: database.repositories,
    sectors,
    now: resources.clock.now,
    logger,
  });
  const bars = database.repositories.marketData;
  const features = new FeatureApiService({
    features: new FeatureService({
      cache: resources.cache,
      bars,
      clock: resources.clock,
      logger: logger.child({ service: "features" }),
    }),
    history: { bars, clock: resources.clock },
    now: resources.clock.now,
    logger,
  });
  const live = new LiveFeed({ bus: resources.bus, logger, groupId: `console-${services.instanceId}` });
  await live.start();
  const riskFeed = new RiskFeed({ bus: resources.bus, logger, groupId: `risk-${services.instanceId}` });
  await riskFeed.start();
  const risk = new RiskService({
    controls: () => services.riskControls(),
    gate: () => services.riskGate,
    feed: riskFeed,
    sectors,
    now: resources.clock.now,
    logger: logger.child({ service: "risk" }),
  });
  // Key expiry and revocation are wall-clock matters, whatever clock the market runs on.
  const authenticator = new ApiKeyAuthenticator({
    repository: database.repositories.apiKeys,
    now: Date.now,
    logger: logger.child({ component: "auth" }),
  });
  if (runtimeMode(env) === "embedded") {
    const path = await ensureLocalRiskOfficerKey({
      dataDir: env.TRADEOPS_DATA_DIR,
      repository: database.repositories.apiKeys,
      authenticator,
      logger,
    });
    logger.info({ path }, "the local risk officer's API key (console Risk page) is in this file");
  }
  const system = new SystemService({
    readiness: runtime.readiness,
    migrations: database.migrations,
    mode: runtimeMode(env),
    version,
    startedAt,
    roles: runtime.roles.names,
  });
  const app = await buildServer({
    services: {
      readiness: runtime.readiness,
      system,
      live,
      trading,
      features,
      risk,
      publisherStats: () => services.publisherStats(),
    },
    authenticator,
    logger,
    version,
  });

  installGracefulShutdown({
    logger,
    graceMs: env.SHUTDOWN_GRACE_MS,
    steps: [
      { name: "http", run: () => app.close() },
      { name: "live feed", run: () => live.stop() },
      { name: "risk feed", run: () => riskFeed.stop() },
      { name: "prediction engine", run: prediction.stop },
      ...runtime.shutdownSteps,
    ],
  });

  const address = await app.listen({ host: env.API_HOST, port: env.API_PORT });
  logger.info(
    { address, mode: runtimeMode(env), roles: runtime.roles.names, adapters: resources.adapters },
    "api listening",
  );
  process.send?.({ type: "ready", service: "api", url: address });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(
    `api failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
