import type { Logger } from "@tradeops/core";
import { startRoles } from "../roles/worker-roles";
import { createResources, type ProcessResources } from "./create-resources";
import { type Database, openDatabase } from "./database";
import type { ShutdownStep } from "./graceful-shutdown";
import { ProcessServices } from "./process-services";
import { ReadinessService, standardChecks } from "./readiness";
import type { RuntimeEnv } from "./runtime-env";

export interface ProcessRuntime {
  readonly database: Database;
  readonly resources: ProcessResources;
  readonly roles: { readonly names: readonly string[]; stop(): Promise<void> };
  readonly services: ProcessServices;
  readonly readiness: ReadinessService;
  /** Stops roles, flushes the publisher, releases the adapters, then the database: the order that loses no write. */
  readonly shutdownSteps: readonly ShutdownStep[];
}

/**
 * What every server process does at boot, in order: migrate and connect the database, build the
 * resources bag from the environment, start the roles this process hosts, and set up readiness.
 */
export async function startProcessRuntime(options: {
  /** The process kind (api, workers): names its spill folder. */
  name: string;
  env: RuntimeEnv;
  roles: readonly string[];
  logger: Logger;
}): Promise<ProcessRuntime> {
  const { env, logger } = options;
  const database = await openDatabase({
    url: env.DATABASE_URL,
    poolMax: env.DATABASE_POOL_MAX,
    migrate: env.DB_MIGRATE_ON_START,
    logger,
  });
  const resources = createResources(env, logger);
  const services = new ProcessServices({
    env,
    resources,
    repositories: database.repositories,
    logger,
    spillName: options.name,
  });
  const roles = await startRoles(options.roles, { env, resources, database, services, logger });
  const readiness = new ReadinessService(standardChecks(database, resources), {
    timeoutMs: 2_000,
    now: resources.clock.now,
  });
  return {
    database,
    resources,
    roles,
    services,
    readiness,
    shutdownSteps: [
      {
        name: "roles",
        run: () => {
          services.beginShutdown();
          return roles.stop();
        },
      },
      { name: "publisher and models", run: () => services.close() },
      { name: "resources", run: resources.close },
      { name: "database", run: database.close },
    ],
  };
}
