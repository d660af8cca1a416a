import { ConfigError } from "@tradeops/core";
import {
  createLogger,
  createResources,
  installGracefulShutdown,
  openDatabase,
  ReadinessService,
  standardChecks,
  startRoles,
} from "@tradeops/infra";
import { parseWorkersEnv } from "./env";
import { startHealthServer } from "./health-server";

async function main() {
  const env = parseWorkersEnv(process.env);
  const logger = createLogger({ name: "workers", level: env.LOG_LEVEL });
  const database = await openDatabase({
    url: env.DATABASE_URL,
    poolMax: env.DATABASE_POOL_MAX,
    migrate: env.DB_MIGRATE_ON_START,
    logger,
  });
  const resources = createResources(env, logger);
  const roles = await startRoles(env.WORKER_ROLES, { resources, database, logger });
  const readiness = new ReadinessService(standardChecks(database, resources), {
    timeoutMs: 2_000,
    now: resources.clock.now,
  });
  const health =
    env.WORKERS_HEALTH_PORT === 0
      ? undefined
      : await startHealthServer({
          host: env.WORKERS_HEALTH_HOST,
          port: env.WORKERS_HEALTH_PORT,
          readiness,
          roles: roles.names,
        });

  installGracefulShutdown({
    logger,
    graceMs: env.SHUTDOWN_GRACE_MS,
    steps: [
      { name: "roles", run: roles.stop },
      { name: "health", run: async () => health?.close() },
      { name: "resources", run: resources.close },
      { name: "database", run: database.close },
    ],
  });
  logger.info({ roles: roles.names, adapters: resources.adapters, health: health?.url }, "workers running");
  process.send?.({ type: "ready", service: "workers", url: health?.url });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(
    `workers failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
