import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface MigrationFile {
  version: number;
  /** The file name, e.g. `0002_platform_schema.sql`. */
  fileName: string;
  sql: string;
  /** Hex SHA-256 of the SQL with line endings normalised. */
  checksum: string;
}

export const defaultMigrationsDir = fileURLToPath(new URL("../migrations/", import.meta.url));

const fileNamePattern = /^(\d{4})_[a-z0-9]+(?:_[a-z0-9]+)*\.sql$/;

/** A checkout with CRLF line endings (Windows, git autocrlf) must not look like an edited migration. */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n?/g, "\n")).digest("hex");
}

/**
 * The migrations in `dir`, in version order. A `.sql` file that does not follow `NNNN_name.sql`, or
 * two files with one version, is an error rather than something silently skipped.
 */
export async function readMigrationFiles(dir: string = defaultMigrationsDir): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(".sql")).sort();
  const files: MigrationFile[] = [];
  for (const fileName of names) {
    const version = fileNamePattern.exec(fileName)?.[1];
    if (version === undefined) {
      throw new Error(`migration file ${fileName} in ${dir} is not named NNNN_lower_snake_name.sql`);
    }
    const previous = files.at(-1);
    if (previous && previous.version === Number(version)) {
      throw new Error(`migrations ${previous.fileName} and ${fileName} share version ${version}`);
    }
    const sql = await readFile(join(dir, fileName), "utf8");
    files.push({ version: Number(version), fileName, sql, checksum: migrationChecksum(sql) });
  }
  return files;
}
