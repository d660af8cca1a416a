import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "@tradeops/core";
import { launch } from "./launcher";
import { launcherEnvSchema } from "./launcher-env";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

try {
  const env = parseEnv("launcher", launcherEnvSchema, process.env);
  await launch({ root, env, baseEnv: process.env });
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
