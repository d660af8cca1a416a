import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestDatabaseFactory } from "./test-database";

/**
 * Fresh databases on a real PostgreSQL server: each test gets `CREATE DATABASE tradeops_test_<random>`
 * (the role needs CREATEDB), dropped again by `stop()`.
 */
export async function scratchTestDatabases(adminConnectionString: string): Promise<TestDatabaseFactory> {
  const admin = new pg.Client({ connectionString: adminConnectionString });
  await admin.connect();
  return {
    label: "PostgreSQL server",
    async fresh() {
      const name = `tradeops_test_${randomBytes(6).toString("hex")}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(adminConnectionString);
      url.pathname = `/${name}`;
      return {
        connectionString: url.toString(),
        stop: () => dropDatabase(admin, name),
      };
    },
    async close() {
      await admin.end();
    },
  };
}

/**
 * DROP DATABASE ... WITH (FORCE) is not an option for a non-superuser: it must terminate an
 * autovacuum worker that may be visiting the database and may not. A plain DROP waits out
 * autovacuum itself; retry while a closing client of the test is still connected.
 */
async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      return;
    } catch (error) {
      const inUse = error instanceof Error && "code" in error && error.code === "55006";
      if (!inUse || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
