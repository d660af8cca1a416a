import type { z } from "zod";

export class ConfigError extends Error {
  constructor(
    readonly app: string,
    readonly problems: readonly string[],
  ) {
    super(`${app}: invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Parses an environment against a schema; on failure the error names every offending variable
 * and what it should be, so a bad deployment stops at boot with a readable message.
 */
export function parseEnv<S extends z.ZodType>(app: string, schema: S, source: Record<string, string | undefined>) {
  const result = schema.safeParse(source);
  if (result.success) return result.data as z.output<S>;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join(".") || "(environment)";
    const received = issue.path.length > 0 ? source[String(issue.path[0])] : undefined;
    return received === undefined
      ? `${variable}: ${issue.message}`
      : `${variable}: ${issue.message} (got ${JSON.stringify(received)})`;
  });
  throw new ConfigError(app, problems);
}
