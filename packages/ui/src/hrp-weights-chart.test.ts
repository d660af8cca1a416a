import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { byTarget, HrpWeightsChart, type HrpWeightsChartProps, largestGap } from "./hrp-weights-chart";

const rows = [
  { symbol: "MSFT", target: 0.2, current: 0.05 },
  { symbol: "AAPL", target: 0.5, current: 0.45 },
  { symbol: "XOM", target: 0.3, current: 0 },
];

function render(props: HrpWeightsChartProps): string {
  return renderToStaticMarkup(createElement(HrpWeightsChart, props));
}

describe("byTarget / largestGap", () => {
  it("orders by target, largest first, ties by symbol", () => {
    expect(byTarget(rows).map((r) => r.symbol)).toEqual(["AAPL", "XOM", "MSFT"]);
    expect(
      byTarget([
        { symbol: "B", target: 0.5, current: 0 },
        { symbol: "A", target: 0.5, current: 0 },
      ]).map((r) => r.symbol),
    ).toEqual(["A", "B"]);
  });

  it("finds the symbol furthest from its target, either way", () => {
    expect(largestGap(rows)?.symbol).toBe("XOM");
    expect(largestGap([{ symbol: "A", target: 0.1, current: 0.6 }, ...rows])?.symbol).toBe("A");
    expect(largestGap([])).toBeUndefined();
  });
});

describe("HrpWeightsChart", () => {
  it("summarises the weights and lists them in a table, largest target first", () => {
    const markup = render({ rows, asOf: Date.UTC(2025, 9, 21, 14, 30, 0) });
    expect(markup).toContain('aria-label="HRP target versus current weights"');
    expect(markup).toContain('data-symbols="3"');
    expect(markup).toContain("XOM: 0.0% held, 30.0% target");
    expect(markup).toContain("14:30:00 UTC");
    expect(markup).toContain('class="ui-chart-box" style="height:280px"');
    const order = [...markup.matchAll(/<tr data-symbol="([A-Z]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(["AAPL", "XOM", "MSFT"]);
    expect(markup).toMatch(/data-symbol="MSFT" data-target="0.2" data-current="0.05">.*?20\.0%.*?5\.0%/);
  });

  it("renders empty and loading states without a chart", () => {
    const empty = render({ rows: [] });
    expect(empty).toContain("No HRP target yet: too little price history.");
    expect(empty).not.toContain("ui-chart-box");
    expect(render({ rows: [], loading: true })).toContain("Loading HRP weights…");
  });
});
