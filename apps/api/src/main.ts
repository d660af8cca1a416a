import { ConfigError } from "@tradeops/core";
import {
  createLogger,
  createResources,
  installGracefulShutdown,
  openDatabase,
  ReadinessService,
  runtimeMode,
  standardChecks,
  startRoles,
} from "@tradeops/infra";
import { parseApiEnv } from "./env";
import { buildServer } from "./server";
import { SystemService } from "./services/system-service";
import { version } from "./version";

async function main() {
  const env = parseApiEnv(process.env);
  const logger = createLogger({ name: "api", level: env.LOG_LEVEL });
  const startedAt = Date.now();

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
  const system = new SystemService({
    readiness,
    migrations: database.migrations,
    mode: runtimeMode(env),
    version,
    startedAt,
    roles: roles.names,
  });
  const app = await buildServer({ services: { readiness, system }, logger, version });

  installGracefulShutdown({
    logger,
    graceMs: env.SHUTDOWN_GRACE_MS,
    steps: [
      { name: "http", run: () => app.close() },
      { name: "roles", run: roles.stop },
      { name: "resources", run: resources.close },
      { name: "database", run: database.close },
    ],
  });

  const address = await app.listen({ host: env.API_HOST, port: env.API_PORT });
  logger.info({ address, mode: runtimeMode(env), roles: roles.names, adapters: resources.adapters }, "api listening");
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
