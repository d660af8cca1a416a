import pg from "pg";
import { defaultMigrationsDir, readMigrationFiles } from "./migration-files";

export interface MigrationStatus {
  /** Migrations recorded in the database, in version order. */
  applied: { version: string; name: string; appliedAt: string }[];
  /** File names of migrations not applied yet, in the order `migrate()` would apply them. */
  pending: string[];
}

/**
 * What `migrate()` has done to a database and what it would still do, read without taking the
 * migration lock or changing anything (readiness checks, the console's system page).
 */
export async function migrationStatus(options: {
  connectionString: string;
  migrationsDir?: string;
}): Promise<MigrationStatus> {
  const files = await readMigrationFiles(options.migrationsDir ?? defaultMigrationsDir);
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();
  try {
    const exists = await client.query<{ found: boolean }>(
      "SELECT to_regclass('schema_migrations') IS NOT NULL AS found",
    );
    const rows = exists.rows[0]?.found
      ? (
          await client.query<{ version: number; name: string; applied_at: Date }>(
            "SELECT version, name, applied_at FROM schema_migrations ORDER BY version",
          )
        ).rows
      : [];
    const appliedVersions = new Set(rows.map((row) => row.version));
    return {
      applied: rows.map((row) => ({
        version: String(row.version).padStart(4, "0"),
        name: row.name,
        appliedAt: row.applied_at.toISOString(),
      })),
      pending: files.filter((file) => !appliedVersions.has(file.version)).map((file) => file.fileName),
    };
  } finally {
    await client.end();
  }
}
