import { parseArgs } from "node:util";
import { z } from "zod";
import { startEmbeddedPostgres } from "./embedded-postgres";

/**
 * The embedded database as its own process, for the launcher:
 *   node --import tsx packages/db/src/embedded-postgres-main.ts --data-dir .data/pg --port 54329
 * Prints one JSON line `{"ready":true,"connectionString":"..."}` on stdout once it accepts
 * connections, and shuts down cleanly on SIGINT or SIGTERM. It applies no migrations: whoever
 * starts it runs `migrate()` against the printed connection string.
 */
const argsSchema = z.object({
  "data-dir": z.string().min(1),
  port: z.coerce.number().int().min(0).max(65_535),
  host: z.string().min(1).default("127.0.0.1"),
});

const { values } = parseArgs({
  options: { "data-dir": { type: "string" }, port: { type: "string" }, host: { type: "string" } },
  strict: true,
});
const parsed = argsSchema.safeParse(values);
if (!parsed.success) {
  const problems = parsed.error.issues.map((issue) => `--${issue.path.join(".")}: ${issue.message}`).join("; ");
  process.stderr.write(`embedded-postgres: ${problems}\nusage: --data-dir <folder> --port <port> [--host <host>]\n`);
  process.exit(2);
}
const args = parsed.data;

const server = await startEmbeddedPostgres({ dataDir: args["data-dir"], port: args.port, host: args.host }).catch(
  (error: unknown) => {
    process.stderr.write(
      `embedded-postgres: cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
process.stdout.write(`${JSON.stringify({ ready: true, connectionString: server.connectionString })}\n`);

let exitCode = 0;
async function shutDown(signal: NodeJS.Signals): Promise<void> {
  try {
    await server.stop();
  } catch (error) {
    exitCode = 1;
    process.stderr.write(`embedded-postgres: unclean shutdown after ${signal}: ${String(error)}\n`);
  }
  process.exit(exitCode);
}
process.once("SIGINT", (signal) => void shutDown(signal));
process.once("SIGTERM", (signal) => void shutDown(signal));
// Spawned by the launcher with an IPC channel: never outlive it.
if (process.send) process.once("disconnect", () => void shutDown("SIGTERM"));
