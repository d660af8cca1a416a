import { z } from "zod";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { nullableJson } from "./json-value";
import type {
  AuditEntry,
  RiskControlRepository,
  RiskControlWrite,
  StoredRiskLimitSet,
  StoredTradingState,
} from "./repository-ports";

const portfolioId = z.string().min(1);
const epochMs = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const stateName = z.enum(["ACTIVE", "REDUCING", "HALTED"]);
const role = z.enum(["trader", "researcher", "risk_officer", "admin", "system"]);

const limitSetSchema = z.object({
  version: z.number().int().min(1),
  limits: z.record(z.string(), z.unknown()),
  createdBy: z.string().min(1),
  reason: z.string().min(1),
  time: epochMs,
});

const tradingStateSchema = z.object({
  portfolioId,
  state: stateName,
  setBy: z.string().min(1),
  role,
  reason: z.string().min(1),
  time: epochMs,
});

const auditSchema = z.object({
  time: epochMs,
  actor: z.string().min(1),
  action: z.string().min(1),
  entityType: z.string().min(1),
  entityId: z.string().min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  reason: z.string().optional(),
});

/** The risk-control actions a portfolio's audit trail lists. */
const riskActions = ["risk_limits.update", "trading_state.halt", "trading_state.reduce", "trading_state.resume"];

async function appendAudit(tx: Prisma.TransactionClient, audit: AuditEntry | null): Promise<void> {
  if (audit === null) return;
  const entry = auditSchema.parse(audit);
  await tx.auditEvent.create({
    data: {
      time: new Date(entry.time),
      actor: entry.actor,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      before: nullableJson(entry.before as Prisma.InputJsonValue | null | undefined),
      after: nullableJson(entry.after as Prisma.InputJsonValue | null | undefined),
      reason: entry.reason ?? null,
    },
  });
}

/**
 * A portfolio's risk controls: versioned limit sets (`risk_limit_sets`), the trading state's
 * history (`trading_states`), each change written with its `audit_events` row in one transaction,
 * and the single-writer lease (`portfolio_leases`, timed by the database's clock so processes on
 * different machines agree).
 */
export class PrismaRiskControlRepository implements RiskControlRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async currentLimits(id: string): Promise<StoredRiskLimitSet | null> {
    const row = await this.#prisma.riskLimitSet.findFirst({
      where: { portfolioId: portfolioId.parse(id) },
      orderBy: { version: "desc" },
    });
    if (row === null) return null;
    return {
      version: row.version,
      limits: row.limits as unknown,
      createdBy: row.createdBy,
      reason: row.reason,
      time: row.effectiveFrom.getTime(),
    };
  }

  /** "conflict" when the version exists: the unique (portfolio, version) key serialises revisions. */
  async saveLimits(id: string, limits: StoredRiskLimitSet, audit: AuditEntry | null): Promise<RiskControlWrite> {
    const portfolio = portfolioId.parse(id);
    const set = limitSetSchema.parse(limits);
    return this.#prisma.$transaction(async (tx) => {
      const inserted = await tx.$queryRaw<{ id: number }[]>`
        INSERT INTO risk_limit_sets (portfolio_id, version, limits, effective_from, created_by, reason)
        VALUES (${portfolio}, ${set.version}, ${JSON.stringify(set.limits)}::jsonb, ${new Date(set.time)},
                ${set.createdBy}, ${set.reason})
        ON CONFLICT (portfolio_id, version) DO NOTHING
        RETURNING id`;
      if (inserted.length === 0) return "conflict";
      await appendAudit(tx, audit);
      return "saved";
    });
  }

  async currentTradingState(id: string): Promise<StoredTradingState | null> {
    const row = await this.#prisma.tradingState.findFirst({
      where: { portfolioId: portfolioId.parse(id) },
      orderBy: [{ time: "desc" }, { id: "desc" }],
    });
    if (row === null) return null;
    return {
      portfolioId: row.portfolioId,
      state: stateName.parse(row.state),
      setBy: row.setBy,
      role: role.parse(row.role),
      reason: row.reason,
      time: row.time.getTime(),
    };
  }

  /**
   * Compare-and-set under the portfolio row's lock: concurrent changes queue on the lock, and
   * each sees the state the one before it wrote.
   */
  async saveTradingState(
    record: StoredTradingState,
    expected: StoredTradingState["state"] | null,
    audit: AuditEntry | null,
  ): Promise<RiskControlWrite> {
    const next = tradingStateSchema.parse(record);
    return this.#prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM portfolios WHERE id = ${next.portfolioId} FOR UPDATE`;
      const current = await tx.tradingState.findFirst({
        where: { portfolioId: next.portfolioId },
        orderBy: [{ time: "desc" }, { id: "desc" }],
        select: { state: true, time: true },
      });
      if ((current?.state ?? null) !== expected) return "conflict";
      // Stamped before the state in force, it could never become current: refused, not ignored.
      if (current !== null && current !== undefined && next.time < current.time.getTime()) return "conflict";
      await tx.tradingState.create({
        data: {
          portfolioId: next.portfolioId,
          state: next.state,
          setBy: next.setBy,
          role: next.role,
          reason: next.reason,
          time: new Date(next.time),
        },
      });
      await appendAudit(tx, audit);
      return "saved";
    });
  }

  async auditTrail(id: string, limit: number): Promise<AuditEntry[]> {
    const take = z.number().int().min(1).max(10_000).parse(limit);
    const rows = await this.#prisma.auditEvent.findMany({
      where: { entityType: "portfolio", entityId: portfolioId.parse(id), action: { in: riskActions } },
      orderBy: [{ time: "desc" }, { id: "desc" }],
      take,
    });
    return rows.map((row) => ({
      time: row.time.getTime(),
      actor: row.actor,
      action: row.action,
      entityType: row.entityType,
      entityId: row.entityId,
      ...(row.before === null ? {} : { before: row.before as unknown }),
      ...(row.after === null ? {} : { after: row.after as unknown }),
      ...(row.reason === null ? {} : { reason: row.reason }),
    }));
  }

  async acquireLease(id: string, holder: string, ttlMs: number): Promise<boolean> {
    const portfolio = portfolioId.parse(id);
    const who = z.string().min(1).parse(holder);
    const ttl = z.number().int().min(1).max(3_600_000).parse(ttlMs);
    const rows = await this.#prisma.$queryRaw<{ holder: string }[]>`
      INSERT INTO portfolio_leases (portfolio_id, holder, expires_at)
      VALUES (${portfolio}, ${who}, now() + ${ttl}::float8 * interval '1 millisecond')
      ON CONFLICT (portfolio_id) DO UPDATE
        SET holder = EXCLUDED.holder,
            expires_at = EXCLUDED.expires_at,
            acquired_at = CASE WHEN portfolio_leases.holder = EXCLUDED.holder
                               THEN portfolio_leases.acquired_at ELSE now() END
        WHERE portfolio_leases.holder = EXCLUDED.holder OR portfolio_leases.expires_at <= now()
      RETURNING holder`;
    return rows.length === 1;
  }

  async releaseLease(id: string, holder: string): Promise<void> {
    await this.#prisma.portfolioLease.deleteMany({ where: { portfolioId: portfolioId.parse(id), holder } });
  }
}
