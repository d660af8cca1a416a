import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MigrationFailedError, MigrationRefusedError, migrate } from "../migrate";
import { readMigrationFiles } from "../migration-files";
import { migrationStatus } from "../migration-status";
import { withClient } from "./sql";
import type { TestDatabase, TestDatabaseFactory } from "./test-database";

const migrateMain = fileURLToPath(new URL("../migrate-main.ts", import.meta.url));
const packageDir = fileURLToPath(new URL("../..", import.meta.url));

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

async function tableExists(connectionString: string, table: string): Promise<boolean> {
  return withClient(connectionString, async (client) => {
    const { rows } = await client.query<{ found: boolean }>("SELECT to_regclass($1) IS NOT NULL AS found", [table]);
    return rows[0]?.found === true;
  });
}

async function recorded(connectionString: string): Promise<{ version: number; name: string; checksum: string }[]> {
  return withClient(connectionString, async (client) => {
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
    );
    return rows;
  });
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runMigrateMain(connectionString: string, migrationsDir: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", migrateMain, "--database-url", connectionString, "--migrations-dir", migrationsDir],
      { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The migration runner's behaviour, against whatever server `createFactory` provides. */
export function migrateSuite(createFactory: () => Promise<TestDatabaseFactory>): void {
  let factory: TestDatabaseFactory;
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    factory = await createFactory();
  });
  afterAll(async () => {
    await factory?.close();
  });

  async function useFreshDatabase(files: Record<string, string>): Promise<string> {
    database = await factory.fresh();
    dir = await mkdtemp(join(tmpdir(), "tradeops-migrations-"));
    for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
    return database.connectionString;
  }

  afterEach(async () => {
    await database?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe("the project's migrations", () => {
    it("apply to an empty database and record each file with its checksum", async () => {
      const url = await useFreshDatabase({});
      const files = await readMigrationFiles();
      const result = await migrate({ connectionString: url });
      expect(result.applied).toEqual(files.map((file) => file.fileName));
      expect(result.alreadyApplied).toEqual([]);
      expect(await recorded(url)).toEqual(
        files.map((file) => ({ version: file.version, name: file.fileName, checksum: sha256(file.sql) })),
      );
      expect(await tableExists(url, "decisions")).toBe(true);
    });

    it("are reported by migrationStatus before and after they are applied", async () => {
      const url = await useFreshDatabase({});
      const files = await readMigrationFiles();
      expect(await migrationStatus({ connectionString: url })).toEqual({
        applied: [],
        pending: files.map((file) => file.fileName),
      });
      await migrate({ connectionString: url });
      const status = await migrationStatus({ connectionString: url });
      expect(status.pending).toEqual([]);
      expect(status.applied.map(({ version, name }) => ({ version, name }))).toEqual(
        files.map((file) => ({ version: file.fileName.slice(0, 4), name: file.fileName })),
      );
      for (const { appliedAt } of status.applied) expect(new Date(appliedAt).toISOString()).toBe(appliedAt);
    });

    it("are a no-op when the database is up to date", async () => {
      const url = await useFreshDatabase({});
      await migrate({ connectionString: url });
      const before = await withClient(url, (client) =>
        client.query("SELECT version, applied_at FROM schema_migrations ORDER BY version"),
      );
      const again = await migrate({ connectionString: url });
      expect(again.applied).toEqual([]);
      expect(again.alreadyApplied).toEqual((await readMigrationFiles()).map((file) => file.fileName));
      const after = await withClient(url, (client) =>
        client.query("SELECT version, applied_at FROM schema_migrations ORDER BY version"),
      );
      expect(after.rows).toEqual(before.rows);
    });

    it("serialise when two runner processes start at once", async () => {
      const url = await useFreshDatabase({});
      const files = await readMigrationFiles();
      const migrationsDir = fileURLToPath(new URL("../../migrations/", import.meta.url));
      const runs = await Promise.all([runMigrateMain(url, migrationsDir), runMigrateMain(url, migrationsDir)]);
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      const results = runs.map((run) => JSON.parse(run.stdout) as { applied: string[]; alreadyApplied: string[] });
      const appliedByEither = results.flatMap((result) => result.applied).sort();
      expect(appliedByEither).toEqual(files.map((file) => file.fileName));
      for (const result of results) {
        expect([...result.applied, ...result.alreadyApplied].sort()).toEqual(files.map((file) => file.fileName));
      }
      expect((await recorded(url)).map((row) => row.name)).toEqual(files.map((file) => file.fileName));
    });
  });

  describe("with synthetic migrations", () => {
    const first = "CREATE TABLE a (id integer PRIMARY KEY);\n";
    const second = "CREATE TABLE b (id integer PRIMARY KEY);\nINSERT INTO b VALUES (1);\n";
    const third = "CREATE TABLE c (id integer PRIMARY KEY);\n";

    it("make a second runner process wait for a slow first one, then find nothing left to do", async () => {
      const slow = "SELECT pg_sleep(1);\nCREATE TABLE a (id integer PRIMARY KEY);\n";
      const url = await useFreshDatabase({ "0001_a.sql": slow, "0002_b.sql": second });
      const runs = await Promise.all([runMigrateMain(url, dir), runMigrateMain(url, dir)]);
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      const results = runs.map((run) => JSON.parse(run.stdout) as { applied: string[]; alreadyApplied: string[] });
      expect(results.flatMap((result) => result.applied).sort()).toEqual(["0001_a.sql", "0002_b.sql"]);
      expect((await recorded(url)).map((row) => row.version)).toEqual([1, 2]);
      if (factory.label === "PostgreSQL server") {
        // A real server has sessions: the later runner waits on the advisory lock. (PGlite has one
        // session; there the wire queue holds the later runner until the transaction ends.)
        expect(runs.map((run) => run.stderr).join("")).toContain("another migration runner holds the lock; waiting");
      }
    });

    it("apply in version order, each once, under concurrent runners in one process", async () => {
      const url = await useFreshDatabase({ "0002_b.sql": second, "0001_a.sql": first, "0003_c.sql": third });
      const results = await Promise.all([1, 2, 3, 4].map(() => migrate({ connectionString: url, migrationsDir: dir })));
      expect(results.flatMap((result) => result.applied).sort()).toEqual(["0001_a.sql", "0002_b.sql", "0003_c.sql"]);
      expect((await recorded(url)).map((row) => row.version)).toEqual([1, 2, 3]);
      const rows = await withClient(url, (client) => client.query("SELECT id FROM b"));
      expect(rows.rows).toEqual([{ id: 1 }]);
    });

    it("refuse to run when an applied migration was edited, naming the file and both checksums", async () => {
      const url = await useFreshDatabase({ "0001_a.sql": first, "0002_b.sql": second });
      await migrate({ connectionString: url, migrationsDir: dir });
      const edited = `${first}-- a harmless-looking comment\n`;
      await writeFile(join(dir, "0001_a.sql"), edited);
      await writeFile(join(dir, "0003_c.sql"), third);

      const attempt = migrate({ connectionString: url, migrationsDir: dir });
      await expect(attempt).rejects.toBeInstanceOf(MigrationRefusedError);
      await expect(attempt).rejects.toThrow(
        `migration 0001_a.sql was edited after it was applied: checksum ${sha256(first)} (applied) != ${sha256(edited)} (file); restore it and add a new migration instead`,
      );
      expect(await tableExists(url, "c")).toBe(false);
      expect((await recorded(url)).map((row) => row.version)).toEqual([1, 2]);
    });

    it("treat CRLF and LF line endings as the same migration", async () => {
      const url = await useFreshDatabase({ "0001_a.sql": first, "0002_b.sql": second });
      await migrate({ connectionString: url, migrationsDir: dir });
      await writeFile(join(dir, "0002_b.sql"), second.replaceAll("\n", "\r\n"));
      const result = await migrate({ connectionString: url, migrationsDir: dir });
      expect(result.applied).toEqual([]);
    });

    it("roll back a failing migration entirely and apply it once fixed", async () => {
      const failing = "CREATE TABLE b (id integer PRIMARY KEY);\nINSERT INTO a VALUES (1);\nSELECT 1 / 0;\n";
      const url = await useFreshDatabase({ "0001_a.sql": first, "0002_b.sql": failing });
      const attempt = migrate({ connectionString: url, migrationsDir: dir });
      await expect(attempt).rejects.toBeInstanceOf(MigrationFailedError);
      await expect(attempt).rejects.toThrow("migration 0002_b.sql failed and was rolled back: division by zero");
      expect(await tableExists(url, "b")).toBe(false);
      const rowsInA = await withClient(url, (client) => client.query("SELECT count(*)::int AS n FROM a"));
      expect(rowsInA.rows).toEqual([{ n: 0 }]);
      expect((await recorded(url)).map((row) => row.version)).toEqual([1]);

      await writeFile(join(dir, "0002_b.sql"), second);
      const fixed = await migrate({ connectionString: url, migrationsDir: dir });
      expect(fixed.applied).toEqual(["0002_b.sql"]);
    });

    it("refuse when an applied migration's file is gone or renamed", async () => {
      const url = await useFreshDatabase({ "0001_a.sql": first, "0002_b.sql": second });
      await migrate({ connectionString: url, migrationsDir: dir });

      await rename(join(dir, "0002_b.sql"), join(dir, "0002_bee.sql"));
      await expect(migrate({ connectionString: url, migrationsDir: dir })).rejects.toThrow(
        "migration 0002_b.sql was applied but its file is now named 0002_bee.sql; restore the original name",
      );
      await unlink(join(dir, "0002_bee.sql"));
      await expect(migrate({ connectionString: url, migrationsDir: dir })).rejects.toThrow(
        "migration 0002_b.sql is recorded as applied but its file is missing: the database is newer than this code",
      );
    });

    it("refuse a new migration numbered below one already applied", async () => {
      const url = await useFreshDatabase({ "0001_a.sql": first, "0003_c.sql": third });
      await migrate({ connectionString: url, migrationsDir: dir });
      await writeFile(join(dir, "0002_b.sql"), second);
      await expect(migrate({ connectionString: url, migrationsDir: dir })).rejects.toThrow(
        "migration 0002_b.sql was never applied but 0003_c.sql, numbered after it, was; renumber it after 0003_c.sql",
      );
      expect(await tableExists(url, "b")).toBe(false);
    });

    it("exit the command-line runner non-zero with the reason when a migration was edited", async () => {
      const url = await useFreshDatabase({ "0001_a.sql": first });
      expect((await runMigrateMain(url, dir)).code).toBe(0);
      await writeFile(
        join(dir, "0001_a.sql"),
        (await readFile(join(dir, "0001_a.sql"), "utf8")).replace("a (", "a  ("),
      );
      const run = await runMigrateMain(url, dir);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain("migration 0001_a.sql was edited after it was applied: checksum");
    });
  });
}
