import { z } from "zod";
import type {
  AuditEntry,
  RiskControlRepository,
  RiskControlWrite,
  StoredRiskLimitSet,
  StoredTradingState,
} from "../ports/repositories";

// The database's checks (packages/db's PrismaRiskControlRepository), so the twin refuses what it refuses.
const portfolioId = z.string().min(1);
const epochMs = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const limitSetSchema = z.object({
  version: z.number().int().min(1),
  limits: z.record(z.string(), z.unknown()),
  createdBy: z.string().min(1),
  reason: z.string().min(1),
  time: epochMs,
});

const tradingStateSchema = z.object({
  portfolioId,
  state: z.enum(["ACTIVE", "REDUCING", "HALTED"]),
  setBy: z.string().min(1),
  role: z.enum(["trader", "researcher", "risk_officer", "admin", "system"]),
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

/** The risk-control actions a portfolio's audit trail lists; other audit entries are stored, not listed. */
const riskActions: ReadonlySet<string> = new Set([
  "risk_limits.update",
  "trading_state.halt",
  "trading_state.reduce",
  "trading_state.resume",
]);

/** Latest by time, the later written on a tie: how the database orders rows (time, then id). */
function latest<T extends { readonly time: number }>(rows: readonly T[] | undefined): T | undefined {
  let found: T | undefined;
  for (const row of rows ?? []) if (found === undefined || row.time >= found.time) found = row;
  return found;
}

/**
 * `RiskControlRepository` in memory, with the database's semantics (versions unique per
 * portfolio, a trading state written only over the one expected, the latest by time current, one
 * lease holder at a time, the same checks, stored values copies): for tests and tools that run
 * without PostgreSQL. Unlike the database it does not know portfolios, so it does not refuse
 * controls for a portfolio never created.
 */
export class MemoryRiskControlRepository implements RiskControlRepository {
  readonly #limits = new Map<string, StoredRiskLimitSet[]>();
  readonly #states = new Map<string, StoredTradingState[]>();
  readonly #audit: AuditEntry[] = [];
  readonly #leases = new Map<string, { holder: string; expiresAt: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async currentLimits(id: string): Promise<StoredRiskLimitSet | null> {
    return structuredClone(this.#limits.get(portfolioId.parse(id))?.at(-1) ?? null);
  }

  async saveLimits(id: string, limits: StoredRiskLimitSet, audit: AuditEntry | null): Promise<RiskControlWrite> {
    const portfolio = portfolioId.parse(id);
    const set = structuredClone(limitSetSchema.parse(limits));
    const entry = audit === null ? null : structuredClone(auditSchema.parse(audit));
    const versions = this.#limits.get(portfolio) ?? [];
    if (versions.some((v) => v.version === set.version)) return "conflict";
    versions.push(set);
    versions.sort((a, b) => a.version - b.version);
    this.#limits.set(portfolio, versions);
    if (entry !== null) this.#audit.push(entry);
    return "saved";
  }

  async currentTradingState(id: string): Promise<StoredTradingState | null> {
    const current = latest(this.#states.get(portfolioId.parse(id)));
    return current === undefined ? null : { ...current };
  }

  async saveTradingState(
    record: StoredTradingState,
    expected: StoredTradingState["state"] | null,
    audit: AuditEntry | null,
  ): Promise<RiskControlWrite> {
    const next = tradingStateSchema.parse(record);
    const entry = audit === null ? null : structuredClone(auditSchema.parse(audit));
    const states = this.#states.get(next.portfolioId) ?? [];
    const current = latest(states);
    if ((current?.state ?? null) !== expected) return "conflict";
    // Stamped before the state in force, it could never become current: refused, not ignored.
    if (current !== undefined && next.time < current.time) return "conflict";
    states.push(next);
    this.#states.set(next.portfolioId, states);
    if (entry !== null) this.#audit.push(entry);
    return "saved";
  }

  async auditTrail(id: string, limit: number): Promise<AuditEntry[]> {
    const portfolio = portfolioId.parse(id);
    const take = z.number().int().min(1).max(10_000).parse(limit);
    const entries = this.#audit
      .map((entry, written) => ({ entry, written }))
      .filter(
        ({ entry }) =>
          entry.entityType === "portfolio" && entry.entityId === portfolio && riskActions.has(entry.action),
      )
      .sort((a, b) => b.entry.time - a.entry.time || b.written - a.written);
    return structuredClone(entries.slice(0, take).map(({ entry }) => entry));
  }

  async acquireLease(id: string, holder: string, ttlMs: number): Promise<boolean> {
    const portfolio = portfolioId.parse(id);
    const who = z.string().min(1).parse(holder);
    const ttl = z.number().int().min(1).max(3_600_000).parse(ttlMs);
    const now = this.#now();
    const lease = this.#leases.get(portfolio);
    if (lease !== undefined && lease.holder !== who && lease.expiresAt > now) return false;
    this.#leases.set(portfolio, { holder: who, expiresAt: now + ttl });
    return true;
  }

  async releaseLease(id: string, holder: string): Promise<void> {
    const portfolio = portfolioId.parse(id);
    if (this.#leases.get(portfolio)?.holder === holder) this.#leases.delete(portfolio);
  }
}
