import { describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { describeRiskControlRepositoryContract } from "../testing/risk-control-repository-contract";
import { MemoryRiskControlRepository } from "./memory-risk-control-repository";

describeRiskControlRepositoryContract("MemoryRiskControlRepository", async () => ({
  repository: new MemoryRiskControlRepository(),
  ensurePortfolio: async () => {},
  cleanup: async () => {},
}));

describe("MemoryRiskControlRepository", () => {
  it("times leases by the clock it is given", async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const repository = new MemoryRiskControlRepository(() => clock.now());
    expect(await repository.acquireLease("paper", "a", 1_000)).toBe(true);
    clock.advance(999);
    expect(await repository.acquireLease("paper", "b", 1_000)).toBe(false);
    clock.advance(1);
    expect(await repository.acquireLease("paper", "b", 1_000)).toBe(true);
  });
});
