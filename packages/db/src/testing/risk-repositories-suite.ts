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

/**
 * What only the database shows about the portfolio journal, the risk controls and the API keys:
 * rows as stored, foreign keys, the database's clock. Their behaviour is the contract of
 * `@tradeops/core/testing`, run against these repositories from `infra/src/db/`.
 */
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

  it("stores a portfolio once, and its fills as typed rows with doubles unchanged", async () => {
    const id = await newPortfolio();
    const portfolio = await db.prisma.portfolio.findUniqueOrThrow({ where: { id } });
    expect({ name: portfolio.name, capital: portfolio.initialCapital.toString() }).toEqual({
      name: id,
      capital: "1000000",
    });
    await portfolios().appendFills(id, [fill(1), fill(2, { side: "SELL", decisionId: "d-2" })]);
    await portfolios().appendFills(id, [fill(2, { price: 1 })]);
    const rows = await db.prisma.portfolioFill.findMany({ where: { portfolioId: id }, orderBy: { seq: "asc" } });
    expect(rows.map(({ createdAt: _, ...row }) => row)).toEqual([
      {
        portfolioId: id,
        seq: 1n,
        time: new Date(fill(1).time),
        symbol: "AAPL",
        side: "BUY",
        quantity: 10n,
        price: 100 + 1 / 3,
        decisionId: null,
      },
      {
        portfolioId: id,
        seq: 2n,
        time: new Date(fill(2).time),
        symbol: "AAPL",
        side: "SELL",
        quantity: 20n,
        price: 100 + 2 / 3,
        decisionId: "d-2",
      },
    ]);
  });

  it("refuses risk controls for a portfolio that does not exist", async () => {
    const limits = {
      version: 1,
      limits: { maxPositionShare: 0.25 },
      createdBy: "system",
      reason: "defaults",
      time: t0,
    };
    await expect(controls().saveLimits("nobody", limits, null)).rejects.toThrow();
    const state = {
      portfolioId: "nobody",
      state: "ACTIVE",
      setBy: "system",
      role: "system",
      reason: "x",
      time: t0,
    } as const;
    await expect(controls().saveTradingState(state, null, null)).rejects.toThrow();
    await expect(controls().acquireLease("nobody", "a", 60_000)).rejects.toThrow();
  });

  it("writes a change and its audit row in one transaction, and lists only risk-control rows", async () => {
    const id = await newPortfolio();
    const v1 = { version: 1, limits: { maxPositionShare: 0.25 }, createdBy: "system", reason: "defaults", time: t0 };
    // An audit row the database refuses (no actor) takes the limits down with it.
    await expect(
      controls().saveLimits(id, v1, { ...audit("risk_limits.update", t0, id), actor: "" }),
    ).rejects.toThrow();
    expect(await db.prisma.riskLimitSet.count({ where: { portfolioId: id } })).toBe(0);
    expect(await controls().saveLimits(id, v1, audit("risk_limits.update", t0, id))).toBe("saved");
    const [row] = await db.prisma.auditEvent.findMany({ where: { entityId: id } });
    expect(row).toMatchObject({
      actor: "user:officer",
      action: "risk_limits.update",
      entityType: "portfolio",
      before: { state: "ACTIVE" },
      after: { state: "HALTED" },
      reason: "news pending",
      time: new Date(t0),
    });
    // Other writers' audit rows about the portfolio (decisions, say) are not part of its risk trail.
    await db.prisma.auditEvent.create({
      data: { actor: "x", action: "decision.executed", entityType: "portfolio", entityId: id, time: new Date(t0 + 99) },
    });
    expect((await controls().auditTrail(id, 10)).map((entry) => entry.action)).toEqual(["risk_limits.update"]);
  });

  it("times leases by the database's clock, keeping the first acquisition time across renewals", async () => {
    const id = await newPortfolio();
    const [{ now }] = await db.prisma.$queryRaw<[{ now: Date }]>`SELECT now() AS now`;
    expect(await controls().acquireLease(id, "a", 60_000)).toBe(true);
    const first = await db.prisma.portfolioLease.findUniqueOrThrow({ where: { portfolioId: id } });
    expect(first.holder).toBe("a");
    expect(first.expiresAt.getTime() - now.getTime()).toBeGreaterThanOrEqual(60_000);
    expect(first.expiresAt.getTime() - now.getTime()).toBeLessThan(70_000);
    await new Promise((done) => setTimeout(done, 20));
    expect(await controls().acquireLease(id, "a", 120_000)).toBe(true);
    const renewed = await db.prisma.portfolioLease.findUniqueOrThrow({ where: { portfolioId: id } });
    expect(renewed.acquiredAt).toEqual(first.acquiredAt);
    expect(renewed.expiresAt.getTime()).toBeGreaterThan(first.expiresAt.getTime() + 59_000);
    await controls().releaseLease(id, "a");
    expect(await db.prisma.portfolioLease.count({ where: { portfolioId: id } })).toBe(0);
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
