import { PGlite } from "@electric-sql/pglite";
import { serveEmbeddedPostgres } from "../embedded-postgres";
import type { TestDatabaseFactory } from "./test-database";

/**
 * Fresh embedded databases, each an in-memory PGlite behind the wire-protocol server on a free
 * port. initdb takes seconds, so it runs once; every database starts from a copy of its result.
 */
export async function embeddedTestDatabases(): Promise<TestDatabaseFactory> {
  const initialised = await PGlite.create();
  const template = await initialised.dumpDataDir("none");
  await initialised.close();
  return {
    label: "embedded PGlite",
    async fresh() {
      const db = await PGlite.create({ loadDataDir: template });
      const server = await serveEmbeddedPostgres(db, { port: 0 });
      return { connectionString: server.connectionString, stop: () => server.stop() };
    },
    async close() {},
  };
}
