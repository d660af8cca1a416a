import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AuditEntry, RiskControlRepository, StoredRiskLimitSet, StoredTradingState } from "../ports/repositories";

export interface RiskControlRepositoryHarness {
  readonly repository: RiskControlRepository;
  /** Creates the portfolio the controls refer to (a `portfolios` row, where there is one). */
  ensurePortfolio(id: string): Promise<void>;
  /** Removes what the test stored, when the repository outlives it. */
  cleanup(): Promise<void>;
}

const t0 = Date.UTC(2025, 9, 21, 14, 30);

function audit(portfolioId: string, action: string, time: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time,
    actor: "user:officer",
    action,
    entityType: "portfolio",
    entityId: portfolioId,
    before: { state: "ACTIVE" },
    after: { state: "HALTED" },
    reason: "news pending",
    ...overrides,
  };
}

function limitSet(version: number, overrides: Partial<StoredRiskLimitSet> = {}): StoredRiskLimitSet {
  return {
    version,
    limits: { maxPositionShare: 0.25 / version, maxDailyLoss: 0.1 + 0.2 },
    createdBy: version === 1 ? "system" : "user:officer",
    reason: `revision ${version}`,
    time: t0 + version,
    ...overrides,
  };
}

function tradingState(portfolioId: string, overrides: Partial<StoredTradingState> = {}): StoredTradingState {
  return { portfolioId, state: "ACTIVE", setBy: "system", role: "system", reason: "opened", time: t0, ...overrides };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let portfolios = 0;

/**
 * What every RiskControlRepository must do, run against the in-memory twin and the database so the
 * two cannot drift apart. Each test gets a repository from `factory`; portfolio ids are unique per
 * test, so a factory may hand out repositories over one shared database.
 */
export function describeRiskControlRepositoryContract(
  name: string,
  factory: () => Promise<RiskControlRepositoryHarness>,
): void {
  describe(`RiskControlRepository contract: ${name}`, () => {
    let harness: RiskControlRepositoryHarness | undefined;

    const current = (): RiskControlRepositoryHarness => {
      if (!harness) throw new Error("harness not created");
      return harness;
    };
    const repository = (): RiskControlRepository => current().repository;

    const newPortfolio = async (): Promise<string> => {
      portfolios += 1;
      const id = `risk-${portfolios}-${Math.random().toString(36).slice(2, 8)}`;
      await current().ensurePortfolio(id);
      return id;
    };

    beforeEach(async () => {
      harness = await factory();
    });

    afterEach(async () => {
      const done = harness;
      harness = undefined;
      if (done) await done.cleanup();
    });

    it("versions limits: the highest version is current, and each revision carries its audit entry", async () => {
      const id = await newPortfolio();
      expect(await repository().currentLimits(id)).toBeNull();
      expect(await repository().saveLimits(id, limitSet(1), null)).toBe("saved");
      expect(await repository().currentLimits(id)).toEqual(limitSet(1));
      const update = audit(id, "risk_limits.update", t0 + 2, { before: limitSet(1), after: limitSet(2) });
      expect(await repository().saveLimits(id, limitSet(2), update)).toBe("saved");
      const current = await repository().currentLimits(id);
      expect(current).toEqual(limitSet(2));
      // Doubles whose shortest decimal form is long come back unchanged.
      expect((current?.limits as { maxDailyLoss?: number } | undefined)?.maxDailyLoss).toBe(0.1 + 0.2);
      expect(await repository().auditTrail(id, 10)).toEqual([update]);
    });

    it("refuses a version written twice as a conflict, writing neither the limits nor the audit entry", async () => {
      const id = await newPortfolio();
      expect(await repository().saveLimits(id, limitSet(1), null)).toBe("saved");
      expect(await repository().saveLimits(id, limitSet(2), audit(id, "risk_limits.update", t0 + 2))).toBe("saved");
      const rival = limitSet(2, { reason: "a concurrent revision", limits: { maxPositionShare: 0.01 } });
      expect(await repository().saveLimits(id, rival, audit(id, "risk_limits.update", t0 + 3))).toBe("conflict");
      expect(await repository().saveLimits(id, limitSet(1), null)).toBe("conflict");
      expect(await repository().currentLimits(id)).toEqual(limitSet(2));
      expect(await repository().auditTrail(id, 10)).toEqual([audit(id, "risk_limits.update", t0 + 2)]);
      const concurrent = await Promise.all(
        [1, 2, 3, 4].map((i) =>
          repository().saveLimits(
            id,
            limitSet(3, { reason: `rival ${i}` }),
            audit(id, "risk_limits.update", t0 + 10 + i),
          ),
        ),
      );
      expect(concurrent.filter((result) => result === "saved")).toHaveLength(1);
      expect(await repository().auditTrail(id, 10)).toHaveLength(2);
    });

    it("keeps what it stored apart from the caller's objects", async () => {
      const id = await newPortfolio();
      const limits = { maxPositionShare: 0.2 };
      await repository().saveLimits(id, limitSet(1, { limits }), null);
      limits.maxPositionShare = 0.9;
      const read = await repository().currentLimits(id);
      expect(read?.limits).toEqual({ maxPositionShare: 0.2 });
      if (read) Object.assign(read.limits as object, { maxPositionShare: 0.5 });
      expect((await repository().currentLimits(id))?.limits).toEqual({ maxPositionShare: 0.2 });
      const after = { state: "HALTED" };
      await repository().saveTradingState(tradingState(id), null, audit(id, "trading_state.halt", t0, { after }));
      after.state = "ACTIVE";
      const [entry] = await repository().auditTrail(id, 1);
      expect(entry?.after).toEqual({ state: "HALTED" });
      if (entry) Object.assign(entry.after as object, { state: "REDUCING" });
      expect((await repository().auditTrail(id, 1))[0]?.after).toEqual({ state: "HALTED" });
    });

    it("sets a trading state only over the state expected, with its audit entry", async () => {
      const id = await newPortfolio();
      expect(await repository().currentTradingState(id)).toBeNull();
      expect(await repository().saveTradingState(tradingState(id), "ACTIVE", null)).toBe("conflict");
      expect(await repository().saveTradingState(tradingState(id), null, null)).toBe("saved");
      expect(await repository().currentTradingState(id)).toEqual(tradingState(id));
      expect(await repository().saveTradingState(tradingState(id, { time: t0 + 1 }), null, null)).toBe("conflict");
      const halted = tradingState(id, {
        state: "HALTED",
        setBy: "user:officer",
        role: "risk_officer",
        reason: "news pending",
        time: t0 + 10,
      });
      const halt = audit(id, "trading_state.halt", t0 + 10);
      expect(await repository().saveTradingState(halted, "REDUCING", halt)).toBe("conflict");
      expect(await repository().auditTrail(id, 10)).toEqual([]);
      expect(await repository().saveTradingState(halted, "ACTIVE", halt)).toBe("saved");
      expect(await repository().currentTradingState(id)).toEqual(halted);
      expect(await repository().auditTrail(id, 10)).toEqual([halt]);
    });

    it("lets one of concurrent trading-state changes from the same state win", async () => {
      const id = await newPortfolio();
      await repository().saveTradingState(tradingState(id), null, null);
      const halts = await Promise.all(
        [1, 2, 3, 4, 5].map((i) =>
          repository().saveTradingState(
            tradingState(id, {
              state: "HALTED",
              setBy: `user:${i}`,
              role: "risk_officer",
              reason: `halt ${i}`,
              time: t0 + 10 + i,
            }),
            "ACTIVE",
            audit(id, "trading_state.halt", t0 + 10 + i, { actor: `user:${i}` }),
          ),
        ),
      );
      expect(halts.filter((result) => result === "saved")).toHaveLength(1);
      const winner = await repository().currentTradingState(id);
      expect(winner).toMatchObject({ state: "HALTED", role: "risk_officer" });
      const trail = await repository().auditTrail(id, 10);
      expect(trail).toHaveLength(1);
      expect(trail[0]?.actor).toBe(winner?.setBy);
    });

    it("takes the latest trading state by time as current, the later written on a tie, and refuses an earlier one", async () => {
      const id = await newPortfolio();
      await repository().saveTradingState(tradingState(id, { time: t0 + 100 }), null, null);
      const reducing = tradingState(id, { state: "REDUCING", reason: "tie", time: t0 + 100 });
      expect(await repository().saveTradingState(reducing, "ACTIVE", null)).toBe("saved");
      expect(await repository().currentTradingState(id)).toEqual(reducing);
      // Stamped before the current one (a writer with a slow clock): it could never take effect,
      // so it is refused rather than stored and silently ignored (a HALT must not vanish).
      const stale = tradingState(id, { state: "HALTED", reason: "stale", time: t0 + 50 });
      expect(await repository().saveTradingState(stale, "REDUCING", null)).toBe("conflict");
      expect(await repository().currentTradingState(id)).toEqual(reducing);
    });

    it("lists a portfolio's risk-control changes newest first by time, up to the limit", async () => {
      const id = await newPortfolio();
      const other = await newPortfolio();
      await repository().saveLimits(id, limitSet(1), audit(id, "risk_limits.update", t0 + 30));
      await repository().saveTradingState(tradingState(id), null, audit(id, "trading_state.resume", t0 + 10));
      await repository().saveTradingState(
        tradingState(id, { state: "HALTED", time: t0 + 20 }),
        "ACTIVE",
        audit(id, "trading_state.halt", t0 + 20),
      );
      await repository().saveTradingState(
        tradingState(id, { state: "REDUCING", time: t0 + 40 }),
        "HALTED",
        audit(id, "trading_state.reduce", t0 + 30, { reason: "same time, written later" }),
      );
      // Another portfolio's changes, and audit entries that are not risk-control changes, are not listed.
      await repository().saveLimits(other, limitSet(1), audit(other, "risk_limits.update", t0 + 35));
      await repository().saveLimits(id, limitSet(2), audit(id, "decision.executed", t0 + 50));
      await repository().saveLimits(id, limitSet(3), audit(id, "risk_limits.update", t0 + 60, { entityType: "model" }));
      expect((await repository().auditTrail(id, 10)).map((entry) => [entry.action, entry.time])).toEqual([
        ["trading_state.reduce", t0 + 30],
        ["risk_limits.update", t0 + 30],
        ["trading_state.halt", t0 + 20],
        ["trading_state.resume", t0 + 10],
      ]);
      expect((await repository().auditTrail(id, 2)).map((entry) => entry.action)).toEqual([
        "trading_state.reduce",
        "risk_limits.update",
      ]);
      expect(await repository().auditTrail(other, 10)).toEqual([audit(other, "risk_limits.update", t0 + 35)]);
    });

    it("refuses malformed limits, states, audit entries and queries, writing nothing", async () => {
      const id = await newPortfolio();
      await expect(repository().saveLimits(id, limitSet(0), null)).rejects.toThrow(/version/);
      await expect(repository().saveLimits(id, limitSet(1, { limits: [0.2] }), null)).rejects.toThrow(/limits/);
      await expect(repository().saveLimits(id, limitSet(1, { reason: "" }), null)).rejects.toThrow(/reason/);
      await expect(
        repository().saveLimits(id, limitSet(1), audit(id, "risk_limits.update", t0, { actor: "" })),
      ).rejects.toThrow(/actor/);
      await expect(repository().saveTradingState(tradingState(id, { setBy: "" }), null, null)).rejects.toThrow(/setBy/);
      await expect(
        repository().saveTradingState(tradingState(id, { state: "PAUSED" as StoredTradingState["state"] }), null, null),
      ).rejects.toThrow(/state/);
      expect(await repository().currentLimits(id)).toBeNull();
      expect(await repository().currentTradingState(id)).toBeNull();
      await expect(repository().auditTrail(id, 0)).rejects.toThrow();
      await expect(repository().acquireLease(id, "a", 0)).rejects.toThrow();
      await expect(repository().acquireLease(id, "", 1_000)).rejects.toThrow();
      expect(await repository().acquireLease(id, "b", 1_000)).toBe(true);
    });

    it("leases a portfolio to one holder at a time, renewed by it, until it expires or is released", async () => {
      const id = await newPortfolio();
      expect(await repository().acquireLease(id, "a", 60_000)).toBe(true);
      expect(await repository().acquireLease(id, "b", 60_000)).toBe(false);
      expect(await repository().acquireLease(id, "a", 60_000)).toBe(true);
      // Only the holder releases its lease.
      await repository().releaseLease(id, "b");
      expect(await repository().acquireLease(id, "b", 60_000)).toBe(false);
      await repository().releaseLease(id, "a");
      expect(await repository().acquireLease(id, "b", 400)).toBe(true);
      // A renewal extends the lease from now: past the first expiry, it still holds.
      await sleep(250);
      expect(await repository().acquireLease(id, "b", 400)).toBe(true);
      await sleep(250);
      expect(await repository().acquireLease(id, "a", 60_000)).toBe(false);
      await sleep(400);
      expect(await repository().acquireLease(id, "a", 60_000)).toBe(true);
      expect(await repository().acquireLease(id, "b", 60_000)).toBe(false);
      const other = await newPortfolio();
      expect(await repository().acquireLease(other, "b", 60_000)).toBe(true);
    });
  });
}
