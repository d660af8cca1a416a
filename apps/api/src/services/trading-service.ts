import {
  type DecisionEngine,
  type DecisionExplainer,
  type DecisionOutcome,
  type Logger,
  PredictionUnavailableError,
  type Repositories,
} from "@tradeops/core";
import type { z } from "zod";
import { ApiError } from "../http/api-error";
import type { forensicsResponse } from "../rest/v1/forensics.schemas";
import type { predictRequest, predictResponse } from "../rest/v1/predict.schemas";

const forensicsRetentionMs = 90 * 24 * 60 * 60 * 1000;

export interface TradingServiceDependencies {
  /** The process's decision engine, once the production models are loaded. */
  readonly engine: () => DecisionEngine | undefined;
  readonly explainer: () => Promise<DecisionExplainer>;
  readonly repositories: Repositories;
  readonly sectors: Readonly<Record<string, string>>;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * The public REST API's behaviour, free of HTTP: each method validates nothing (the routes have
 * parsed the request), does the work, and throws an ApiError carrying the spec's status code.
 */
export class TradingService {
  constructor(private readonly deps: TradingServiceDependencies) {}

  private requireEngine(): DecisionEngine {
    const engine = this.deps.engine();
    if (!engine) throw new ApiError(503, "MODELS_UNAVAILABLE", "model serving is not ready yet (models loading)");
    return engine;
  }

  async predict(request: z.output<typeof predictRequest>): Promise<z.input<typeof predictResponse>> {
    const engine = this.requireEngine();
    if (this.deps.sectors[request.symbol] === undefined) {
      throw new ApiError(400, "UNKNOWN_SYMBOL", `symbol ${request.symbol} is not supported`);
    }
    let outcome: DecisionOutcome;
    try {
      outcome = await engine.predict(request.symbol, {
        riskCheck: request.risk_check,
        strategyOverride: request.strategy_override ?? null,
      });
    } catch (error) {
      if (error instanceof PredictionUnavailableError) {
        if (error.reason === "unknown_symbol") throw new ApiError(400, "UNKNOWN_SYMBOL", error.message);
        throw new ApiError(503, error.reason === "warming_up" ? "WARMING_UP" : "MODEL_FAILED", error.message);
      }
      throw error;
    }
    const response = await this.predictionBody(outcome, request.explain, request.risk_check);
    // A limit refusing the trade is the spec's 403; a SELL signal with nothing to sell is simply a HOLD.
    const refusedByLimit = outcome.riskValidation?.rejection_reasons.some((r) => r.code !== "INSUFFICIENT_POSITION");
    if (outcome.riskValidation && !outcome.riskValidation.approved && refusedByLimit) {
      throw new ApiError(403, "RISK_REJECTED", "risk check failed: trade not permitted", {
        ...response,
        rejection_reasons: outcome.riskValidation.rejection_reasons,
        allowed_quantity: outcome.riskValidation.allowed_quantity,
      });
    }
    return response;
  }

  private async predictionBody(
    outcome: DecisionOutcome,
    explain: boolean,
    riskChecked: boolean,
  ): Promise<z.input<typeof predictResponse>> {
    const explanation = explain ? await (await this.deps.explainer()).explain(outcome.event) : undefined;
    return {
      decision_id: outcome.decisionId,
      symbol: outcome.symbol,
      action: outcome.action,
      confidence: outcome.confidence,
      recommended_quantity: outcome.quantity,
      regime_probabilities: {
        bull: outcome.regime.bull,
        bear: outcome.regime.bear,
        sideways: outcome.regime.sideways,
        entropy: outcome.regime.entropy,
      },
      strategy_weights: { ...outcome.strategyWeights },
      risk_validation: outcome.riskValidation
        ? {
            approved: outcome.riskValidation.approved,
            warnings: [...outcome.riskValidation.warnings],
            checks: { ...outcome.riskValidation.checks },
          }
        : riskChecked
          ? // A HOLD proposes no trade, so there is nothing for the limits to refuse.
            { approved: true, warnings: ["no trade proposed: no limit applies"], checks: {} }
          : null,
      ...(explanation
        ? {
            explanation: {
              shap_values: { ...explanation.shapValues },
              base_value: explanation.baseValue,
              model_output: explanation.modelOutput,
              regime_reasoning: explanation.regimeReasoning,
              strategy_selection: explanation.strategySelection,
            },
          }
        : {}),
      metadata: {
        model_version: outcome.modelVersion,
        latency_ms: outcome.processingTimeMs,
        timestamp: new Date(outcome.time).toISOString(),
      },
    };
  }

  /** A decision's explanation for the console, or null while forensics has not stored it. */
  async explanation(decisionId: string) {
    const stored = await this.deps.repositories.decisions.findDecision(decisionId);
    if (!stored?.explanation) return null;
    return {
      decisionId: stored.event.decision_id,
      symbol: stored.event.symbol,
      action: stored.event.action,
      time: stored.event.timestamp,
      ...stored.explanation,
      audit: stored.audit.map((entry) => ({
        time: new Date(entry.time).toISOString(),
        actor: entry.actor,
        action: entry.action,
      })),
    };
  }

  /** Whether decisions are flowing normally: the meta-controller's state and the publisher's backlog. */
  pipelineStatus(publisher: { degraded: boolean; buffered: number; spilled: number } | undefined) {
    const engine = this.deps.engine();
    return {
      engineReady: engine !== undefined,
      metaController: engine?.status() ?? null,
      forensicsDelayed: publisher?.degraded ?? false,
      bufferedEvents: (publisher?.buffered ?? 0) + (publisher?.spilled ?? 0),
    };
  }

  async forensics(decisionId: string): Promise<z.input<typeof forensicsResponse>> {
    const stored = await this.deps.repositories.decisions.findDecision(decisionId);
    if (!stored?.explanation) {
      throw new ApiError(404, "NOT_FOUND", `decision ${decisionId} not found (or not explained yet)`);
    }
    const { event, explanation, audit } = stored;
    if (this.deps.now() - Date.parse(event.timestamp) > forensicsRetentionMs) {
      throw new ApiError(404, "EXPIRED", `decision ${decisionId} is older than 90 days`);
    }
    const execution = audit.find((entry) => entry.action === "decision.executed");
    const executionRecord = (execution?.after ?? {}) as { executionPrice?: number; referencePrice?: number };
    return {
      decision_id: event.decision_id,
      symbol: event.symbol,
      timestamp: event.timestamp,
      action: event.action,
      explanations: {
        shap_values: { ...explanation.shapValues },
        base_value: explanation.baseValue,
        model_output: explanation.modelOutput,
        regime_reasoning: explanation.regimeReasoning,
        strategy_selection: explanation.strategySelection,
      },
      execution_details: {
        executed: execution !== undefined,
        execution_price: executionRecord.executionPrice ?? null,
        slippage:
          executionRecord.executionPrice !== undefined && executionRecord.referencePrice !== undefined
            ? executionRecord.executionPrice - executionRecord.referencePrice
            : null,
        pnl_realized: null,
      },
      audit_trail: {
        risk_checks_passed: Object.entries(event.risk_checks)
          .filter(([, passed]) => passed)
          .map(([check]) => check),
        approvals: event.risk_approved === false ? [] : ["risk_manager_auto"],
        processing_time_ms: event.processing_time_ms ?? null,
        events: audit.map((entry) => ({
          time: new Date(entry.time).toISOString(),
          actor: entry.actor,
          action: entry.action,
        })),
      },
    };
  }
}
