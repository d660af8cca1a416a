import { randomBytes } from "node:crypto";
import { createPrismaClient } from "@tradeops/db";
import { servicesEnv } from "../testing/services-env";
import { describeRiskRepositoryContracts } from "./describe-risk-repository-contracts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeRiskRepositoryContracts("a PostgreSQL server", async () => {
  const server = servicesEnv().DATABASE_URL;
  const scratch = `tradeops_risk_${randomBytes(6).toString("hex")}`;
  const admin = createPrismaClient({ connectionString: server, poolMax: 1 });
  await admin.$executeRawUnsafe(`CREATE DATABASE ${scratch}`);
  const url = new URL(server);
  url.pathname = `/${scratch}`;
  return {
    url: url.toString(),
    stop: async () => {
      // Retried while a closing connection of the suite still holds the database.
      for (let attempt = 0; ; attempt += 1) {
        try {
          await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS ${scratch}`);
          break;
        } catch (error) {
          if (attempt >= 50) throw error;
          await sleep(100);
        }
      }
      await admin.$disconnect();
    },
  };
});
