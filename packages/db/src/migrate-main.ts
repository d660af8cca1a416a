import { parseArgs } from "node:util";
import { z } from "zod";
import type { DbLogger } from "./logger";
import { migrate } from "./migrate";

/**
 * Applies pending migrations from the command line:
 *   node --import tsx packages/db/src/migrate-main.ts --database-url postgresql://...
 * Prints `{"applied":[...],"alreadyApplied":[...]}` on stdout and exits 0, or prints the reason
 * (an edited migration, a failing one) on stderr and exits 1.
 */
const argsSchema = z.object({
  "database-url": z.url({ protocol: /^postgres(ql)?$/ }),
  /** Another folder of migrations; tests use it. */
  "migrations-dir": z.string().min(1).optional(),
});

const { values } = parseArgs({
  options: { "database-url": { type: "string" }, "migrations-dir": { type: "string" } },
  strict: true,
});
const parsed = argsSchema.safeParse(values);
if (!parsed.success) {
  process.stderr.write(
    "usage: migrate-main.ts --database-url postgresql://user:password@host:port/database [--migrations-dir <folder>]\n",
  );
  process.exit(2);
}

/** Progress as JSON lines on stderr, so stdout carries only the result. */
const stderrLogger: DbLogger = {
  info: (fields, message) => process.stderr.write(`${JSON.stringify({ level: "info", message, ...fields })}\n`),
  warn: (fields, message) => process.stderr.write(`${JSON.stringify({ level: "warn", message, ...fields })}\n`),
};

try {
  const result = await migrate({
    connectionString: parsed.data["database-url"],
    migrationsDir: parsed.data["migrations-dir"],
    logger: stderrLogger,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
