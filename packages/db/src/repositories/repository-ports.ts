import type { TradingDecisionEvent } from "./trading-decision-event";

/*
 * The repository ports of `packages/core/src/ports/repositories.ts`, repeated structurally (this
 * package imports nothing internal). Inputs are the same shapes or wider, outputs the same shapes,
 * so each class here is assignable to core's interface; the wiring checks it.
 */

/** Core's timeframes plus the `1day` the market_bars CHECK also accepts. */
type BarTimeframe = "1min" | "5min" | "1hour" | "1day";

/** One OHLCV bar; `time` is its opening instant in epoch ms. */
export interface BarRecord {
  readonly symbol: string;
  readonly timeframe: BarTimeframe;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface InstrumentRecord {
  readonly symbol: string;
  readonly sector: string;
  readonly name: string;
}

export interface MarketDataRepository {
  upsertInstruments(instruments: readonly InstrumentRecord[]): Promise<void>;
  upsertBars(bars: readonly BarRecord[]): Promise<number>;
  latestBarTime(timeframe: BarRecord["timeframe"]): Promise<number | null>;
  barsBetween<T extends BarTimeframe>(
    symbol: string,
    timeframe: T,
    from: number,
    to: number,
    options: { readonly limit: number },
  ): Promise<StoredBar<T>[]>;
  barsBefore<T extends BarTimeframe>(
    symbol: string,
    timeframe: T,
    before: number,
    count: number,
  ): Promise<StoredBar<T>[]>;
  minuteBucketsBefore<T extends "5min" | "1hour">(
    symbol: string,
    timeframe: T,
    before: number,
    minutes: number,
  ): Promise<{ bars: StoredBar<T>[]; minutes: number; lastMinuteTime: number | null }>;
  knownSymbol(symbol: string): Promise<boolean>;
}

/** A bar read back: its timeframe is the one asked for, so core's narrower `Bar` accepts it. */
export interface StoredBar<T extends BarTimeframe = BarTimeframe> extends BarRecord {
  readonly timeframe: T;
}

/** One row of regime_history; `time` is the estimate's epoch-ms time. */
export interface RegimeEstimateRecord {
  readonly symbol: string;
  readonly time: number;
  readonly bull: number;
  readonly bear: number;
  readonly sideways: number;
  /** Nats. */
  readonly entropy: number;
  readonly modelVersion: string;
}

export interface RegimeHistoryRepository {
  append(estimates: readonly RegimeEstimateRecord[]): Promise<void>;
  recent(symbol: string, limit: number): Promise<RegimeEstimateRecord[]>;
}

export interface DecisionExplanation {
  readonly shapValues: Readonly<Record<string, number>>;
  readonly baseValue: number;
  readonly modelOutput: number;
  readonly regimeReasoning: string;
  readonly strategySelection: string;
}

export interface AuditEntry {
  /** Epoch ms. */
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
  /** ISO 8601, UTC. */
  readonly time: string;
  readonly symbol: string;
  readonly action: TradingDecisionEvent["action"];
  readonly quantity: number;
  readonly confidence: number;
  readonly explained: boolean;
}

export interface DecisionRepository {
  saveExplainedDecision(event: TradingDecisionEvent, explanation: DecisionExplanation): Promise<{ stored: boolean }>;
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
  /** ISO 8601, UTC. */
  readonly createdAt: string;
}

export interface RegisterVersionInput {
  modelName: string;
  description: string;
  artifactKey: string;
  sha256: string;
  metrics: Readonly<Record<string, unknown>>;
  dataHash?: string;
  createdBy: string;
}

export interface SetAliasInput {
  modelName: string;
  alias: string;
  version: number;
  updatedBy: string;
}

export interface ModelRegistryRepository {
  registerVersion(input: RegisterVersionInput): Promise<RegisteredModelVersion>;
  setAlias(input: SetAliasInput): Promise<void>;
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

/** One row of rejected_ticks to write; `receivedAt` is epoch ms, `raw` any JSON value. */
export interface RejectedTickRecord {
  readonly receivedAt: number;
  readonly source: string;
  readonly symbol?: string;
  readonly reason: string;
  readonly raw: unknown;
}

/** A row read back; `id` is the bigserial as a decimal string. */
export interface StoredRejectedTick extends RejectedTickRecord {
  readonly id: string;
}

export interface RejectedTickRepository {
  record(entries: readonly RejectedTickRecord[]): Promise<void>;
  recent(options: { limit: number; source?: string; symbol?: string }): Promise<StoredRejectedTick[]>;
}

/** One fill of a portfolio's journal; `seq` numbers the portfolio's fills 1, 2, ...; `time` epoch ms. */
export interface PortfolioFillRecord {
  readonly seq: number;
  readonly time: number;
  readonly symbol: string;
  readonly side: "BUY" | "SELL";
  readonly quantity: number;
  readonly price: number;
  readonly decisionId?: string;
}

/** A portfolio's state (any JSON object) covering its fills up to `seq`; `time` epoch ms. */
export interface PortfolioSnapshotRecord {
  readonly seq: number;
  readonly time: number;
  readonly state: unknown;
}

export interface PortfolioRepository {
  ensurePortfolio(input: { id: string; name: string; initialCapital: number }): Promise<void>;
  appendFills(portfolioId: string, fills: readonly PortfolioFillRecord[]): Promise<void>;
  saveSnapshot(portfolioId: string, snapshot: PortfolioSnapshotRecord): Promise<void>;
  load(portfolioId: string): Promise<{ snapshot: PortfolioSnapshotRecord | null; fills: PortfolioFillRecord[] }>;
}

/** A version of a portfolio's limits (`limits` any JSON object); `time` epoch ms it took effect. */
export interface StoredRiskLimitSet {
  readonly version: number;
  readonly limits: unknown;
  readonly createdBy: string;
  readonly reason: string;
  readonly time: number;
}

export interface StoredTradingState {
  readonly portfolioId: string;
  readonly state: "ACTIVE" | "REDUCING" | "HALTED";
  readonly setBy: string;
  readonly role: "trader" | "researcher" | "risk_officer" | "admin" | "system";
  readonly reason: string;
  readonly time: number;
}

export type RiskControlWrite = "saved" | "conflict";

export interface RiskControlRepository {
  currentLimits(portfolioId: string): Promise<StoredRiskLimitSet | null>;
  saveLimits(portfolioId: string, limits: StoredRiskLimitSet, audit: AuditEntry | null): Promise<RiskControlWrite>;
  currentTradingState(portfolioId: string): Promise<StoredTradingState | null>;
  saveTradingState(
    record: StoredTradingState,
    expected: StoredTradingState["state"] | null,
    audit: AuditEntry | null,
  ): Promise<RiskControlWrite>;
  auditTrail(portfolioId: string, limit: number): Promise<AuditEntry[]>;
  acquireLease(portfolioId: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(portfolioId: string, holder: string): Promise<void>;
}

export type UserRole = "trader" | "researcher" | "risk_officer" | "admin";

export interface ApiKeyLookup {
  readonly keyId: string;
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

export interface CreateApiKeyInput {
  email: string;
  displayName: string;
  role: UserRole;
  keyName: string;
  prefix: string;
  keyHash: string;
  expiresAt: number | null;
}

export interface ApiKeyRepository {
  createKey(input: CreateApiKeyInput): Promise<{ userId: string; role: UserRole; keyId: string }>;
  findByPrefix(prefix: string): Promise<ApiKeyLookup | null>;
  touch(keyId: string, time: number): Promise<void>;
  revoke(keyId: string, time: number): Promise<void>;
}
