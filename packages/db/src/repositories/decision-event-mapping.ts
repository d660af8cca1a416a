import { z } from "zod";
import type { Decision, Prisma } from "../generated/prisma/client";
import { type TradingDecisionEvent, tradingDecisionEventSchema } from "./trading-decision-event";

/** The decisions row of an event; `execution` stays null until the execution engine reports. */
export type DecisionRow = Omit<Prisma.DecisionUncheckedCreateInput, "id" | "execution" | "explanation"> & {
  id: string;
};

/** What `model_version` (NOT NULL) holds for an event that names no models. */
const unknownModelVersion = "unknown";

/**
 * The human-readable `model_version` column: the `name@version` values in specialist-name order,
 * comma-separated. Only a summary; `model_versions` keeps the exact record.
 */
export function compactModelVersion(modelVersions: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(modelVersions ?? {});
  if (entries.length === 0) return unknownModelVersion;
  return entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, version]) => version)
    .join(",");
}

/**
 * Maps a (validated) event onto a decisions row. Every field lands in a column the reverse
 * mapping reads back, so `eventFromDecisionRow(decisionRowFromEvent(e))` equals `e`.
 * PostgreSQL keeps uuids in lower case: an upper-case id comes back lower-cased.
 */
export function decisionRowFromEvent(event: TradingDecisionEvent): DecisionRow {
  return {
    id: event.decision_id.toLowerCase(),
    time: new Date(Date.parse(event.timestamp)),
    eventTimestamp: event.timestamp,
    symbol: event.symbol,
    action: event.action,
    quantity: event.quantity,
    confidence: event.confidence,
    probBull: event.regime_probs.bull,
    probBear: event.regime_probs.bear,
    probSideways: event.regime_probs.sideways,
    regimeEntropy: event.regime_entropy ?? null,
    strategyWeights: event.strategy_weights,
    features: event.features,
    riskChecks: event.risk_checks,
    riskApproved: event.risk_approved ?? null,
    modelVersion: compactModelVersion(event.model_versions),
    modelVersions: event.model_versions,
    latencyMs: event.processing_time_ms ?? null,
    price: event.price ?? null,
    score: event.score ?? null,
    source: event.source ?? null,
  };
}

type StoredDecisionRow = Pick<
  Decision,
  | "id"
  | "time"
  | "eventTimestamp"
  | "symbol"
  | "action"
  | "quantity"
  | "confidence"
  | "probBull"
  | "probBear"
  | "probSideways"
  | "regimeEntropy"
  | "strategyWeights"
  | "features"
  | "riskChecks"
  | "riskApproved"
  | "modelVersions"
  | "latencyMs"
  | "price"
  | "score"
  | "source"
>;

/** A null column is an absent optional field, never a field holding null. */
function present<K extends string, V>(key: K, value: V | null): { [P in K]?: V } {
  return (value === null ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * The event a decisions row was stored from. Rows written before the event columns existed fall
 * back to `time` for the timestamp. A row that does not make a valid event (written by other
 * means) throws, naming the decision.
 */
export function eventFromDecisionRow(row: StoredDecisionRow): TradingDecisionEvent {
  const candidate = {
    event_type: "trading_decision",
    timestamp: row.eventTimestamp ?? row.time.toISOString(),
    decision_id: row.id,
    symbol: row.symbol,
    action: row.action,
    quantity: row.quantity,
    confidence: row.confidence,
    regime_probs: { bull: row.probBull, bear: row.probBear, sideways: row.probSideways },
    strategy_weights: row.strategyWeights,
    features: row.features,
    risk_checks: row.riskChecks,
    ...present("price", row.price),
    ...present("score", row.score),
    ...present("regime_entropy", row.regimeEntropy),
    ...present("model_versions", row.modelVersions),
    ...present("risk_approved", row.riskApproved),
    ...present("processing_time_ms", row.latencyMs),
    ...present("source", row.source),
  };
  const parsed = tradingDecisionEventSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new Error(
      `decision ${row.id} is stored in a form that is not a trading_decision event: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}
