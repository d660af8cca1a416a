import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { StrategyWeightsChart, type StrategyWeightsChartProps } from "./strategy-weights-chart";

const weights = { bull_specialist: 0.6, bear_specialist: 0.15, sideways_specialist: 0.25 };

function render(props: StrategyWeightsChartProps): string {
  return renderToStaticMarkup(createElement(StrategyWeightsChart, props));
}

describe("StrategyWeightsChart", () => {
  it("draws one bar per specialist with its percentage", () => {
    const markup = render({ weights });
    expect(markup).toContain('aria-label="Strategy weights"');
    expect(markup).toMatch(/data-strategy="bull_specialist" data-value="0.6">.*?width:60%.*?60\.0%/);
    expect(markup).toMatch(/data-strategy="bear_specialist" data-value="0.15">.*?width:15%.*?15\.0%/);
    expect(markup).toMatch(/data-strategy="sideways_specialist" data-value="0.25">.*?width:25%.*?25\.0%/);
    expect(markup).not.toContain("strategy-anomaly");
  });

  it("badges a flagged or fallen-back blend", () => {
    const flagged = render({ weights, anomaly: { kind: "flagged", detail: "weights moved 4 sigma" } });
    expect(flagged).toContain('data-testid="strategy-anomaly" data-kind="flagged"');
    expect(flagged).toContain("anomaly flagged");
    expect(flagged).toContain("weights moved 4 sigma");
    const fallback = render({ weights, anomaly: { kind: "fallback" } });
    expect(fallback).toContain('data-kind="fallback"');
    expect(fallback).toContain('data-tone="bad">fallback weights');
  });

  it("renders empty and loading states", () => {
    expect(render({ weights: null })).toContain("No strategy weights yet.");
    expect(render({ weights: undefined, loading: true })).toContain("Loading strategy weights…");
  });
});
