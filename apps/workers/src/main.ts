import { ConfigError } from "@tradeops/core";
import { createLogger, installGracefulShutdown, startProcessRuntime } from "@tradeops/infra";
import { parseWorkersEnv } from "./env";
import { startHealthServer } from "./health-server";

async function main() {
  const env = parseWorkersEnv(process.env);
  const logger = createLogger({ name: "workers", level: env.LOG_LEVEL });
  const runtime = await startProcessRuntime({ name: "workers", env, roles: env.WORKER_ROLES, logger });
  const health =
    env.WORKERS_HEALTH_PORT === 0
      ? undefined
      : await startHealthServer({
          host: env.WORKERS_HEALTH_HOST,
          port: env.WORKERS_HEALTH_PORT,
          readiness: runtime.readiness,
          roles: runtime.roles.names,
        });

  installGracefulShutdown({
    logger,
    graceMs: env.SHUTDOWN_GRACE_MS,
    steps: [{ name: "health", run: async () => health?.close() }, ...runtime.shutdownSteps],
  });
  logger.info(
    { roles: runtime.roles.names, adapters: runtime.resources.adapters, health: health?.url },
    "workers running",
  );
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
