import { afterAll, beforeAll } from "vitest";
import { createPrismaClient } from "../client";
import type { PrismaClient } from "../generated/prisma/client";
import { migrate } from "../migrate";
import type { TestDatabase, TestDatabaseFactory } from "./test-database";

export interface MigratedDatabase {
  readonly connectionString: string;
  readonly prisma: PrismaClient;
}

/**
 * A fresh, migrated database and a Prisma Client on it for the enclosing suite (its own
 * beforeAll/afterAll). Read the properties inside tests, once the hooks have run.
 */
export function useMigratedDatabase(createFactory: () => Promise<TestDatabaseFactory>): MigratedDatabase {
  let factory: TestDatabaseFactory | undefined;
  let database: TestDatabase | undefined;
  let prisma: PrismaClient | undefined;

  beforeAll(async () => {
    factory = await createFactory();
    database = await factory.fresh();
    await migrate({ connectionString: database.connectionString });
    prisma = createPrismaClient({ connectionString: database.connectionString, poolMax: 8 });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.stop();
    await factory?.close();
  });

  return {
    get connectionString() {
      if (!database) throw new Error("the test database is not ready: read it inside a test");
      return database.connectionString;
    },
    get prisma() {
      if (!prisma) throw new Error("the test database is not ready: read it inside a test");
      return prisma;
    },
  };
}
