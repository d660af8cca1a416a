import type {
  AuditEntry,
  RiskControlRepository,
  RiskControlWrite,
  StoredRiskLimitSet,
  StoredTradingState,
} from "../ports/repositories";

/**
 * `RiskControlRepository` in memory, with the database's semantics (versions unique per
 * portfolio, a trading state written only over the one expected, one lease holder at a time):
 * for tests and tools that run without PostgreSQL.
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

  async currentLimits(portfolioId: string): Promise<StoredRiskLimitSet | null> {
    return this.#limits.get(portfolioId)?.at(-1) ?? null;
  }

  async saveLimits(
    portfolioId: string,
    limits: StoredRiskLimitSet,
    audit: AuditEntry | null,
  ): Promise<RiskControlWrite> {
    const versions = this.#limits.get(portfolioId) ?? [];
    if (versions.some((v) => v.version === limits.version)) return "conflict";
    versions.push(structuredClone(limits));
    versions.sort((a, b) => a.version - b.version);
    this.#limits.set(portfolioId, versions);
    if (audit !== null) this.#audit.push(structuredClone(audit));
    return "saved";
  }

  async currentTradingState(portfolioId: string): Promise<StoredTradingState | null> {
    return this.#states.get(portfolioId)?.at(-1) ?? null;
  }

  async saveTradingState(
    record: StoredTradingState,
    expected: StoredTradingState["state"] | null,
    audit: AuditEntry | null,
  ): Promise<RiskControlWrite> {
    const states = this.#states.get(record.portfolioId) ?? [];
    if ((states.at(-1)?.state ?? null) !== expected) return "conflict";
    states.push({ ...record });
    this.#states.set(record.portfolioId, states);
    if (audit !== null) this.#audit.push(structuredClone(audit));
    return "saved";
  }

  async auditTrail(portfolioId: string, limit: number): Promise<AuditEntry[]> {
    return this.#audit
      .filter((entry) => entry.entityType === "portfolio" && entry.entityId === portfolioId)
      .reverse()
      .slice(0, limit);
  }

  async acquireLease(portfolioId: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    const lease = this.#leases.get(portfolioId);
    if (lease !== undefined && lease.holder !== holder && lease.expiresAt > now) return false;
    this.#leases.set(portfolioId, { holder, expiresAt: now + ttlMs });
    return true;
  }

  async releaseLease(portfolioId: string, holder: string): Promise<void> {
    if (this.#leases.get(portfolioId)?.holder === holder) this.#leases.delete(portfolioId);
  }
}
