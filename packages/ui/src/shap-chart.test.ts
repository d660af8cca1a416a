import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ShapChart } from "./shap-chart";

function attributeValues(markup: string, attribute: string): string[] {
  return [...markup.matchAll(new RegExp(`${attribute}="([^"]*)"`, "g"))].map((match) => match[1] ?? "");
}

const shapValues = {
  rsi_14: 0.15,
  macd: 0.12,
  volatility_20d: -0.05,
  volume_ratio: 0.01,
  momentum_5d: -0.2,
  sma_ratio: 0.04,
  atr_14: -0.03,
  bollinger_pos: 0.07,
  return_1d: -0.09,
  return_5d: 0.02,
  spread: -0.005,
  vwap_gap: 0.003,
};
// Hand-worked: Σ = 0.15 + 0.12 - 0.05 + 0.01 - 0.2 + 0.04 - 0.03 + 0.07 - 0.09 + 0.02 - 0.005 + 0.003 = 0.038.
const baseValue = 0.1;
const modelOutput = 0.138;

describe("ShapChart", () => {
  it("lists the ten largest contributions by |value| in order, signed and coloured", () => {
    const markup = renderToStaticMarkup(createElement(ShapChart, { shapValues, baseValue, modelOutput }));
    expect(markup).toContain('aria-label="SHAP feature contributions"');
    expect(markup).toContain('data-testid="shap-chart"');
    expect(attributeValues(markup, "data-feature")).toEqual([
      "momentum_5d",
      "rsi_14",
      "macd",
      "return_1d",
      "bollinger_pos",
      "volatility_20d",
      "sma_ratio",
      "atr_14",
      "return_5d",
      "volume_ratio",
    ]);
    expect(markup).toMatch(/<td class="num mono ui-negative">-0\.2000<\/td>/);
    expect(markup).toMatch(/<td class="num mono ui-positive">\+0\.1500<\/td>/);
    expect(markup).not.toContain('data-feature="spread"');
    expect(markup).toContain("2 other features: Σ SHAP -0.0020");
  });

  it("states base + Σ = output and flags no gap when the values add up", () => {
    const markup = renderToStaticMarkup(createElement(ShapChart, { shapValues, baseValue, modelOutput }));
    expect(markup).toContain("base 0.1000");
    expect(markup).toContain("Σ SHAP +0.0380");
    expect(markup).toContain("output 0.1380");
    expect(markup).toMatch(/ = <span data-value="[^"]*">0\.1380<\/span>/);
    expect(markup).not.toContain("not attributed");
  });

  it("reports the part of the output the supplied values do not account for", () => {
    const markup = renderToStaticMarkup(
      createElement(ShapChart, { shapValues: { a: 0.2, b: -0.05 }, baseValue: 0.1, modelOutput: 0.3 }),
    );
    // 0.3 - (0.1 + 0.15) = 0.05
    // base + Σ = 0.1 + 0.15 = 0.25
    expect(markup).toMatch(/ = <span data-value="[^"]*">0\.2500<\/span>/);
    expect(markup).toContain("+0.0500 not attributed to the features shown");
  });

  it("shows an empty state without values", () => {
    const markup = renderToStaticMarkup(createElement(ShapChart, { shapValues: {}, baseValue: 0.1, modelOutput: 0.1 }));
    expect(markup).toContain("No SHAP values for this decision.");
    expect(markup).not.toContain("<table");
  });
});
