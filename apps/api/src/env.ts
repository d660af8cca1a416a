import { parseEnv } from "@tradeops/core";
import { roleListSchema, runtimeEnvShape } from "@tradeops/infra";
import { z } from "zod";

/**
 * The API process's configuration. Unset variables select the embedded mode. There the bus is
 * in-process, so the worker roles must run inside this process: WORKER_ROLES defaults to `all`
 * without KAFKA_BROKERS and to `none` with it (separate workers processes host them).
 */
const apiEnvSchema = z
  .object({
    ...runtimeEnvShape,
    API_HOST: z.string().min(1).default("127.0.0.1"),
    API_PORT: z.coerce.number().int().min(1).max(65_535).default(4000),
    WORKER_ROLES: roleListSchema.optional(),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** The embedded mode's data folder (the launcher's): the local risk officer's key is written there. */
    TRADEOPS_DATA_DIR: z.string().min(1).default(".data"),
  })
  .transform((env) => ({
    ...env,
    WORKER_ROLES: env.WORKER_ROLES ?? roleListSchema.parse(env.KAFKA_BROKERS ? "none" : "all"),
  }));

export type ApiEnv = z.output<typeof apiEnvSchema>;

export function parseApiEnv(source: Record<string, string | undefined>): ApiEnv {
  return parseEnv("api", apiEnvSchema, source);
}
