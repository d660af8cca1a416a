import { describePortfolioRepositoryContract } from "../testing/portfolio-repository-contract";
import { MemoryPortfolioRepository } from "./memory-portfolio-repository";

describePortfolioRepositoryContract("MemoryPortfolioRepository", async () => ({
  repository: new MemoryPortfolioRepository(),
  cleanup: async () => {},
}));
