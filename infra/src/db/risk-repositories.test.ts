import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "@tradeops/db";
import { describeRiskRepositoryContracts } from "./describe-risk-repository-contracts";

describeRiskRepositoryContracts("embedded PGlite", async () => {
  const folder = await mkdtemp(join(tmpdir(), "risk-repositories-"));
  const postgres = await startEmbeddedPostgres({ dataDir: join(folder, "db"), port: 0 });
  return {
    url: postgres.connectionString,
    stop: async () => {
      await postgres.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
});
