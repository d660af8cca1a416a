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
  /** Whether `symbol` is a registered instrument (stored bars or not). */
  knownSymbol(symbol: string): Promise<boolean>;
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
