import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PortfolioFillRecord, PortfolioRepository } from "../ports/repositories";

export interface PortfolioRepositoryHarness {
  readonly repository: PortfolioRepository;
  /** Removes what the test stored, when the repository outlives it. */
  cleanup(): Promise<void>;
}

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

let portfolios = 0;

/**
 * What every PortfolioRepository must do, run against the in-memory twin and the database so the
 * two cannot drift apart. Each test gets a repository from `factory`; portfolio ids are unique per
 * test, so a factory may hand out repositories over one shared database.
 */
export function describePortfolioRepositoryContract(
  name: string,
  factory: () => Promise<PortfolioRepositoryHarness>,
): void {
  describe(`PortfolioRepository contract: ${name}`, () => {
    let harness: PortfolioRepositoryHarness | undefined;

    const repository = (): PortfolioRepository => {
      if (!harness) throw new Error("harness not created");
      return harness.repository;
    };

    const newPortfolio = async (): Promise<string> => {
      portfolios += 1;
      const id = `paper-${portfolios}-${Math.random().toString(36).slice(2, 8)}`;
      await repository().ensurePortfolio({ id, name: id, initialCapital: 1_000_000 });
      // A second call is a no-op, whatever it says.
      await repository().ensurePortfolio({ id, name: "again", initialCapital: 5 });
      return id;
    };

    beforeEach(async () => {
      harness = await factory();
    });

    afterEach(async () => {
      const current = harness;
      harness = undefined;
      if (current) await current.cleanup();
    });

    it("journals fills idempotently on seq, keeping the fill first written, in seq order", async () => {
      const id = await newPortfolio();
      expect(await repository().load(id)).toEqual({ snapshot: null, fills: [] });
      await repository().appendFills(id, [fill(2, { side: "SELL", decisionId: "d-2" }), fill(1)]);
      await repository().appendFills(id, [fill(2, { price: 1 }), fill(3)]);
      await repository().appendFills(id, []);
      expect(await repository().load(id)).toEqual({
        snapshot: null,
        fills: [fill(1), fill(2, { side: "SELL", decisionId: "d-2" }), fill(3)],
      });
    });

    it("loads the latest snapshot by time with the fills after it", async () => {
      const id = await newPortfolio();
      await repository().appendFills(id, [fill(1), fill(2), fill(3)]);
      await repository().saveSnapshot(id, { seq: 2, time: t0 + 150_000, state: { cash: 2 } });
      await repository().appendFills(id, [fill(4)]);
      expect(await repository().load(id)).toEqual({
        snapshot: { seq: 2, time: t0 + 150_000, state: { cash: 2 } },
        fills: [fill(3), fill(4)],
      });
      await repository().saveSnapshot(id, { seq: 4, time: t0 + 300_000, state: { cash: 4 } });
      // An older snapshot saved later does not win over the latest by time.
      await repository().saveSnapshot(id, { seq: 3, time: t0 + 200_000, state: { cash: 3 } });
      expect(await repository().load(id)).toEqual({
        snapshot: { seq: 4, time: t0 + 300_000, state: { cash: 4 } },
        fills: [],
      });
      // On a tie in time, the snapshot written later wins.
      await repository().saveSnapshot(id, { seq: 3, time: t0 + 300_000, state: { cash: 33 } });
      expect(await repository().load(id)).toEqual({
        snapshot: { seq: 3, time: t0 + 300_000, state: { cash: 33 } },
        fills: [fill(4)],
      });
    });

    it("round-trips doubles exactly and keeps what it stored apart from the caller's objects", async () => {
      const id = await newPortfolio();
      // 0.1 + 0.2 and a third: doubles whose shortest decimal form is long must come back unchanged.
      const state = {
        cash: 0.1 + 0.2,
        positions: [{ symbol: "AAPL", averageCost: 100 / 3, quantity: 7 }],
        day: null,
      };
      await repository().appendFills(id, [fill(1, { price: 100 / 3 })]);
      await repository().saveSnapshot(id, { seq: 0, time: t0, state });
      state.cash = 0;
      const loaded = await repository().load(id);
      expect(loaded).toEqual({
        snapshot: { seq: 0, time: t0, state: { ...state, cash: 0.1 + 0.2 } },
        fills: [fill(1, { price: 100 / 3 })],
      });
      expect((loaded.snapshot?.state as typeof state | undefined)?.cash).toBe(0.1 + 0.2);
      expect(loaded.fills[0]?.price).toBe(100 / 3);
      (loaded.snapshot?.state as typeof state | undefined)?.positions.pop();
      loaded.fills.pop();
      expect(await repository().load(id)).toEqual({
        snapshot: { seq: 0, time: t0, state: { ...state, cash: 0.1 + 0.2 } },
        fills: [fill(1, { price: 100 / 3 })],
      });
    });

    it("refuses impossible fills, writing nothing of their batch", async () => {
      const id = await newPortfolio();
      await expect(repository().appendFills(id, [fill(1), fill(2, { quantity: 0 })])).rejects.toThrow(/quantity/);
      await expect(repository().appendFills(id, [fill(1, { quantity: 1.5 })])).rejects.toThrow(/quantity/);
      await expect(repository().appendFills(id, [fill(0)])).rejects.toThrow(/seq/);
      await expect(repository().appendFills(id, [fill(1, { price: 0 })])).rejects.toThrow(/price/);
      await expect(repository().appendFills(id, [fill(1, { price: Number.NaN })])).rejects.toThrow(/price/);
      expect(await repository().load(id)).toEqual({ snapshot: null, fills: [] });
    });

    it("refuses impossible snapshots", async () => {
      const id = await newPortfolio();
      await expect(repository().saveSnapshot(id, { seq: -1, time: t0, state: {} })).rejects.toThrow(/seq/);
      await expect(repository().saveSnapshot(id, { seq: 0, time: t0, state: [1] })).rejects.toThrow(/state/);
      await expect(repository().saveSnapshot(id, { seq: 0, time: t0, state: null })).rejects.toThrow(/state/);
      expect(await repository().load(id)).toEqual({ snapshot: null, fills: [] });
    });

    it("journals only for a portfolio that exists, and refuses a malformed portfolio", async () => {
      await expect(repository().appendFills("nobody", [fill(1)])).rejects.toThrow();
      await expect(repository().saveSnapshot("nobody", { seq: 0, time: t0, state: {} })).rejects.toThrow();
      expect(await repository().load("nobody")).toEqual({ snapshot: null, fills: [] });
      await expect(repository().ensurePortfolio({ id: "Not An Id", name: "x", initialCapital: 1 })).rejects.toThrow(
        /portfolio id/,
      );
      await expect(repository().ensurePortfolio({ id: "negative", name: "x", initialCapital: -1 })).rejects.toThrow();
      await expect(repository().appendFills("negative", [fill(1)])).rejects.toThrow();
    });
  });
}
