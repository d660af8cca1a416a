import { describe, expect, it } from "vitest";
import { defaultRiskLimitSet, diffLimits, reviseLimits, riskLimitSetSchema } from "./risk-limits";

const officer = { id: "ana@desk", role: "risk_officer" as const };

describe("risk limit sets", () => {
  it("default to the issue's limits, version 1, frozen", () => {
    expect(defaultRiskLimitSet).toEqual({
      version: 1,
      maxPositionShare: 0.25,
      positionWarnShare: 0.23,
      maxSectorShare: 0.5,
      sectorWarnShare: 0.46,
      maxLeverage: 1.5,
      maxDailyLossShare: 0.02,
      maxVar95: { basis: "share", value: 0.05 },
      maxOrderValue: 500_000,
      maxOrderQuantity: 50_000,
      priceCollar: 0.05,
      throttle: { maxMessages: 100, perMs: 1_000 },
      duplicateWindowMs: 2_000,
    });
    expect(Object.isFrozen(defaultRiskLimitSet)).toBe(true);
    expect(Object.isFrozen(defaultRiskLimitSet.throttle)).toBe(true);
  });

  it("refuse a warning above its limit, unknown fields and out-of-range values", () => {
    expect(riskLimitSetSchema.safeParse({ positionWarnShare: 0.3 }).success).toBe(false);
    expect(riskLimitSetSchema.safeParse({ maxSectorShare: 0.4 }).success).toBe(false);
    expect(riskLimitSetSchema.safeParse({ maxPositionPct: 0.2 }).success).toBe(false);
    expect(riskLimitSetSchema.safeParse({ maxVar95: { basis: "share", value: 2 } }).success).toBe(false);
    expect(riskLimitSetSchema.safeParse({ maxVar95: { basis: "currency", value: 25_000 } }).success).toBe(true);
    expect(riskLimitSetSchema.safeParse({ maxOrderQuantity: 1.5 }).success).toBe(false);
    expect(riskLimitSetSchema.safeParse({ throttle: { maxMessages: 0, perMs: 1_000 } }).success).toBe(false);
    expect(riskLimitSetSchema.safeParse({ maxLeverage: 0 }).success).toBe(false);
  });
});

describe("diffLimits", () => {
  it("lists every changed limit by path, nested ones included, and ignores the version", () => {
    const after = riskLimitSetSchema.parse({
      ...defaultRiskLimitSet,
      version: 7,
      maxLeverage: 1.2,
      throttle: { maxMessages: 50, perMs: 1_000 },
      maxVar95: { basis: "currency", value: 25_000 },
    });
    expect(diffLimits(defaultRiskLimitSet, after)).toEqual([
      { path: "maxLeverage", before: 1.5, after: 1.2 },
      { path: "maxVar95.basis", before: "share", after: "currency" },
      { path: "maxVar95.value", before: 0.05, after: 25_000 },
      { path: "throttle.maxMessages", before: 100, after: 50 },
    ]);
    expect(diffLimits(defaultRiskLimitSet, { ...defaultRiskLimitSet, version: 2 })).toEqual([]);
  });
});

describe("reviseLimits", () => {
  it("makes the next version and the audit event: who, when, before, after and why", () => {
    const revision = reviseLimits(
      defaultRiskLimitSet,
      { maxPositionShare: 0.2, positionWarnShare: 0.18 },
      { portfolioId: "p1", actor: officer, reason: "tighter after the review", time: 1_700_000_000_000 },
    );
    if (!revision.ok) throw new Error(revision.message);
    expect(revision.limits).toEqual({
      ...defaultRiskLimitSet,
      version: 2,
      maxPositionShare: 0.2,
      positionWarnShare: 0.18,
    });
    expect(revision.changes).toEqual([
      { path: "maxPositionShare", before: 0.25, after: 0.2 },
      { path: "positionWarnShare", before: 0.23, after: 0.18 },
    ]);
    expect(revision.audit).toEqual({
      time: 1_700_000_000_000,
      actor: "ana@desk",
      action: "risk_limits.update",
      entityType: "portfolio",
      entityId: "p1",
      before: defaultRiskLimitSet,
      after: revision.limits,
      reason: "tighter after the review",
    });
  });

  it("changes only what the patch names", () => {
    const current = riskLimitSetSchema.parse({
      version: 4,
      maxLeverage: 1.2,
      throttle: { maxMessages: 20, perMs: 500 },
    });
    const revision = reviseLimits(
      current,
      { priceCollar: 0.03 },
      { portfolioId: "p1", actor: officer, reason: "calmer market", time: 0 },
    );
    if (!revision.ok) throw new Error(revision.message);
    expect(revision.limits).toEqual({ ...current, version: 5, priceCollar: 0.03 });
    expect(revision.changes).toEqual([{ path: "priceCollar", before: 0.05, after: 0.03 }]);
  });

  it("refuses other roles, missing reasons, no-op patches and inconsistent results", () => {
    const change = { portfolioId: "p1", actor: officer, reason: "review", time: 0 };
    const trader = reviseLimits(
      defaultRiskLimitSet,
      { maxLeverage: 2 },
      { ...change, actor: { id: "t", role: "trader" } },
    );
    expect(trader).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const system = reviseLimits(
      defaultRiskLimitSet,
      { maxLeverage: 2 },
      { ...change, actor: { id: "s", role: "system" } },
    );
    expect(system).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(reviseLimits(defaultRiskLimitSet, { maxLeverage: 2 }, { ...change, reason: " " })).toMatchObject({
      ok: false,
      code: "INVALID",
    });
    expect(reviseLimits(defaultRiskLimitSet, { maxLeverage: 1.5 }, change)).toMatchObject({
      ok: false,
      code: "UNCHANGED",
    });
    expect(reviseLimits(defaultRiskLimitSet, {}, change)).toMatchObject({ ok: false, code: "INVALID" });
    // A warning left above a lowered limit makes the whole set invalid.
    expect(reviseLimits(defaultRiskLimitSet, { maxPositionShare: 0.2 }, change)).toMatchObject({
      ok: false,
      code: "INVALID",
    });
  });
});
