"use client";

import { ActionBadge, type DecisionAction } from "./action-badge";
import { EmptyState } from "./empty-state";
import { formatClock, formatPercent } from "./format";
import { ShapChart } from "./shap-chart";

/** The decision an explanation belongs to, as the decisions table knows it. */
export interface ExplainedDecision {
  readonly decisionId: string;
  readonly symbol: string;
  readonly action: DecisionAction;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly confidence?: number;
}

/** What forensics stored for a decision. */
export interface DecisionExplanationData {
  readonly shapValues: Readonly<Record<string, number>>;
  readonly baseValue: number;
  readonly modelOutput: number;
  readonly regimeReasoning: string;
  readonly strategySelection: string;
}

export interface DecisionExplanationProps {
  /** The selected decision; none selected shows a prompt. */
  readonly decision: ExplainedDecision | null | undefined;
  /** Null while forensics has not explained the decision yet: shown as pending, not as an error. */
  readonly explanation: DecisionExplanationData | null | undefined;
  readonly loading?: boolean;
  readonly error?: string | null;
}

type ExplanationState = "none" | "loading" | "error" | "pending" | "ready";

function stateOf({ decision, explanation, loading, error }: DecisionExplanationProps): ExplanationState {
  if (!decision) return "none";
  // An explanation already in hand stays on screen even if a later refetch failed.
  if (explanation) return "ready";
  if (error) return "error";
  return loading ? "loading" : "pending";
}

/**
 * Why a decision was made: its SHAP values, then the regime and strategy reasoning in words. The
 * `data-state` attribute says which of none / loading / error / pending / ready is showing.
 */
export function DecisionExplanation(props: DecisionExplanationProps) {
  const { decision, explanation, error } = props;
  const state = stateOf(props);
  return (
    <article
      className="ui-explanation"
      aria-label="Decision explanation"
      aria-busy={state === "loading"}
      data-testid="decision-explanation"
      data-state={state}
      data-decision-id={decision?.decisionId}
    >
      {decision ? (
        <header className="ui-explanation-header">
          <h3>
            {decision.symbol} <ActionBadge action={decision.action} />
          </h3>
          <span className="mono muted">{formatClock(decision.time)} UTC</span>
          {decision.confidence === undefined ? null : (
            <span className="mono muted">confidence {formatPercent(decision.confidence)}</span>
          )}
          <span className="mono muted ui-decision-id">{decision.decisionId}</span>
        </header>
      ) : null}
      {state === "none" ? <EmptyState>Select a decision to see its explanation.</EmptyState> : null}
      {state === "loading" ? <EmptyState>Loading explanation…</EmptyState> : null}
      {state === "error" ? <EmptyState tone="bad">{`Explanation unavailable: ${error ?? ""}`}</EmptyState> : null}
      {state === "pending" ? (
        <EmptyState>Explanation being computed: forensics has not explained this decision yet.</EmptyState>
      ) : null}
      {state === "ready" && explanation ? (
        <>
          <ShapChart
            shapValues={explanation.shapValues}
            baseValue={explanation.baseValue}
            modelOutput={explanation.modelOutput}
          />
          <section className="ui-reasoning" aria-label="Regime reasoning">
            <h4>Regime</h4>
            <p data-testid="regime-reasoning">{explanation.regimeReasoning}</p>
          </section>
          <section className="ui-reasoning" aria-label="Strategy selection">
            <h4>Strategy</h4>
            <p data-testid="strategy-selection">{explanation.strategySelection}</p>
          </section>
        </>
      ) : null}
    </article>
  );
}
