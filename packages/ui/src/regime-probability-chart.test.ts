import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { maxRegimeEntropy, type RegimePoint, RegimeProbabilityChart } from "./regime-probability-chart";

const t0 = Date.UTC(2025, 9, 21, 14, 30, 0);
// Entropies worked out by hand: -(0.65 ln 0.65 + 0.2 ln 0.2 + 0.15 ln 0.15) = 0.8865 nats.
const points: RegimePoint[] = [
  { time: t0 + 2000, bull: 0.65, bear: 0.2, sideways: 0.15, entropy: 0.8865 },
  { time: t0, bull: 1 / 3, bear: 1 / 3, sideways: 1 / 3, entropy: Math.log(3) },
  { time: t0 + 1000, bull: 0.5, bear: 0.25, sideways: 0.25, entropy: 1.0397 },
];

function render(props: Parameters<typeof RegimeProbabilityChart>[0]): string {
  return renderToStaticMarkup(createElement(RegimeProbabilityChart, props));
}

describe("RegimeProbabilityChart", () => {
  it("labels the chart and summarises the latest point (by time, not by position) as text", () => {
    const markup = render({ points });
    expect(markup).toContain('aria-label="Regime probabilities over time"');
    expect(markup).toContain('data-testid="regime-chart"');
    expect(markup).toContain('data-points="3"');
    expect(markup).toContain('data-series="bull"');
    expect(markup).toMatch(/P\(bull\)<\/dt><dd class="mono" data-value="0.65">65\.0%<\/dd>/);
    expect(markup).toMatch(/P\(bear\)<\/dt><dd class="mono" data-value="0.2">20\.0%<\/dd>/);
    expect(markup).toMatch(/P\(sideways\)<\/dt><dd class="mono" data-value="0.15">15\.0%<\/dd>/);
    expect(markup).toContain("0.89 nats");
    expect(markup).toContain("14:30:02 UTC");
  });

  it("sizes the plot so ResponsiveContainer has a parent to fill", () => {
    expect(render({ points, height: 300 })).toContain('class="ui-chart-box" style="height:300px"');
    expect(render({ points })).toContain('class="ui-chart-box" style="height:260px"');
  });

  it("shows the maximal entropy of three equally likely regimes as ln 3", () => {
    expect(maxRegimeEntropy).toBeCloseTo(1.0986122887, 10);
    const markup = render({ points: [{ time: t0, bull: 1 / 3, bear: 1 / 3, sideways: 1 / 3, entropy: Math.log(3) }] });
    expect(markup).toContain("33.3%");
    expect(markup).toContain("1.10 nats");
  });

  it("renders empty and loading states without a chart", () => {
    const empty = render({ points: [] });
    expect(empty).toContain("No regime probabilities yet.");
    expect(empty).toContain('role="status"');
    expect(empty).not.toContain("ui-chart-box");
    const loading = render({ points: [], loading: true });
    expect(loading).toContain("Loading regime probabilities…");
    expect(loading).toContain('aria-busy="true"');
  });
});
