import { ConfigError } from "@tradeops/core";
import { createLogger, installGracefulShutdown, runtimeMode, startProcessRuntime } from "@tradeops/infra";
import { parseApiEnv } from "./env";
import { buildServer } from "./server";
import { SystemService } from "./services/system-service";
import { version } from "./version";

async function main() {
  const env = parseApiEnv(process.env);
  const logger = createLogger({ name: "api", level: env.LOG_LEVEL });
  const startedAt = Date.now();
  const runtime = await startProcessRuntime({ env, roles: env.WORKER_ROLES, logger });
  const system = new SystemService({
    readiness: runtime.readiness,
    migrations: runtime.database.migrations,
    mode: runtimeMode(env),
    version,
    startedAt,
    roles: runtime.roles.names,
  });
  const app = await buildServer({ services: { readiness: runtime.readiness, system }, logger, version });

  installGracefulShutdown({
    logger,
    graceMs: env.SHUTDOWN_GRACE_MS,
    steps: [{ name: "http", run: () => app.close() }, ...runtime.shutdownSteps],
  });

  const address = await app.listen({ host: env.API_HOST, port: env.API_PORT });
  logger.info(
    { address, mode: runtimeMode(env), roles: runtime.roles.names, adapters: runtime.resources.adapters },
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
