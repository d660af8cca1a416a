import pg from "pg";
import { type DbLogger, silentDbLogger } from "./logger";
import { defaultMigrationsDir, type MigrationFile, readMigrationFiles } from "./migration-files";

export type MigrateOptions = ({ connectionString: string } | { client: pg.ClientBase }) & {
  logger?: DbLogger;
  /** Defaults to this package's `migrations/` folder. */
  migrationsDir?: string;
};

export interface MigrateResult {
  /** File names applied by this call, in order. */
  applied: string[];
  /** File names that were already applied (by an earlier run or a concurrent runner). */
  alreadyApplied: string[];
}

/**
 * The database and the migration files disagree in a way that only a person can resolve (an
 * applied migration edited, renamed, deleted, or a new one numbered below an applied one).
 * Nothing was changed.
 */
export class MigrationRefusedError extends Error {
  override readonly name = "MigrationRefusedError";
}

/** A migration's SQL failed; its transaction was rolled back, so nothing of it remains. */
export class MigrationFailedError extends Error {
  override readonly name = "MigrationFailedError";
  constructor(
    readonly fileName: string,
    cause: unknown,
  ) {
    super(
      `migration ${fileName} failed and was rolled back: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}

/** Every runner, in every process, serialises on this session advisory lock ("tradeops" in ASCII). */
const migrationLockKey = "8390876139571081331";

const createMigrationsTable = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum char(64) NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms integer NOT NULL
)`;

interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies the pending SQL migrations, each in its own transaction, under an advisory lock so that
 * concurrent runners (several replicas starting at once) serialise. Refuses, before changing
 * anything, when an applied migration's file was edited, renamed or removed. A no-op when the
 * database is up to date. Migration files must not contain their own BEGIN/COMMIT.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const logger = options.logger ?? silentDbLogger;
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir;
  const files = await readMigrationFiles(migrationsDir);

  const ownClient =
    "connectionString" in options ? new pg.Client({ connectionString: options.connectionString }) : null;
  const client = ownClient ?? ("client" in options ? options.client : null);
  if (!client) throw new Error("migrate: pass a connectionString or a connected pg client");
  if (ownClient) await ownClient.connect();

  // NOTICEs ("already exists, skipping") are routine on an idempotent re-run; only WARNINGs deserve attention.
  const onNotice = (notice: { severity?: string; message?: string }) => {
    const fields = { severity: notice.severity, notice: notice.message };
    if (notice.severity === "WARNING") logger.warn(fields, "database notice during migration");
    else logger.info(fields, "database notice during migration");
  };
  client.on("notice", onNotice);
  try {
    const locked = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [
      migrationLockKey,
    ]);
    if (!locked.rows[0]?.locked) {
      logger.info({ lockKey: migrationLockKey }, "another migration runner holds the lock; waiting");
      await client.query("SELECT pg_advisory_lock($1::bigint)", [migrationLockKey]);
    }
    try {
      return await applyPending(client, files, logger);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [migrationLockKey]);
    }
  } finally {
    client.off("notice", onNotice);
    if (ownClient) await ownClient.end();
  }
}

async function applyPending(client: pg.ClientBase, files: MigrationFile[], logger: DbLogger): Promise<MigrateResult> {
  await client.query(createMigrationsTable);
  const applied = await readApplied(client);
  verifyApplied(applied, files);

  const appliedVersions = new Set(applied.map((row) => row.version));
  const result: MigrateResult = { applied: [], alreadyApplied: applied.map((row) => row.name) };
  for (const file of files.filter((candidate) => !appliedVersions.has(candidate.version))) {
    const startedAt = performance.now();
    await client.query("BEGIN");
    try {
      // The advisory lock serialises runners on a real server. PGlite is a single backend where
      // session locks exclude nobody, but it runs one transaction at a time: checking again inside
      // the transaction makes a concurrent runner's work visible either way.
      const existing = await client.query<AppliedMigration>(
        "SELECT version, name, checksum FROM schema_migrations WHERE version = $1",
        [file.version],
      );
      const row = existing.rows[0];
      if (row) {
        verifyRecorded(row, files);
        await client.query("ROLLBACK");
        result.alreadyApplied.push(file.fileName);
        continue;
      }
      await client.query(file.sql);
      const durationMs = Math.round(performance.now() - startedAt);
      await client.query(
        "INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)",
        [file.version, file.fileName, file.checksum, durationMs],
      );
      await client.query("COMMIT");
      result.applied.push(file.fileName);
      logger.info({ migration: file.fileName, durationMs }, "migration applied");
    } catch (error) {
      await rollback(client, logger);
      if (error instanceof MigrationRefusedError) throw error;
      throw new MigrationFailedError(file.fileName, error);
    }
  }
  if (result.applied.length === 0) logger.info({ migrations: files.length }, "database schema is up to date");
  return result;
}

async function readApplied(client: pg.ClientBase): Promise<AppliedMigration[]> {
  const { rows } = await client.query<AppliedMigration>(
    "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
  );
  return rows;
}

function verifyApplied(applied: AppliedMigration[], files: MigrationFile[]): void {
  for (const row of applied) verifyRecorded(row, files);
  const latest = applied.at(-1);
  const appliedVersions = new Set(applied.map((row) => row.version));
  const skipped = files.find((file) => latest && file.version < latest.version && !appliedVersions.has(file.version));
  if (latest && skipped) {
    throw new MigrationRefusedError(
      `migration ${skipped.fileName} was never applied but ${latest.name}, numbered after it, was; renumber it after ${latest.name}`,
    );
  }
}

/** The file of an applied migration must still exist under the same name with the same content. */
function verifyRecorded(row: AppliedMigration, files: MigrationFile[]): void {
  const file = files.find((candidate) => candidate.version === row.version);
  if (!file) {
    throw new MigrationRefusedError(
      `migration ${row.name} is recorded as applied but its file is missing: the database is newer than this code`,
    );
  }
  if (file.fileName !== row.name) {
    throw new MigrationRefusedError(
      `migration ${row.name} was applied but its file is now named ${file.fileName}; restore the original name`,
    );
  }
  if (file.checksum !== row.checksum) {
    throw new MigrationRefusedError(
      `migration ${file.fileName} was edited after it was applied: checksum ${row.checksum} (applied) != ${file.checksum} (file); restore it and add a new migration instead`,
    );
  }
}

async function rollback(client: pg.ClientBase, logger: DbLogger): Promise<void> {
  try {
    await client.query("ROLLBACK");
  } catch (error) {
    // The original error matters more; a broken connection is closed by its owner.
    logger.warn(
      { error: error instanceof Error ? error.message : String(error) },
      "rollback after a failed migration failed",
    );
  }
}
