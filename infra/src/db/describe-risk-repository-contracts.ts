import { silentLogger } from "@tradeops/core";
import { describePortfolioRepositoryContract, describeRiskControlRepositoryContract } from "@tradeops/core/testing";
import { afterAll, beforeAll, describe } from "vitest";
import { type Database, openDatabase } from "../runtime/database";

/** A database server the suite owns: reachable at `url`, removed by `stop()`. */
export interface ContractDatabase {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Core's portfolio and risk-control contracts against the Prisma repositories, on one database
 * migrated as a process migrates it (the contracts keep tests apart by portfolio id).
 */
export function describeRiskRepositoryContracts(name: string, start: () => Promise<ContractDatabase>): void {
  describe(`risk repositories on ${name}`, () => {
    let server: ContractDatabase | undefined;
    let database: Database | undefined;

    beforeAll(async () => {
      server = await start();
      database = await openDatabase({ url: server.url, poolMax: 8, migrate: true, logger: silentLogger });
    });

    afterAll(async () => {
      await database?.close();
      await server?.stop();
    });

    const repositories = (): Database["repositories"] => {
      if (!database) throw new Error("the database is not ready: read it inside a test");
      return database.repositories;
    };

    describePortfolioRepositoryContract(`PrismaPortfolioRepository on ${name}`, async () => ({
      repository: repositories().portfolios,
      cleanup: async () => {},
    }));

    describeRiskControlRepositoryContract(`PrismaRiskControlRepository on ${name}`, async () => ({
      repository: repositories().riskControls,
      ensurePortfolio: (id) => repositories().portfolios.ensurePortfolio({ id, name: id, initialCapital: 1_000_000 }),
      cleanup: async () => {},
    }));
  });
}
