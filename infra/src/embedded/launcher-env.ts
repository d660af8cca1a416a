import { z } from "zod";

const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);

/** The embedded launcher's configuration: where data lives and which local ports to use. */
export const launcherEnvSchema = z.object({
  TRADEOPS_DATA_DIR: z.string().min(1).default(".data"),
  EMBEDDED_PG_PORT: port(54329),
  API_PORT: port(4000),
  WEB_PORT: port(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type LauncherEnv = z.output<typeof launcherEnvSchema>;
