import type { TradingDecisionEvent } from "../events/trading-decision";
import type { StrategyWeights } from "../meta/strategy-weights";
import type { SpecialistName } from "../models/specialist";
import type { RegimeEstimate } from "../regime/regime-detector";
import type { PreTradeResult } from "../risk/pre-trade-check";
import type { Decision } from "./decide";

export interface TradingDecisionParts {
  readonly decisionId: string;
  /** Epoch ms the decision is as of. */
  readonly time: number;
  readonly symbol: string;
  readonly decision: Decision;
  readonly price: number;
  readonly regime: RegimeEstimate;
  readonly weights: StrategyWeights;
  readonly features: Readonly<Record<string, number>>;
  readonly modelVersions: Readonly<Record<SpecialistName, string>>;
  readonly processingTimeMs: number;
  readonly source: "live" | "api";
}

/**
 * The spec's `risk_checks` booleans, named like its example (`position_limit_ok`,
 * `concentration_ok`, ...); empty when no check ran (a HOLD proposes no trade to check).
 */
export function riskCheckFlags(validation: PreTradeResult | null): Record<string, boolean> {
  if (validation === null) return {};
  // Every control evaluated, as `<check>_ok` (one not evaluated, e.g. VaR without history, is left out).
  const flags: Record<string, boolean> = {};
  for (const [check, status] of Object.entries(validation.checks)) {
    if (status !== "not_evaluated") flags[`${check}_ok`] = status === "pass";
  }
  return flags;
}

/** The `trading.decisions.v1` payload: the spec's fields plus what forensics needs to replay the score. */
export function tradingDecisionPayload(parts: TradingDecisionParts): TradingDecisionEvent {
  const { decision, regime } = parts;
  return {
    event_type: "trading_decision",
    timestamp: new Date(parts.time).toISOString(),
    decision_id: parts.decisionId,
    symbol: parts.symbol,
    action: decision.action,
    quantity: decision.quantity,
    confidence: decision.confidence,
    regime_probs: { bull: regime.bull, bear: regime.bear, sideways: regime.sideways },
    strategy_weights: { ...parts.weights },
    features: { ...parts.features },
    risk_checks: riskCheckFlags(decision.riskValidation),
    price: parts.price,
    score: decision.score,
    regime_entropy: regime.entropy,
    model_versions: { ...parts.modelVersions },
    ...(decision.riskValidation === null ? {} : { risk_approved: decision.riskValidation.approved }),
    processing_time_ms: parts.processingTimeMs,
    source: parts.source,
  };
}
