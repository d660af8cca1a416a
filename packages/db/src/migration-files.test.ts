import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrationChecksum, readMigrationFiles } from "./migration-files";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tradeops-migration-files-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("migrationChecksum", () => {
  it("is the SHA-256 of the text with LF line endings", () => {
    const lf = "CREATE TABLE a (id integer);\nSELECT 1;\n";
    const expected = createHash("sha256").update(lf).digest("hex");
    expect(migrationChecksum(lf)).toBe(expected);
    expect(migrationChecksum(lf.replaceAll("\n", "\r\n"))).toBe(expected);
    expect(migrationChecksum(lf.replaceAll("\n", "\r"))).toBe(expected);
    expect(migrationChecksum(`${lf} `)).not.toBe(expected);
  });
});

describe("readMigrationFiles", () => {
  it("reads NNNN_name.sql files in version order and ignores other files", async () => {
    await writeFile(join(dir, "0010_later.sql"), "SELECT 10;");
    await writeFile(join(dir, "0002_early.sql"), "SELECT 2;");
    await writeFile(join(dir, "README.md"), "not a migration");
    const files = await readMigrationFiles(dir);
    expect(files.map(({ version, fileName, sql }) => ({ version, fileName, sql }))).toEqual([
      { version: 2, fileName: "0002_early.sql", sql: "SELECT 2;" },
      { version: 10, fileName: "0010_later.sql", sql: "SELECT 10;" },
    ]);
  });

  it("rejects a badly named .sql file instead of skipping it", async () => {
    await writeFile(join(dir, "0001_Init.sql"), "SELECT 1;");
    await expect(readMigrationFiles(dir)).rejects.toThrow(
      `migration file 0001_Init.sql in ${dir} is not named NNNN_lower_snake_name.sql`,
    );
  });

  it("rejects two files with one version", async () => {
    await writeFile(join(dir, "0001_a.sql"), "SELECT 1;");
    await writeFile(join(dir, "0001_b.sql"), "SELECT 1;");
    await expect(readMigrationFiles(dir)).rejects.toThrow("migrations 0001_a.sql and 0001_b.sql share version 0001");
  });

  it("finds the project's migrations by default", async () => {
    const files = await readMigrationFiles();
    expect(files.map((file) => file.fileName).slice(0, 3)).toEqual([
      "0001_time_series_support.sql",
      "0002_platform_schema.sql",
      "0003_decision_event_fields.sql",
    ]);
  });
});
