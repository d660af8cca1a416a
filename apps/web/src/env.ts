import { parseEnv } from "@tradeops/core";
import { z } from "zod";

/**
 * The console server's configuration. The browser talks only to this server; requests for the
 * API (`/trpc`, `/api/v1`) are forwarded to API_URL.
 */
const webEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  WEB_HOST: z.string().min(1).default("127.0.0.1"),
  WEB_PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  API_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default("http://127.0.0.1:4000"),
});

export type WebEnv = z.output<typeof webEnvSchema>;

export function parseWebEnv(source: Record<string, string | undefined>): WebEnv {
  return parseEnv("web", webEnvSchema, source);
}
