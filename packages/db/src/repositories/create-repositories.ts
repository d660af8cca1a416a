import type { PrismaClient } from "../generated/prisma/client";
import { PrismaApiKeyRepository } from "./api-key-repository";
import { PrismaDecisionRepository } from "./decision-repository";
import { PrismaMarketDataRepository } from "./market-data-repository";
import { PrismaModelRegistryRepository } from "./model-registry-repository";
import { PrismaPortfolioRepository } from "./portfolio-repository";
import { PrismaRegimeHistoryRepository } from "./regime-history-repository";
import { PrismaRejectedTickRepository } from "./rejected-tick-repository";
import type { Repositories } from "./repository-ports";
import { PrismaRiskControlRepository } from "./risk-control-repository";

/** The database behind the domain's repository ports (`packages/core/src/ports/repositories.ts`). */
export function createRepositories(prisma: PrismaClient): Repositories {
  return {
    marketData: new PrismaMarketDataRepository(prisma),
    regimes: new PrismaRegimeHistoryRepository(prisma),
    decisions: new PrismaDecisionRepository(prisma),
    models: new PrismaModelRegistryRepository(prisma),
    rejectedTicks: new PrismaRejectedTickRepository(prisma),
    portfolios: new PrismaPortfolioRepository(prisma),
    riskControls: new PrismaRiskControlRepository(prisma),
    apiKeys: new PrismaApiKeyRepository(prisma),
  };
}
