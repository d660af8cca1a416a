import { expect, it } from "vitest";
import { PrismaApiKeyRepository } from "../repositories/api-key-repository";
import { PrismaPortfolioRepository } from "../repositories/portfolio-repository";
import type { AuditEntry, PortfolioFillRecord } from "../repositories/repository-ports";
import { PrismaRiskControlRepository } from "../repositories/risk-control-repository";
import { useMigratedDatabase } from "./migrated-database";
import type { TestDatabaseFactory } from "./test-database";

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

function audit(action: string, time: number, portfolio = "paper"): AuditEntry {
  return {
    time,
    actor: "user:officer",
    action,
    entityType: "portfolio",
    entityId: portfolio,
    before: { state: "ACTIVE" },
    after: { state: "HALTED" },
    reason: "news pending",
  };
}

/** The portfolio journal, the risk controls and the API keys against a migrated database. */
export function riskRepositoriesSuite(createFactory: () => Promise<TestDatabaseFactory>): void {
  const db = useMigratedDatabase(createFactory);
  const portfolios = () => new PrismaPortfolioRepository(db.prisma);
  const controls = () => new PrismaRiskControlRepository(db.prisma);
  const keys = () => new PrismaApiKeyRepository(db.prisma);
  let next = 0;
  const newPortfolio = async (): Promise<string> => {
    next += 1;
    const id = `paper-${next}`;
    await portfolios().ensurePortfolio({ id, name: id, initialCapital: 1_000_000 });
    await portfolios().ensurePortfolio({ id, name: "again", initialCapital: 5 });
    return id;
  };

  it("journals fills idempotently and loads the latest snapshot with the fills after it, exactly", async () => {
    const id = await newPortfolio();
    expect(await portfolios().load(id)).toEqual({ snapshot: null, fills: [] });
    await portfolios().appendFills(id, [fill(1), fill(2, { side: "SELL", decisionId: "d-2" })]);
    // A repeated seq keeps the first fill written.
    await portfolios().appendFills(id, [fill(2, { price: 1 }), fill(3)]);
    expect(await portfolios().load(id)).toEqual({
      snapshot: null,
      fills: [fill(1), fill(2, { side: "SELL", decisionId: "d-2" }), fill(3)],
    });
    // 0.1 + 0.2 and a third: doubles whose shortest decimal form is long must come back unchanged.
    const state = { cash: 0.1 + 0.2, positions: [{ symbol: "AAPL", averageCost: 100 / 3, quantity: 7 }], day: null };
    await portfolios().saveSnapshot(id, { seq: 2, time: t0 + 150_000, state });
    await portfolios().appendFills(id, [fill(4)]);
    const loaded = await portfolios().load(id);
    expect(loaded).toEqual({ snapshot: { seq: 2, time: t0 + 150_000, state }, fills: [fill(3), fill(4)] });
    expect((loaded.snapshot?.state as typeof state | undefined)?.cash).toBe(0.1 + 0.2);
    await portfolios().saveSnapshot(id, { seq: 4, time: t0 + 300_000, state: { cash: 1 } });
    expect(await portfolios().load(id)).toEqual({
      snapshot: { seq: 4, time: t0 + 300_000, state: { cash: 1 } },
      fills: [],
    });
  });

  it("refuses impossible fills and a portfolio that does not exist", async () => {
    const id = await newPortfolio();
    await expect(portfolios().appendFills(id, [fill(1, { quantity: 0 })])).rejects.toThrow(/quantity/);
    await expect(portfolios().appendFills(id, [fill(0)])).rejects.toThrow(/seq/);
    await expect(portfolios().appendFills("nobody", [fill(1)])).rejects.toThrow();
    expect((await portfolios().load(id)).fills).toEqual([]);
  });

  it("versions limits: a version written twice is a conflict, and each revision carries its audit row", async () => {
    const id = await newPortfolio();
    expect(await controls().currentLimits(id)).toBeNull();
    const v1 = { version: 1, limits: { maxPositionShare: 0.25 }, createdBy: "system", reason: "defaults", time: t0 };
    expect(await controls().saveLimits(id, v1, null)).toBe("saved");
    const v2 = {
      ...v1,
      version: 2,
      limits: { maxPositionShare: 0.2 },
      createdBy: "user:o",
      reason: "tighter",
      time: t0 + 5,
    };
    expect(
      await controls().saveLimits(id, v2, { ...audit("risk_limits.update", t0 + 5, id), before: v1, after: v2 }),
    ).toBe("saved");
    // A concurrent revision from the same version loses, and writes no audit row.
    expect(await controls().saveLimits(id, { ...v2, reason: "other" }, audit("risk_limits.update", t0 + 6, id))).toBe(
      "conflict",
    );
    expect(await controls().currentLimits(id)).toEqual(v2);
    const trail = await controls().auditTrail(id, 10);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      action: "risk_limits.update",
      actor: "user:officer",
      after: v2,
      reason: "news pending",
    });
  });

  it("sets trading states only over the state expected, one of concurrent changes winning", async () => {
    const id = await newPortfolio();
    expect(await controls().currentTradingState(id)).toBeNull();
    const active = {
      portfolioId: id,
      state: "ACTIVE" as const,
      setBy: "system",
      role: "system" as const,
      reason: "opened",
      time: t0,
    };
    expect(await controls().saveTradingState(active, null, null)).toBe("saved");
    expect(await controls().saveTradingState({ ...active, time: t0 + 1 }, null, null)).toBe("conflict");
    const halts = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        controls().saveTradingState(
          {
            ...active,
            state: "HALTED",
            setBy: `user:${i}`,
            role: "risk_officer",
            reason: `halt ${i}`,
            time: t0 + 10 + i,
          },
          "ACTIVE",
          audit("trading_state.halt", t0 + 10 + i, id),
        ),
      ),
    );
    expect(halts.filter((result) => result === "saved")).toHaveLength(1);
    const current = await controls().currentTradingState(id);
    expect(current).toMatchObject({ state: "HALTED", role: "risk_officer" });
    expect(await controls().auditTrail(id, 10)).toHaveLength(1);
    await db.prisma.auditEvent.create({
      data: { actor: "x", action: "decision.executed", entityType: "portfolio", entityId: id, time: new Date(t0 + 99) },
    });
    expect(await controls().auditTrail(id, 10)).toHaveLength(1);
  });

  it("leases a portfolio to one holder at a time, until it expires or is released", async () => {
    const id = await newPortfolio();
    expect(await controls().acquireLease(id, "a", 60_000)).toBe(true);
    expect(await controls().acquireLease(id, "b", 60_000)).toBe(false);
    expect(await controls().acquireLease(id, "a", 60_000)).toBe(true);
    await controls().releaseLease(id, "b");
    expect(await controls().acquireLease(id, "b", 60_000)).toBe(false);
    await controls().releaseLease(id, "a");
    expect(await controls().acquireLease(id, "b", 50)).toBe(true);
    await new Promise((done) => setTimeout(done, 120));
    expect(await controls().acquireLease(id, "a", 60_000)).toBe(true);
    expect(await controls().acquireLease(id, "b", 60_000)).toBe(false);
  });

  it("stores users and hashed API keys, finds a key by its prefix, records uses and revocations", async () => {
    const hash = "a".repeat(64);
    const expires = Date.now() + 86_400_000;
    const created = await keys().createKey({
      email: "Officer@Example.com",
      displayName: "Officer",
      role: "risk_officer",
      keyName: "console",
      prefix: "tok_abc123",
      keyHash: hash,
      expiresAt: null,
    });
    expect(created.role).toBe("risk_officer");
    // A second key for the same e-mail belongs to the same user, whose role does not change.
    const againInput = {
      email: "officer@example.com",
      displayName: "Someone",
      role: "trader",
      keyName: "cli",
      prefix: "tok_def456",
      keyHash: "b".repeat(64),
      expiresAt: expires,
    } as const;
    const again = await keys().createKey(againInput);
    expect(again).toMatchObject({ userId: created.userId, role: "risk_officer" });
    const found = await keys().findByPrefix("tok_abc123");
    expect(found).toEqual({
      keyId: created.keyId,
      keyHash: hash,
      expiresAt: null,
      revokedAt: null,
      user: { id: created.userId, email: "officer@example.com", role: "risk_officer", disabledAt: null },
    });
    expect((await keys().findByPrefix("tok_def456"))?.expiresAt).toBe(expires);
    expect(await keys().findByPrefix("tok_nope00")).toBeNull();
    await keys().touch(created.keyId, t0 + 10_000);
    await keys().touch(created.keyId, t0);
    const row = await db.prisma.apiKey.findUnique({ where: { id: created.keyId } });
    expect(row?.lastUsedAt?.getTime()).toBe(t0 + 10_000);
    await keys().revoke(created.keyId, t0 + 20_000);
    expect((await keys().findByPrefix("tok_abc123"))?.revokedAt).toBe(t0 + 20_000);
    await expect(keys().createKey({ ...againInput, prefix: "tok_zzz999", keyHash: "not-hex" })).rejects.toThrow(
      /SHA-256/,
    );
  });
}
