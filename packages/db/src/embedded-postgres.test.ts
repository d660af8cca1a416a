import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createPrismaClient } from "./client";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { migrate } from "./migrate";
import { withClient } from "./testing/sql";

const mainScript = fileURLToPath(new URL("./embedded-postgres-main.ts", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tradeops-embedded-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("startEmbeddedPostgres", () => {
  it("keeps data in its folder: a second start sees what the first wrote", async () => {
    const first = await startEmbeddedPostgres({ dataDir, port: 0 });
    await migrate({ connectionString: first.connectionString });
    await withClient(first.connectionString, (client) =>
      client.query("INSERT INTO symbols (symbol, name, sector) VALUES ('MSFT', 'Microsoft', 'Technology')"),
    );
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir, port: 0 });
    try {
      const result = await migrate({ connectionString: second.connectionString });
      expect(result.applied).toEqual([]);
      const prisma = createPrismaClient({ connectionString: second.connectionString, poolMax: 4 });
      try {
        expect(await prisma.instrument.findMany({ select: { symbol: true, name: true } })).toEqual([
          { symbol: "MSFT", name: "Microsoft" },
        ]);
      } finally {
        await prisma.$disconnect();
      }
    } finally {
      await second.stop();
    }
  });

  it("loses no committed write at stop, and keeps nothing of a transaction left open", async () => {
    const first = await startEmbeddedPostgres({ dataDir, port: 0 });
    const pool = new pg.Pool({ connectionString: first.connectionString, max: 4 });
    pool.on("error", () => {});
    await pool.query("CREATE TABLE ledger (n integer PRIMARY KEY)");
    await pool.query("INSERT INTO ledger SELECT generate_series(1, 500)");
    const open = await pool.connect();
    open.on("error", () => {});
    await open.query("BEGIN");
    await open.query("INSERT INTO ledger VALUES (501)");
    await first.stop();
    open.release(true);
    await pool.end();

    const second = await startEmbeddedPostgres({ dataDir, port: 0 });
    try {
      const rows = await withClient(second.connectionString, (client) =>
        client.query("SELECT count(*)::int AS n, max(n) AS top FROM ledger"),
      );
      expect(rows.rows).toEqual([{ n: 500, top: 500 }]);
    } finally {
      await second.stop();
    }
  });

  it("keeps concurrent pooled connections apart: statements, transactions and errors", async () => {
    const server = await startEmbeddedPostgres({ dataDir, port: 0 });
    const pool = new pg.Pool({ connectionString: server.connectionString, max: 8 });
    try {
      await pool.query("CREATE TABLE counters (id integer PRIMARY KEY, value integer NOT NULL)");
      await pool.query("INSERT INTO counters SELECT id, 0 FROM generate_series(1, 8) AS id");
      const work = Array.from({ length: 120 }, async (_, i) => {
        const kind = i % 4;
        if (kind === 0) {
          const { rows } = await pool.query<{ i: number; label: string }>("SELECT $1::int AS i, $2::text AS label", [
            i,
            `q${i}`,
          ]);
          return rows[0]?.label === `q${i}` && rows[0]?.i === i;
        }
        if (kind === 1) {
          const { rows } = await pool.query<{ doubled: number }>("SELECT $1::int * 2 AS doubled", [i]);
          return rows[0]?.doubled === i * 2;
        }
        if (kind === 2) {
          const client = await pool.connect();
          try {
            await client.query("BEGIN");
            await client.query("UPDATE counters SET value = value + 1 WHERE id = $1", [(i % 8) + 1]);
            const { rows } = await client.query<{ inside: boolean }>(
              "SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS inside",
            );
            await client.query("COMMIT");
            return rows[0]?.inside === true;
          } finally {
            client.release();
          }
        }
        const failed = await pool.query("SELECT 1 / $1::int", [0]).then(
          () => false,
          (error: Error) => error.message === "division by zero",
        );
        return failed;
      });
      expect((await Promise.all(work)).every(Boolean)).toBe(true);
      const { rows } = await pool.query<{ total: number }>("SELECT sum(value)::int AS total FROM counters");
      expect(rows).toEqual([{ total: 30 }]);
    } finally {
      await pool.end();
      await server.stop();
    }
  });

  it("refuses connections beyond its limit with a PostgreSQL error", async () => {
    const server = await startEmbeddedPostgres({ dataDir, port: 0 });
    const clients = Array.from({ length: 16 }, () => new pg.Client({ connectionString: server.connectionString }));
    try {
      for (const client of clients) await client.connect();
      const extra = new pg.Client({ connectionString: server.connectionString });
      await expect(extra.connect()).rejects.toThrow("too many connections to the embedded database");
    } finally {
      for (const client of clients) await client.end();
      await server.stop();
    }
  });

  it("fails to start on a port already in use", async () => {
    const first = await startEmbeddedPostgres({ dataDir, port: 0 });
    try {
      const otherDir = await mkdtemp(join(tmpdir(), "tradeops-embedded-"));
      try {
        await expect(startEmbeddedPostgres({ dataDir: otherDir, port: first.port })).rejects.toThrow("EADDRINUSE");
      } finally {
        await rm(otherDir, { recursive: true, force: true });
      }
    } finally {
      await first.stop();
    }
  });
});

const readyLine = z.object({ ready: z.literal(true), connectionString: z.string().startsWith("postgresql://") });

function startMain(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["--import", "tsx", mainScript, ...args], { cwd: packageDir });
}

function readyOf(child: ChildProcessWithoutNullStreams): Promise<z.infer<typeof readyLine>> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf("\n");
      if (newline >= 0) resolve(readyLine.parse(JSON.parse(stdout.slice(0, newline))));
    });
    child.on("exit", (code) => reject(new Error(`embedded-postgres-main exited with ${code} before ready: ${stderr}`)));
  });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on("exit", (code) => resolve(code));
  });
}

describe("embedded-postgres-main", () => {
  it("prints one ready line, serves, stops cleanly on SIGTERM, and restarts on its data", async () => {
    const first = startMain(["--data-dir", dataDir, "--port", "0"]);
    const ready = await readyOf(first);
    await withClient(ready.connectionString, async (client) => {
      await client.query("CREATE TABLE notes (body text NOT NULL)");
      await client.query("INSERT INTO notes VALUES ('kept')");
    });
    first.kill("SIGTERM");
    expect(await exitOf(first)).toBe(0);

    const second = startMain(["--data-dir", dataDir, "--port", "0", "--host", "127.0.0.1"]);
    const again = await readyOf(second);
    const { rows } = await withClient(again.connectionString, (client) => client.query("SELECT body FROM notes"));
    expect(rows).toEqual([{ body: "kept" }]);
    second.kill("SIGINT");
    expect(await exitOf(second)).toBe(0);
  });

  it("exits 2 with usage when an option is missing", async () => {
    const child = startMain(["--port", "0"]);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    expect(await exitOf(child)).toBe(2);
    expect(stderr).toContain("usage: --data-dir <folder> --port <port> [--host <host>]");
  });
});
