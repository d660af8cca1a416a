import { describe, expect, it } from "vitest";
import type { PortfolioFillRecord } from "../ports/repositories";
import { MemoryPortfolioRepository } from "./memory-portfolio-repository";

const t0 = Date.UTC(2025, 9, 21, 14, 30);

function fill(seq: number, overrides: Partial<PortfolioFillRecord> = {}): PortfolioFillRecord {
  return {
    seq,
    time: t0 + seq * 60_000,
    symbol: "AAPL",
    side: "BUY",
    quantity: 10 * seq,
    price: 100 + seq / 3,
    ...overrides,
  };
}

/** The same expectations as `packages/db`'s suite for `PrismaPortfolioRepository`. */
describe("MemoryPortfolioRepository", () => {
  it("journals fills idempotently and loads the latest snapshot with the fills after it, exactly", async () => {
    const repository = new MemoryPortfolioRepository();
    await repository.ensurePortfolio({ id: "paper", name: "paper", initialCapital: 1_000_000 });
    await repository.ensurePortfolio({ id: "paper", name: "again", initialCapital: 5 });
    expect(await repository.load("paper")).toEqual({ snapshot: null, fills: [] });
    await repository.appendFills("paper", [fill(1), fill(2, { side: "SELL", decisionId: "d-2" })]);
    await repository.appendFills("paper", [fill(2, { price: 1 }), fill(3)]);
    expect(await repository.load("paper")).toEqual({
      snapshot: null,
      fills: [fill(1), fill(2, { side: "SELL", decisionId: "d-2" }), fill(3)],
    });
    const state = { cash: 0.1 + 0.2, positions: [{ symbol: "AAPL", averageCost: 100 / 3, quantity: 7 }], day: null };
    await repository.saveSnapshot("paper", { seq: 2, time: t0 + 150_000, state });
    // What was stored is a copy: changing the object afterwards changes nothing.
    state.cash = 0;
    await repository.appendFills("paper", [fill(4)]);
    const loaded = await repository.load("paper");
    expect(loaded).toEqual({
      snapshot: { seq: 2, time: t0 + 150_000, state: { ...state, cash: 0.1 + 0.2 } },
      fills: [fill(3), fill(4)],
    });
    await repository.saveSnapshot("paper", { seq: 4, time: t0 + 300_000, state: { cash: 1 } });
    // An older snapshot saved later does not win over the latest by time.
    await repository.saveSnapshot("paper", { seq: 3, time: t0 + 200_000, state: { cash: 2 } });
    expect(await repository.load("paper")).toEqual({
      snapshot: { seq: 4, time: t0 + 300_000, state: { cash: 1 } },
      fills: [],
    });
  });

  it("refuses impossible fills and a portfolio that does not exist, writing nothing of the batch", async () => {
    const repository = new MemoryPortfolioRepository();
    await repository.ensurePortfolio({ id: "paper", name: "paper", initialCapital: 1_000 });
    await expect(repository.appendFills("paper", [fill(1), fill(2, { quantity: 0 })])).rejects.toThrow(/quantity/);
    await expect(repository.appendFills("paper", [fill(0)])).rejects.toThrow(/seq/);
    await expect(repository.appendFills("nobody", [fill(1)])).rejects.toThrow(/nobody/);
    await expect(repository.saveSnapshot("nobody", { seq: 0, time: t0, state: {} })).rejects.toThrow(/nobody/);
    expect((await repository.load("paper")).fills).toEqual([]);
  });
});
