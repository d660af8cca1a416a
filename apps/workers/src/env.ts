import { parseEnv } from "@tradeops/core";
import { roleListSchema, runtimeEnvShape } from "@tradeops/infra";
import { z } from "zod";

/** A workers process's configuration: which roles it hosts and where its health endpoint listens. */
const workersEnvSchema = z.object({
  ...runtimeEnvShape,
  WORKER_ROLES: roleListSchema
    .prefault("all")
    .refine((names) => names.length > 0, "a workers process must host at least one role"),
  WORKERS_HEALTH_HOST: z.string().min(1).default("127.0.0.1"),
  /** 0 disables the health endpoint. */
  WORKERS_HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(4001),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
});

export type WorkersEnv = z.output<typeof workersEnvSchema>;

export function parseWorkersEnv(source: Record<string, string | undefined>): WorkersEnv {
  return parseEnv("workers", workersEnvSchema, source);
}
