import { z } from "zod";

/**
 * Environment variables every server process shares (API and workers). Each app's own schema
 * extends this shape; the defaults select the embedded mode: no REDIS_URL means the in-memory
 * cache and the local queue, no KAFKA_BROKERS means the in-process bus.
 */
export const runtimeEnvShape = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: "must be a postgresql:// URL" })
    .default("postgresql://postgres@127.0.0.1:54329/postgres"),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DB_MIGRATE_ON_START: booleanFlag(true),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }).optional(),
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, "must be a comma-separated list of host:port")
    .transform((value) => value.split(","))
    .optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default("tradeops"),
  MODEL_STORE_DIR: z.string().min(1).default(".data/models"),
} as const;

/** "true"/"false"/"1"/"0" (case-insensitive); anything else is a configuration error. */
export function booleanFlag(defaultValue: boolean) {
  return z
    .enum(["true", "false", "1", "0", "TRUE", "FALSE", "True", "False"], { error: "must be true or false" })
    .transform((value) => value === "true" || value === "1" || value.toLowerCase() === "true")
    .prefault(defaultValue ? "true" : "false");
}

export type RuntimeEnv = z.output<z.ZodObject<typeof runtimeEnvShape>>;
