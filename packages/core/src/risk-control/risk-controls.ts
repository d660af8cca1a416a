import type { RiskControlsEvent } from "../events/risk-controls-event";
import type { Clock } from "../ports/clock";
import type { Logger } from "../ports/logger";
import type { AuditEntry, RiskControlRepository, StoredTradingState } from "../ports/repositories";
import type { RiskActor, RiskAuditEvent, RiskChangeRefusal } from "../risk/risk-audit";
import {
  defaultRiskLimitSet,
  type LimitRevision,
  type RiskLimitPatch,
  type RiskLimitSet,
  reviseLimits,
  riskLimitSetSchema,
} from "../risk/risk-limits";
import {
  initialTradingState,
  type TradingStateName,
  type TradingStateRecord,
  type TradingStateTransition,
  transitionTradingState,
} from "../risk/trading-state";

/** A change lost a race with another writer; the controls were reloaded, try again. */
export interface RiskChangeConflict {
  readonly ok: false;
  readonly code: "CONFLICT";
  readonly message: string;
}

export type RiskControlsListener = (limits: RiskLimitSet, state: TradingStateRecord) => void;

export interface RiskControlsOptions {
  readonly portfolioId: string;
  readonly repository: RiskControlRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Announces a stored change to every process (`risk.controls.v1`); awaited, errors logged. */
  readonly announce?: (event: RiskControlsEvent) => Promise<void>;
}

const systemActor = "system:risk-controls";

function auditEntry(event: RiskAuditEvent): AuditEntry {
  return { ...event };
}

/**
 * A portfolio's risk controls in one process: the limit set and trading state in force, loaded
 * from the database before the process serves (defaults stored on first use), changed only
 * through the database (a revision and its audit row in one transaction) and announced on
 * `risk.controls.v1`, which every process applies (`apply`). Gates follow through `onChange`.
 */
export class RiskControls {
  readonly portfolioId: string;
  readonly #options: RiskControlsOptions;
  readonly #listeners = new Set<RiskControlsListener>();
  #limits: RiskLimitSet | undefined;
  #state: TradingStateRecord | undefined;

  constructor(options: RiskControlsOptions) {
    this.portfolioId = options.portfolioId;
    this.#options = options;
  }

  /** Whether the controls were loaded: nothing may be approved before. */
  get ready(): boolean {
    return this.#limits !== undefined && this.#state !== undefined;
  }

  get limits(): RiskLimitSet {
    if (this.#limits === undefined) throw new Error(`risk limits of ${this.portfolioId} not loaded yet`);
    return this.#limits;
  }

  get tradingState(): TradingStateRecord {
    if (this.#state === undefined) throw new Error(`trading state of ${this.portfolioId} not loaded yet`);
    return this.#state;
  }

  /** Calls `listener` on every change (and now, when loaded); returns the unsubscribe function. */
  onChange(listener: RiskControlsListener): () => void {
    this.#listeners.add(listener);
    if (this.#limits !== undefined && this.#state !== undefined) listener(this.#limits, this.#state);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Reads the current limits and trading state from the database, storing the defaults (limits
   * version 1, ACTIVE) for a portfolio that has none. Also the periodic safety net behind the
   * topic: a process that missed an event catches up here.
   */
  async load(): Promise<void> {
    const { repository } = this.#options;
    let stored = await repository.currentLimits(this.portfolioId);
    if (stored === null) {
      const time = this.#options.clock.now();
      await repository.saveLimits(
        this.portfolioId,
        { version: 1, limits: defaultRiskLimitSet, createdBy: systemActor, reason: "default limits", time },
        null,
      );
      stored = await repository.currentLimits(this.portfolioId);
    }
    if (stored === null) throw new Error(`no risk limits stored for ${this.portfolioId}`);
    const limits = riskLimitSetSchema.parse({ ...(stored.limits as object), version: stored.version });
    let state = await repository.currentTradingState(this.portfolioId);
    if (state === null) {
      const initial = initialTradingState(this.portfolioId, this.#options.clock.now());
      await repository.saveTradingState(initial, null, null);
      state = await repository.currentTradingState(this.portfolioId);
    }
    if (state === null) throw new Error(`no trading state stored for ${this.portfolioId}`);
    this.#adopt(limits, { ...state });
  }

  /** Applies an announced change (from any process); stale parts are ignored. Returns whether anything changed. */
  apply(event: RiskControlsEvent): boolean {
    if (event.portfolio_id !== this.portfolioId) return false;
    return this.#adopt(event.limits, event.trading_state);
  }

  /** A new limit version: stored with its audit entry, applied here, announced everywhere. */
  async reviseLimits(
    patch: RiskLimitPatch,
    actor: RiskActor,
    reason: string,
  ): Promise<LimitRevision | RiskChangeRefusal | RiskChangeConflict> {
    const time = this.#options.clock.now();
    const revision = reviseLimits(this.limits, patch, { portfolioId: this.portfolioId, actor, reason, time });
    if (!revision.ok) return revision;
    const written = await this.#options.repository.saveLimits(
      this.portfolioId,
      {
        version: revision.limits.version,
        limits: revision.limits,
        createdBy: actor.id,
        reason: revision.audit.reason,
        time,
      },
      auditEntry(revision.audit),
    );
    if (written === "conflict") return this.#conflict("limits");
    this.#adopt(revision.limits, this.tradingState);
    await this.#announce("limits");
    return revision;
  }

  /** A trading state change: stored with its audit entry, applied here, announced everywhere. */
  async setTradingState(
    to: TradingStateName,
    actor: RiskActor,
    reason: string,
  ): Promise<TradingStateTransition | RiskChangeRefusal | RiskChangeConflict> {
    const current = this.tradingState;
    // Strictly later than the current state's time, so every receiver orders the two alike.
    const time = Math.max(this.#options.clock.now(), current.time + 1);
    const transition = transitionTradingState(current, { to, actor, reason }, time);
    if (!transition.ok) return transition;
    const written = await this.#options.repository.saveTradingState(
      transition.record as StoredTradingState,
      current.state,
      auditEntry(transition.audit),
    );
    if (written === "conflict") return this.#conflict("trading state");
    this.#adopt(this.limits, transition.record);
    await this.#announce("trading_state");
    return transition;
  }

  /** The audit trail of limit and trading-state changes, newest first. */
  auditTrail(limit: number): Promise<AuditEntry[]> {
    return this.#options.repository.auditTrail(this.portfolioId, limit);
  }

  async #conflict(what: string): Promise<RiskChangeConflict> {
    await this.load();
    return { ok: false, code: "CONFLICT", message: `the ${what} changed meanwhile; reloaded, try again` };
  }

  async #announce(change: RiskControlsEvent["change"]): Promise<void> {
    const announce = this.#options.announce;
    if (announce === undefined) return;
    try {
      await announce({
        event_type: "risk_controls",
        timestamp: new Date(this.#options.clock.now()).toISOString(),
        portfolio_id: this.portfolioId,
        change,
        limits: this.limits,
        trading_state: this.tradingState,
      });
    } catch (error) {
      // Stored already: other processes catch up from the database on their next refresh.
      this.#options.logger.error({ err: error, portfolio: this.portfolioId }, "risk controls change not announced");
    }
  }

  #adopt(limits: RiskLimitSet, state: TradingStateRecord): boolean {
    let changed = false;
    if (this.#limits === undefined || limits.version > this.#limits.version) {
      this.#limits = limits;
      changed = true;
    }
    const current = this.#state;
    if (
      current === undefined ||
      state.time > current.time ||
      (state.time === current.time && state.state !== current.state)
    ) {
      this.#state = state;
      changed = true;
    }
    if (changed && this.#limits !== undefined && this.#state !== undefined) {
      for (const listener of this.#listeners) listener(this.#limits, this.#state);
    }
    return changed;
  }
}
