import type { TradingDecisionEvent } from "../events/trading-decision";
import type { Bar } from "../market/bar";
import type { RegimeEstimate } from "../regime/regime-detector";

/**
 * What the domain needs from the database. `packages/db` implements these with Prisma (only
 * repositories touch it); every write that spans rows is one transaction, and every write that a
 * redelivered event can repeat is idempotent.
 */

export interface InstrumentRecord {
  readonly symbol: string;
  readonly sector: string;
  readonly name: string;
}

export interface MarketDataRepository {
  /** Inserts missing instruments and updates the sector/name of existing ones. */
  upsertInstruments(instruments: readonly InstrumentRecord[]): Promise<void>;
  /** Idempotent on (symbol, timeframe, time): a replayed bar never duplicates. Returns rows written. */
  upsertBars(bars: readonly Bar[]): Promise<number>;
  /** Open time (epoch ms) of the latest stored bar of a timeframe, or null when none is stored. */
  latestBarTime(timeframe: Bar["timeframe"]): Promise<number | null>;
  /**
   * Bars of one series opening in [from, to) (epoch ms), oldest first, at most `limit` of them (the
   * earliest): a page of history. The next page starts one millisecond after the last bar's time.
   */
  barsBetween(
    symbol: string,
    timeframe: Bar["timeframe"],
    from: number,
    to: number,
    options: { readonly limit: number },
  ): Promise<Bar[]>;
  /** The latest `count` bars of one series opening strictly before `before` (epoch ms), oldest first. */
  barsBefore(symbol: string, timeframe: Bar["timeframe"], before: number, count: number): Promise<Bar[]>;
  /**
   * The latest `minutes` 1-minute bars of a symbol opening strictly before `before`, aggregated in
   * the database into UTC-aligned `timeframe` buckets exactly as `aggregateBars` builds them (open
   * of the first minute, highest high, lowest low, close of the last minute, volumes added in time
   * order), oldest first: a 5min/1hour warm-up window without moving every minute out of the
   * database.
   */
  minuteBucketsBefore(
    symbol: string,
    timeframe: "5min" | "1hour",
    before: number,
    minutes: number,
  ): Promise<MinuteBuckets>;
  /** Whether `symbol` is a registered instrument (stored bars or not). */
  knownSymbol(symbol: string): Promise<boolean>;
}

/** 1-minute bars aggregated into buckets (see `MarketDataRepository.minuteBucketsBefore`). */
export interface MinuteBuckets {
  readonly bars: Bar[];
  /** How many 1-minute bars went into them. */
  readonly minutes: number;
  /** Open time of the newest of those minutes; null when there was none. */
  readonly lastMinuteTime: number | null;
}

export interface RegimeHistoryRepository {
  /** Idempotent on (symbol, time). */
  append(estimates: readonly RegimeEstimate[]): Promise<void>;
  /** The latest `limit` estimates of a symbol, oldest first. */
  recent(symbol: string, limit: number): Promise<RegimeEstimate[]>;
}

export interface DecisionExplanation {
  /** Feature -> SHAP value of the decision's score. */
  readonly shapValues: Readonly<Record<string, number>>;
  /** v(∅): the expected score over the background sample. */
  readonly baseValue: number;
  /** The score being explained; baseValue + Σ shapValues equals it. */
  readonly modelOutput: number;
  readonly regimeReasoning: string;
  readonly strategySelection: string;
}

/** A fact appended to a decision's audit trail (risk check, explanation, execution...). */
export interface AuditEntry {
  readonly time: number;
  readonly actor: string;
  readonly action: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly reason?: string;
}

export interface StoredDecision {
  readonly event: TradingDecisionEvent;
  readonly explanation: DecisionExplanation | null;
  /** Oldest first. */
  readonly audit: readonly AuditEntry[];
}

export interface DecisionSummary {
  readonly decisionId: string;
  readonly time: string;
  readonly symbol: string;
  readonly action: TradingDecisionEvent["action"];
  readonly quantity: number;
  readonly confidence: number;
  readonly explained: boolean;
}

export interface DecisionRepository {
  /**
   * Stores the decision, its explanation and a `decision.explained` audit entry in one
   * transaction. A decision id already stored changes nothing and reports `stored: false`.
   */
  saveExplainedDecision(event: TradingDecisionEvent, explanation: DecisionExplanation): Promise<{ stored: boolean }>;
  /** Appends to the audit trail; entries are never updated or deleted. */
  appendAudit(entries: readonly AuditEntry[]): Promise<void>;
  findDecision(decisionId: string): Promise<StoredDecision | null>;
  listRecent(options: { limit: number; symbol?: string }): Promise<DecisionSummary[]>;
}

export interface RegisteredModelVersion {
  readonly modelName: string;
  readonly version: number;
  readonly artifactKey: string;
  readonly sha256: string;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}

export interface ModelRegistryRepository {
  /** Creates the registered model when missing and the next version number (1, 2, ...). */
  registerVersion(input: {
    modelName: string;
    description: string;
    artifactKey: string;
    sha256: string;
    metrics: Readonly<Record<string, unknown>>;
    dataHash?: string;
    createdBy: string;
  }): Promise<RegisteredModelVersion>;
  /** Points an alias (`production`, `stable`, ...) at a version, recording who moved it. */
  setAlias(input: { modelName: string; alias: string; version: number; updatedBy: string }): Promise<void>;
  resolveAlias(modelName: string, alias: string): Promise<RegisteredModelVersion | null>;
}

export interface Repositories {
  readonly marketData: MarketDataRepository;
  readonly regimes: RegimeHistoryRepository;
  readonly decisions: DecisionRepository;
  readonly models: ModelRegistryRepository;
  readonly rejectedTicks: RejectedTickRepository;
  readonly portfolios: PortfolioRepository;
  readonly riskControls: RiskControlRepository;
  readonly apiKeys: ApiKeyRepository;
}

/** One entry of the market-data dead letter (`rejected_ticks`): input a source set aside, and why. */
export interface RejectedTickRecord {
  /** Epoch ms at which the input was received. */
  readonly receivedAt: number;
  /** The source kind (`replay`, `websocket`, ...). */
  readonly source: string;
  /** Absent when the input was too malformed to name one. */
  readonly symbol?: string;
  /** One of `dataRejectionReasons` (`ingest/rejection.ts`). */
  readonly reason: string;
  /** The input as received: a JSON value (text that was not JSON is stored as a JSON string). */
  readonly raw: unknown;
}

export interface StoredRejectedTick extends RejectedTickRecord {
  readonly id: string;
}

export interface RejectedTickRepository {
  /** Appends a batch in one statement: all of it or nothing. An empty batch writes nothing. */
  record(entries: readonly RejectedTickRecord[]): Promise<void>;
  /** The latest `limit` entries, newest first, optionally of one source and/or symbol. */
  recent(options: { limit: number; source?: string; symbol?: string }): Promise<StoredRejectedTick[]>;
}

/** One fill of a portfolio's journal; `seq` numbers a portfolio's fills 1, 2, ... in booking order. */
export interface PortfolioFillRecord {
  readonly seq: number;
  /** Epoch ms the fill was booked at (the filling bar's open time). */
  readonly time: number;
  readonly symbol: string;
  readonly side: "BUY" | "SELL";
  readonly quantity: number;
  readonly price: number;
  readonly decisionId?: string;
}

/** A portfolio's whole state at a moment, covering its fills up to `seq` (0: none). */
export interface PortfolioSnapshotRecord {
  readonly seq: number;
  /** Epoch ms. */
  readonly time: number;
  /** The portfolio's state as plain JSON (see `Portfolio.state`). */
  readonly state: unknown;
}

export interface PortfolioRepository {
  /** Creates the `portfolios` row when missing (risk limits, states and journals refer to it). */
  ensurePortfolio(input: { id: string; name: string; initialCapital: number }): Promise<void>;
  /** Appends fills in one statement; idempotent on (portfolio, seq): a repeated fill is kept as first written. */
  appendFills(portfolioId: string, fills: readonly PortfolioFillRecord[]): Promise<void>;
  saveSnapshot(portfolioId: string, snapshot: PortfolioSnapshotRecord): Promise<void>;
  /** The latest snapshot (null when none) and every fill after it, in seq order: what a restart replays. */
  load(portfolioId: string): Promise<{ snapshot: PortfolioSnapshotRecord | null; fills: PortfolioFillRecord[] }>;
}

/** A version of a portfolio's limits as stored (`limits` is the limit set as JSON). */
export interface StoredRiskLimitSet {
  readonly version: number;
  readonly limits: unknown;
  readonly createdBy: string;
  readonly reason: string;
  /** Epoch ms it took effect. */
  readonly time: number;
}

/** A portfolio's trading state as stored (a `trading_states` row). */
export interface StoredTradingState {
  readonly portfolioId: string;
  readonly state: "ACTIVE" | "REDUCING" | "HALTED";
  readonly setBy: string;
  readonly role: "trader" | "researcher" | "risk_officer" | "admin" | "system";
  readonly reason: string;
  /** Epoch ms. */
  readonly time: number;
}

/**
 * A write lost a race: another writer changed the limits (same version) or the trading state
 * (not the one expected) first. Nothing was written.
 */
export type RiskControlWrite = "saved" | "conflict";

export interface RiskControlRepository {
  /** The latest limit version of a portfolio, or null when none was ever stored. */
  currentLimits(portfolioId: string): Promise<StoredRiskLimitSet | null>;
  /**
   * Stores a limit version and its audit entry in one transaction; "conflict" when the version
   * exists already (a concurrent revision won).
   */
  saveLimits(portfolioId: string, limits: StoredRiskLimitSet, audit: AuditEntry | null): Promise<RiskControlWrite>;
  /** The latest trading state of a portfolio, or null when none was ever stored. */
  currentTradingState(portfolioId: string): Promise<StoredTradingState | null>;
  /**
   * Stores a new trading state and its audit entry in one transaction, provided the current one is
   * still `expected` (null: none stored yet) and the record is not stamped before it (it could never
   * become current); "conflict" otherwise.
   */
  saveTradingState(
    record: StoredTradingState,
    expected: StoredTradingState["state"] | null,
    audit: AuditEntry | null,
  ): Promise<RiskControlWrite>;
  /** The portfolio's audit trail of risk-control changes, newest first. */
  auditTrail(portfolioId: string, limit: number): Promise<AuditEntry[]>;
  /**
   * Takes or renews the portfolio's single-writer lease for `holder` until now + ttlMs; false when
   * another holder has an unexpired lease.
   */
  acquireLease(portfolioId: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(portfolioId: string, holder: string): Promise<void>;
}

export type UserRole = "trader" | "researcher" | "risk_officer" | "admin";

/** An API key found by its prefix, with its owner: enough to authenticate and authorise a request. */
export interface ApiKeyLookup {
  readonly keyId: string;
  /** Hex SHA-256 of the whole key. */
  readonly keyHash: string;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly role: UserRole;
    readonly disabledAt: number | null;
  };
}

export interface ApiKeyRepository {
  /**
   * Creates the user when no user has that e-mail (an existing user keeps its role), then a key
   * for it. Returns the user's id and role and the key's id.
   */
  createKey(input: {
    email: string;
    displayName: string;
    role: UserRole;
    keyName: string;
    prefix: string;
    keyHash: string;
    expiresAt: number | null;
  }): Promise<{ userId: string; role: UserRole; keyId: string }>;
  findByPrefix(prefix: string): Promise<ApiKeyLookup | null>;
  /** Records a use (`last_used_at`); never moves it backwards. */
  touch(keyId: string, time: number): Promise<void>;
  revoke(keyId: string, time: number): Promise<void>;
}
