import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { type RiskLimitRow, RiskUtilisation, utilisation, utilisationTone } from "./risk-utilisation";

describe("utilisation", () => {
  it("is current over threshold, and infinite for any use of a zero limit", () => {
    expect(utilisation(0.175, 0.25)).toBeCloseTo(0.7, 12);
    expect(utilisation(1.2, 1.5)).toBeCloseTo(0.8, 12);
    expect(utilisation(1, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(utilisation(0, 0)).toBe(0);
  });

  it("is ok below warnAt, warn from it, bad at the limit", () => {
    expect(utilisationTone(0.79)).toBe("ok");
    expect(utilisationTone(0.8)).toBe("warn");
    expect(utilisationTone(0.99)).toBe("warn");
    expect(utilisationTone(1)).toBe("bad");
    expect(utilisationTone(Number.POSITIVE_INFINITY)).toBe("bad");
    expect(utilisationTone(0.6, 0.5)).toBe("warn");
    expect(utilisationTone(Number.NaN)).toBe("neutral");
  });
});

// The spec's example limit_utilization: position 17.5% of 25%, sector 45% of 50%, leverage 1.2 of 1.5.
const rows: RiskLimitRow[] = [
  { limit: "max_position_size_pct", label: "Position size", current: 0.175, threshold: 0.25, unit: "percent" },
  { limit: "max_sector_exposure_pct", label: "Sector exposure", current: 0.45, threshold: 0.5, unit: "percent" },
  { limit: "leverage_ratio", label: "Leverage", current: 1.8, threshold: 1.5, unit: "multiple" },
  { limit: "daily_loss", label: "Daily loss", current: 2500, threshold: 20000, warnAt: 0.1 },
];

describe("RiskUtilisation", () => {
  const markup = renderToStaticMarkup(createElement(RiskUtilisation, { rows }));

  it("labels the figure and gives each limit a meter", () => {
    expect(markup).toContain('aria-label="Risk utilisation"');
    expect(markup.match(/<meter /g)).toHaveLength(4);
    expect(markup).toContain('aria-label="Position size"');
  });

  it("shows each limit's utilisation, figures and tone", () => {
    expect(markup).toMatch(/data-limit="max_position_size_pct" data-tone="ok"/);
    expect(markup).toContain("70%");
    expect(markup).toContain("17.5% of 25.0%");
    expect(markup).toMatch(/data-limit="max_sector_exposure_pct" data-tone="warn"/);
    expect(markup).toContain("90%");
    // 1.8 / 1.5 = 120%: over the limit, the bar is full.
    expect(markup).toMatch(/data-limit="leverage_ratio" data-tone="bad"/);
    expect(markup).toContain("120%");
    expect(markup).toContain("1.80× of 1.50×");
    expect(markup).toMatch(/class="ui-meter ui-meter-bad" aria-label="Leverage"[^>]*value="100"/);
    // 2500 / 20000 = 12.5%, past its own warnAt of 10%.
    expect(markup).toMatch(/data-limit="daily_loss" data-tone="warn"/);
    expect(markup).toContain("2500.00 of 20000.00");
    expect(markup).toContain('aria-valuetext="13% of limit (2500.00 of 20000.00)"');
  });

  it("renders empty and loading states", () => {
    expect(renderToStaticMarkup(createElement(RiskUtilisation, { rows: [] }))).toContain(
      "No risk limits reported yet.",
    );
    expect(renderToStaticMarkup(createElement(RiskUtilisation, { rows: [], loading: true }))).toContain(
      "Loading risk limits…",
    );
  });
});
