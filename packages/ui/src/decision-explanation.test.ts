import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import {
  DecisionExplanation,
  type DecisionExplanationData,
  type DecisionExplanationProps,
  type ExplainedDecision,
} from "./decision-explanation";

const decision: ExplainedDecision = {
  decisionId: "550e8400-e29b-41d4-a716-446655440000",
  symbol: "AAPL",
  action: "BUY",
  time: Date.UTC(2025, 9, 21, 14, 30, 0),
  confidence: 0.82,
};

const explanation: DecisionExplanationData = {
  shapValues: { rsi_14: 0.15, macd: 0.12, volatility_20d: -0.05 },
  baseValue: 0.02,
  modelOutput: 0.24,
  regimeReasoning: "Bull regime probability (65%) driven by sustained uptrend over 5 days",
  strategySelection: "Meta-controller weighted bull specialist at 60% based on recent 7-day Sharpe ratio (2.1)",
};

function render(props: DecisionExplanationProps): string {
  return renderToStaticMarkup(createElement(DecisionExplanation, props));
}

describe("DecisionExplanation", () => {
  it("shows the SHAP chart and both reasonings for an explained decision", () => {
    const markup = render({ decision, explanation });
    expect(markup).toContain('aria-label="Decision explanation"');
    expect(markup).toContain('data-state="ready"');
    expect(markup).toContain(`data-decision-id="${decision.decisionId}"`);
    expect(markup).toContain('data-testid="shap-chart"');
    expect(markup).toContain('aria-label="Regime reasoning"');
    expect(markup).toContain(explanation.regimeReasoning);
    expect(markup).toContain('aria-label="Strategy selection"');
    expect(markup).toContain(explanation.strategySelection);
    // 0.02 + (0.15 + 0.12 - 0.05) = 0.24
    expect(markup).toContain("Σ SHAP +0.2200");
    expect(markup).toContain("output 0.2400");
    expect(markup).toContain("14:30:00 UTC");
    expect(markup).toContain("confidence 82.0%");
    expect(markup).toContain('data-action="BUY"');
  });

  it("says the explanation is being computed while forensics has none", () => {
    const markup = render({ decision, explanation: null });
    expect(markup).toContain('data-state="pending"');
    expect(markup).toContain("Explanation being computed");
    expect(markup).not.toContain("shap-chart");
  });

  it("distinguishes loading, error, and nothing selected", () => {
    expect(render({ decision, explanation: undefined, loading: true })).toContain('data-state="loading"');
    const failed = render({ decision, explanation: null, error: "forensics timed out" });
    expect(failed).toContain('data-state="error"');
    expect(failed).toContain("Explanation unavailable: forensics timed out");
    const none = render({ decision: null, explanation: null });
    expect(none).toContain('data-state="none"');
    expect(none).toContain("Select a decision to see its explanation.");
  });

  it("keeps an explanation in hand on screen when a refetch fails", () => {
    expect(render({ decision, explanation, error: "network" })).toContain('data-state="ready"');
  });
});
